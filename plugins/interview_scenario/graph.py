"""The step graph of a scenario as the editor draws it: steps in columns by their distance
from the start, an arrow per choice to the step it leads to (or to the end), the best path
marked. Works on a payload being edited, which may be incomplete, invalid or cyclic."""

from __future__ import annotations

from functools import cache

NODE_W, NODE_H, COL_W, ROW_H, PAD = 150, 46, 230, 70, 20
END = "(end)"


def _steps(payload: dict) -> list[dict]:
    steps = payload.get("steps") if isinstance(payload, dict) else None
    return [s for s in steps or [] if isinstance(s, dict) and s.get("id")]


def _choices(step: dict) -> list[dict]:
    return [c for c in step.get("choices") or [] if isinstance(c, dict)]


def _weight(choice: dict) -> float:
    try:
        return float(choice.get("weight") or 0)
    except (TypeError, ValueError):
        return 0.0


def best_choices(payload: dict) -> set[tuple[str, str]]:
    """(step id, choice id) of the best path from the start; empty when the graph loops."""
    by_id = {s["id"]: s for s in _steps(payload)}
    visiting: set[str] = set()

    @cache
    def best(step_id: str) -> tuple[float, tuple]:
        if step_id in visiting:
            raise RecursionError(step_id)
        visiting.add(step_id)
        options = []
        for c in _choices(by_id[step_id]):
            nxt = c.get("next")
            rest = best(nxt) if nxt in by_id else (0.0, ())
            options.append((_weight(c) + rest[0], ((step_id, str(c.get("id"))),) + rest[1]))
        visiting.discard(step_id)
        return max(options, default=(0.0, ()))

    start = payload.get("start") if isinstance(payload, dict) else None
    if start not in by_id:
        return set()
    try:
        return set(best(start)[1])
    except RecursionError:
        return set()


def layout(payload: dict) -> dict:
    """Nodes and edges with coordinates for an SVG, plus the problems a trainer sees at a
    glance (unreachable steps, unknown targets)."""
    steps = _steps(payload)
    by_id = {s["id"]: s for s in steps}
    start = payload.get("start") if isinstance(payload, dict) else None
    depth: dict[str, int] = {}
    if start in by_id:
        depth[start] = 0
        queue = [start]
        while queue:
            current = queue.pop(0)
            for c in _choices(by_id[current]):
                nxt = c.get("next")
                if nxt in by_id and nxt not in depth:
                    depth[nxt] = depth[current] + 1
                    queue.append(nxt)
    unreachable = [s["id"] for s in steps if s["id"] not in depth]
    last = max(depth.values(), default=-1)
    for sid in unreachable:  # drawn in a column of their own, after the rest
        depth[sid] = last + 1
    columns: dict[int, list[str]] = {}
    for s in steps:
        columns.setdefault(depth[s["id"]], []).append(s["id"])
    end_col = max(columns, default=0) + 1
    pos: dict[str, tuple[int, int]] = {}
    for col, ids in columns.items():
        for row, sid in enumerate(ids):
            pos[sid] = (PAD + col * COL_W, PAD + row * ROW_H)
    has_end = any(c.get("next") in (None, "") for s in steps for c in _choices(s))
    tallest = max((len(ids) for ids in columns.values()), default=1)
    if has_end:
        pos[END] = (PAD + end_col * COL_W, PAD + (tallest - 1) * ROW_H // 2)
    best = best_choices(payload)
    nodes = [{"id": s["id"], "x": pos[s["id"]][0], "y": pos[s["id"]][1],
              "label": _label(s.get("situation")), "start": s["id"] == start,
              "unreachable": s["id"] in unreachable} for s in steps]
    if has_end:
        nodes.append({"id": END, "x": pos[END][0], "y": pos[END][1], "label": "",
                      "start": False, "end": True, "unreachable": False})
    edges: dict[tuple[str, str], dict] = {}
    unknown = []
    for s in steps:
        for c in _choices(s):
            target = c.get("next") or END
            if target not in pos:
                unknown.append(f"{s['id']} → {target}")
                continue
            label = f"{c.get('id') or '?'} ({_number(_weight(c))})"
            edge = edges.get((s["id"], target))
            if edge is None:  # several choices to the same step share one arrow
                edge = edges[(s["id"], target)] = _edge(pos, s["id"], target)
            edge["choices"].append(label)
            edge["best"] = edge["best"] or (s["id"], str(c.get("id"))) in best
    for edge in edges.values():
        edge["label"] = ", ".join(edge["choices"])
    width = PAD * 2 + (end_col + (1 if has_end else 0)) * COL_W
    height = PAD * 2 + tallest * ROW_H
    return {"width": width, "height": height, "node_w": NODE_W, "node_h": NODE_H,
            "nodes": nodes, "edges": list(edges.values()), "unreachable": unreachable,
            "unknown": unknown, "start": start}


def _label(text) -> str:
    words = " ".join(str(text or "").replace("*", "").split())
    return words[:22] + "…" if len(words) > 23 else words


def _edge(pos: dict, source: str, target: str) -> dict:
    (x1, y1), (x2, y2) = pos[source], pos[target]
    x1, y1, y2 = x1 + NODE_W, y1 + NODE_H // 2, y2 + NODE_H // 2
    bend = max(40, abs(x2 - x1) // 2)
    if x2 <= x1:  # back or same column: loop around below
        path = f"M{x1},{y1} C{x1 + bend},{y1 + 60} {x2 - bend},{y2 + 60} {x2},{y2}"
    else:
        path = f"M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}"
    return {"from": source, "to": target, "d": path, "choices": [], "best": False,
            "lx": x1 + 6, "ly": y1 - 4 if y2 <= y1 else y1 + 14}


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
