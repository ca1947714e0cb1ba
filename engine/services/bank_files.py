"""Reading and validating the item bank on disk: framework JSON, item, module and scheme YAML.

Validation reads every file and reports every problem at once, each naming the file, the
line, the item and the field, so that an author fixes a bank in one pass.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from marshmallow import Schema, ValidationError

from engine.domain.exchange import Problem
from engine.domain.questiontypes import flatten_errors
from engine.domain.yaml_text import parse_yaml
from engine.schemas.bank import FrameworkSchema, ModuleSchema, SchemeSchema
from engine.services.item_checks import check_item, outcome_messages


class ItemBankError(ValueError):
    """The bank has problems; nothing was loaded."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the item bank:\n"
                         + "\n".join(f"  {p}" for p in problems))


@dataclass
class Bank:
    """A validated bank, ready to load."""

    root: Path
    frameworks: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    modules: list[dict] = field(default_factory=list)
    schemes: list[dict] = field(default_factory=list)


def content_hash(data: Any) -> str:
    """A stable digest of JSON-able data: equal content, equal hash."""
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)  # dates of opening and closing
    return hashlib.sha256(blob.encode()).hexdigest()


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _read_yaml(path: Path, root: Path, problems: list[Problem]) -> tuple[Any, Any]:
    """The parsed document and its node tree (for line numbers), or (None, None)."""
    name = _relative(path, root)
    try:
        text = path.read_text(encoding="utf-8")
        node, data = parse_yaml(text)
    except UnicodeDecodeError:
        problems.append(Problem(name, "The file is not UTF-8 text."))
        return None, None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem(name, f"Not valid YAML: {getattr(exc, 'problem', exc)}",
                                line=mark.line + 1 if mark else None))
        return None, None
    if data is None:
        problems.append(Problem(name, "The file is empty."))
        return None, None
    return data, node


def _line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8", errors="replace").splitlines())


def _child(node: Any, key: str | int) -> Any:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None


def _line(node: Any, dotted: str | None = None) -> int | None:
    """The line of a node, or of the deepest node found along a dotted field path."""
    if node is None:
        return None
    best = node
    for part in (dotted or "").split("."):
        if not part:
            continue
        nxt = _child(best, int(part) if part.isdigit() else part)
        if nxt is None:
            break
        best = nxt
    return best.start_mark.line + 1


def _schema_problems(schema: Schema, data: Any, name: str, node: Any, uid: str | None):
    try:
        return schema.load(data), []
    except ValidationError as exc:
        flat = flatten_errors(exc.messages)
        return None, [Problem(name, msg, item=uid, field=path, line=_line(node, path))
                      for path, msg in flat.items()]


