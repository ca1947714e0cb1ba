"""Readable differences between two versions of an item, for its history.

An item's content is flattened to dotted field paths (``payload.options.1.text``) with text
values; a change is a path whose value differs. Long texts are compared word by word, so a
trainer sees the words that were removed and added rather than two whole paragraphs.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None  # None: the field was added
    after: str | None  # None: the field was removed

    def as_dict(self) -> dict:
        return {"field": self.field, "before": self.before, "after": self.after}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def flatten(data: Any, prefix: str = "") -> dict[str, str]:
    """``{"a": {"b": [1, 2]}}`` -> ``{"a.b.0": "1", "a.b.1": "2"}``; lists of plain strings
    (outcomes, tags) stay one field, read as a comma-separated list."""
    flat: dict[str, str] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            flat.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(data, list) and data and all(isinstance(v, dict | list) for v in data):
        for index, value in enumerate(data):
            flat.update(flatten(value, f"{prefix}.{index}" if prefix else str(index)))
    elif isinstance(data, list):
        flat[prefix] = ", ".join(_text(v) for v in data)
    elif data is not None:
        flat[prefix] = _text(data)
    return flat


def changes(before: dict | None, after: dict | None) -> list[Change]:
    """The fields that differ between two contents, in the order of ``after``'s fields (then
    the removed ones)."""
    old, new = flatten(before or {}), flatten(after or {})
    found = [Change(path, old.get(path), value) for path, value in new.items()
             if old.get(path) != value]
    found += [Change(path, value, None) for path, value in old.items() if path not in new]
    return found


_WORDS = re.compile(r"\s+|[^\s]+")


def word_diff(before: str | None, after: str | None) -> list[tuple[str, str]]:
    """``[(op, text)]`` with op ``=`` (kept), ``-`` (removed) or ``+`` (added), word by word."""
    a, b = _WORDS.findall(before or ""), _WORDS.findall(after or "")
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(("+", "".join(b[j1:j2])))
    return parts