def load_outcome_index(root: Path) -> dict[str, dict]:
    """Educational outcome cells of every framework in the bank, by code."""
    index: dict[str, dict] = {}
    for path in sorted((root / "frameworks").glob("*.json")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            index[cell["code"]] = cell
    return index


def _check_outcomes(codes: list[str], level: int | None, outcomes: dict[str, dict]) -> list[str]:
    return list(outcome_messages(codes, level, outcomes).values())


def read_bank(root: Path | str, question_types) -> Bank:
    """Read and validate the whole bank; raise ItemBankError listing every problem."""
    root = Path(root)
    problems: list[Problem] = []
    bank = Bank(root=root)
    for path in sorted((root / "frameworks").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            problems.append(Problem(_relative(path, root), f"Not valid JSON: {exc}"))
            continue
        framework, found = _schema_problems(FrameworkSchema(), data, _relative(path, root),
                                            None, None)
        problems.extend(found)
        if framework:
            bank.frameworks.append(data)
    # Outcomes of the frameworks that validated: one broken framework file must not make
    # every item of the bank report an unknown outcome.
    outcomes = {cell["code"]: cell for data in bank.frameworks for cell in data["cells"]}

    seen_items: dict[str, str] = {}
    for path in sorted((root / "items").rglob("*.yaml")):
        name = _relative(path, root)
        data, node = _read_yaml(path, root, problems)
        if data is None and node is None:
            continue
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            problems.append(Problem(name, "An item file holds a mapping with a list `items`."))
            continue
        items_node = _child(node, "items")
        for index, raw in enumerate(data["items"]):
            item_node = _child(items_node, index)
            uid = raw.get("id") if isinstance(raw, dict) else None
            label = uid if isinstance(uid, str) else f"#{index + 1}"
            if isinstance(uid, str) and uid in seen_items:
                problems.append(Problem(name, f"Duplicate item id; also in {seen_items[uid]}.",
                                        item=uid, field="id", line=_line(item_node, "id")))
                continue
            checked = check_item(raw, question_types, outcomes, sources=root / "sources")
            for path_, msg in checked.errors.items():
                problems.append(Problem(name, msg, item=label, field=path_,
                                        line=_line(item_node, path_)))
            for note in checked.notes:  # a bank file is fixed at its source, not on load
                field_, _, msg = note.partition(": ")
                problems.append(Problem(name, msg, item=label, field=field_,
                                        line=_line(item_node, field_)))
            if checked.item is None or checked.notes:
                continue
            seen_items[uid] = name
            checked.item["origin"] = name
            bank.items.append(checked.item)

    from engine.services.bank_translations import merge_translations

    merge_translations(root, bank, question_types, problems)

    scheme_ids: set[str] = set()
    for path in sorted((root / "schemes").glob("*.yaml")):
        name = _relative(path, root)
        data, node = _read_yaml(path, root, problems)
        if data is None and node is None:
            continue
        scheme, found = _schema_problems(SchemeSchema(), data, name, node,
                                         data.get("id") if isinstance(data, dict) else None)
        problems.extend(found)
        if scheme and scheme["id"] in scheme_ids:
            problems.append(Problem(name, "Duplicate scheme id.", item=scheme["id"], field="id",
                                    line=_line(node, "id")))
            continue
        if scheme:
            for msg in _check_outcomes(scheme["outcomes"], None, outcomes):
                problems.append(Problem(name, msg, item=scheme["id"], field="outcomes",
                                        line=_line(node, "outcomes")))
            scheme_ids.add(scheme["id"])
            bank.schemes.append(scheme)

    assessments: set[str] = set()
    placed: list[tuple] = []  # (file, node, field, assessment) for the certification check
    module_ids: dict[str, str] = {}
    for path in sorted((root / "modules").glob("*.yaml")):
        name = _relative(path, root)
        data, node = _read_yaml(path, root, problems)
        if data is None and node is None:
            continue
        module, found = _schema_problems(ModuleSchema(), data, name, node,
                                         data.get("id") if isinstance(data, dict) else None)
        problems.extend(found)
        if not module:
            continue
        if module["id"] in module_ids:
            problems.append(Problem(name, f"Duplicate module id; also in "
                                    f"{module_ids[module['id']]}.", item=module["id"],
                                    field="id", line=_line(node, "id")))
            continue
        module_ids[module["id"]] = name
        lesson_ids = [lesson["id"] for lesson in module["lessons"]]
        for dup in sorted({x for x in lesson_ids if lesson_ids.count(x) > 1}):
            problems.append(Problem(name, f"Duplicate lesson id {dup!r}.", item=module["id"],
                                    field="lessons"))
        for a_index, assessment in enumerate(module["assessments"]):
            where = f"assessments.{a_index}"
            if assessment["id"] in assessments:
                problems.append(Problem(name, "Duplicate assessment id (assessment ids are "
                                        "unique across modules).", item=assessment["id"],
                                        field=f"{where}.id", line=_line(node, f"{where}.id")))
            assessments.add(assessment["id"])
            repeated = sorted({u for u in assessment["items"]
                               if assessment["items"].count(u) > 1})
            if repeated:
                problems.append(Problem(name, "An item appears twice: " + ", ".join(repeated)
                                        + ".", item=assessment["id"], field=f"{where}.items",
                                        line=_line(node, f"{where}.items")))
            for i_index, uid in enumerate(assessment["items"]):
                if uid not in seen_items:
                    problems.append(Problem(name, f"No item {uid!r} in the bank.",
                                            item=assessment["id"], field=f"{where}.items",
                                            line=_line(node, f"{where}.items.{i_index}")))
            if assessment["blueprint"]:
                problems.extend(_blueprint_problems(assessment, where, name, node, bank.items,
                                                    outcomes, question_types))
            placed.append((name, node, where, assessment))
            if assessment["scheme"] and assessment["scheme"] not in scheme_ids:
                problems.append(Problem(name, f"No scheme {assessment['scheme']!r} in the bank.",
                                        item=assessment["id"], field=f"{where}.scheme",
                                        line=_line(node, f"{where}.scheme")))
        bank.modules.append(module)
    for scheme in bank.schemes:
        for uid in scheme["requires"].get("assessments", []):
            if uid not in assessments:
                problems.append(Problem(f"schemes/{scheme['id']}.yaml",
                                        f"No assessment {uid!r} in any module.",
                                        item=scheme["id"], field="requires.assessments"))
    if not problems:
        problems.extend(_certification_problems(bank, placed, outcomes, question_types))
    if problems:
        raise ItemBankError(problems)
    return bank


def _certification_problems(bank: Bank, placed: list[tuple], outcomes, question_types):
    """Assessments that count toward a scheme but are not safe for certification, and other
    assessments that would show items kept for certification."""
    from engine.domain.blueprints import shortfalls
    from engine.services import integrity
    from engine.services.blueprints import candidates, rows_of

    required = {uid: scheme["id"] for scheme in bank.schemes
                for uid in scheme["requires"].get("assessments", [])}
    items = {item["id"]: item for item in bank.items}
    pool = candidates(bank.items, outcomes)
    counting = {assessment["id"]: assessment["scheme"] or required[assessment["id"]]
                for _name, _node, _where, assessment in placed
                if assessment["scheme"] or assessment["id"] in required}
    kept = integrity.secured([a for *_rest, a in placed if a["id"] in counting], pool)
    problems = []
    for name, node, where, assessment in placed:
        scheme = counting.get(assessment["id"])
        if scheme:
            for message in integrity.evaluate(assessment, items, pool,
                                              question_types).problems:
                problems.append(Problem(
                    name, f"Counts toward the scheme {scheme!r} but is not safe for "
                    f"certification: {message}", item=assessment["id"], field=where,
                    line=_line(node, where)))
            continue
        for message in integrity.shared_with_certification(assessment, kept):
            problems.append(Problem(name, str(message), item=assessment["id"],
                                    field=f"{where}.items", line=_line(node, f"{where}.items")))
        if assessment["blueprint"]:
            rows = rows_of(assessment["blueprint"])
            for short in shortfalls(rows, [c for c in pool if c.uid not in kept]):
                field = f"{where}.blueprint.{short.row}"
                problems.append(Problem(
                    name, f"Without the items kept for certification, the bank has "
                    f"{short.available} of the {short.needed} items this row needs "
                    f"({rows[short.row].describe()}): {short.missing} short.",
                    item=assessment["id"], field=field, line=_line(node, field)))
    return problems


def _blueprint_problems(assessment, where, name, node, items, outcomes, question_types):
    """Rows that name unknown outcomes, areas or types, and rows the bank cannot fill."""
    from engine.domain.blueprints import shortfalls
    from engine.services.blueprints import candidates, rows_of

    problems = []
    areas = {cell["area"] for cell in outcomes.values()}
    for r_index, row in enumerate(assessment["blueprint"]):
        field = f"{where}.blueprint.{r_index}"
        for msg in _check_outcomes(row["outcomes"], row["eqf_level"], outcomes):
            problems.append(Problem(name, msg, item=assessment["id"], field=f"{field}.outcomes",
                                    line=_line(node, f"{field}.outcomes")))
        if row["area"] and row["area"] not in areas:
            problems.append(Problem(name, f"No competence area {row['area']!r}.",
                                    item=assessment["id"], field=f"{field}.area",
                                    line=_line(node, f"{field}.area")))
        for qtype in row["types"]:
            if qtype not in question_types:
                problems.append(Problem(name, f"Unknown question type {qtype!r}.",
                                        item=assessment["id"], field=f"{field}.types",
                                        line=_line(node, f"{field}.types")))
    if problems:
        return problems
    rows = rows_of(assessment["blueprint"])
    for short in shortfalls(rows, candidates(items, outcomes)):
        field = f"{where}.blueprint.{short.row}"
        problems.append(Problem(
            name, f"The bank has {short.available} of the {short.needed} items this row needs "
            f"({rows[short.row].describe()}): {short.missing} short.", item=assessment["id"],
            field=field, line=_line(node, field)))
    return problems
