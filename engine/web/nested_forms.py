"""Nested data from flat HTML form fields, so an item editor's fields can be named by the
same dotted paths that validation errors use.

A field is named ``path[:kind]``: ``title``, ``payload.points:float``,
``payload.options.2.correct:bool``, ``outcomes:list``. Numeric path parts are list indexes
(gaps left by rows removed in the browser close up, in order). Kinds:

- ``str`` (default): the text as typed;
- ``opt``: text, left out when empty (an optional reference such as a scenario's ``next``);
- ``int``, ``float``: a number, left out when empty so the schema's default or its "missing"
  error applies; text that is not a number is passed on for the schema to refuse by name;
- ``bool``: the last value posted, so a hidden ``false`` before a checkbox ``true`` reads
  as the box's state;
- ``list``: every value posted (checkbox groups, multiple selects);
- ``lines``, ``csv``: one text split into non-empty lines or comma-separated parts;
- ``yaml``: a YAML document (the raw payload editor of types without a form of their own).

Rows the trainer left blank (every text empty, whatever their boxes say) are dropped, and so
is an optional group of fields left wholly empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import yaml

FIELD = re.compile(r"^(?P<path>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)"
                   r"(?::(?P<kind>str|opt|int|float|bool|list|lines|csv|yaml))?$")
TRUE = {"true", "on", "1", "yes"}
# The prototype rows of the editor's templates (``payload.options.__i__.text``): a browser
# does not post them, and a posted one stands for nothing.
PLACEHOLDER = re.compile(r"(^|\.)__[a-z]+__(\.|$)")


class FormDataError(ValueError):
    """A field could not be read (a YAML payload that does not parse); ``data`` holds the
    fields that could, so the form is shown again with what the trainer typed."""

    def __init__(self, errors: dict[str, str], data: dict | None = None):
        self.errors, self.data = errors, data or {}
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


_EMPTY = object()


def _number(raw: str, kind: str) -> Any:
    text = raw.strip().replace(",", ".") if kind == "float" else raw.strip()
    if not text:
        return _EMPTY
    try:
        return int(text) if kind == "int" else float(text)
    except ValueError:
        return raw  # the schema names the field and says it is not a number


def _value(kind: str, values: list[str], path: str) -> Any:
    # Browsers post a textarea's line ends as CRLF: stored texts use LF, as the bank files.
    values = [v.replace("\r\n", "\n").replace("\r", "\n") for v in values]
    last = values[-1] if values else ""
    if kind == "bool":
        return last.strip().lower() in TRUE
    if kind in ("int", "float"):
        return _number(last, kind)
    if kind == "list":
        return [v for v in values if v.strip()]
    if kind == "lines":
        return [line.strip() for line in last.splitlines() if line.strip()]
    if kind == "csv":
        return [part.strip() for part in last.split(",") if part.strip()]
    if kind == "opt":
        return last if last.strip() else _EMPTY
    if kind == "yaml":
        try:
            return yaml.safe_load(last) if last.strip() else _EMPTY
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark else ""
            raise FormDataError({path: f"Not valid YAML{where}: "
                                       f"{getattr(exc, 'problem', exc)}"}) from None
    return last


def _put(tree: dict, parts: list[str], value: Any) -> None:
    node = tree
    for part in parts[:-1]:
        nxt = node.get(part)
        if not isinstance(nxt, dict):
            nxt = node[part] = {}
        node = nxt
    node[parts[-1]] = value


def _is_blank(value: Any, *, row: bool) -> bool:
    """Nothing typed: empty texts and lists. In a row, a box does not count (a blank row
    posts its unticked boxes); in a group of fields, a chosen true or false does."""
    if isinstance(value, dict):
        return all(_is_blank(v, row=row) for v in value.values())
    if isinstance(value, bool):
        return row
    if isinstance(value, list):
        return not value
    return value is None or (isinstance(value, str) and not value.strip())


def _shape(node: Any) -> Any:
    """Dicts keyed by indexes become lists in index order; blank rows and groups go."""
    if not isinstance(node, dict):
        return node
    shaped = {k: _shape(v) for k, v in node.items()}
    if shaped and any(k.isdigit() for k in shaped) and \
            sum(1 for k in shaped if k.isdigit()) >= len(shaped) / 2:
        # A list (rows); a non-index key among indexes was not sent by the editor's form.
        return [shaped[k] for k in sorted((k for k in shaped if k.isdigit()), key=int)
                if not (isinstance(shaped[k], dict) and _is_blank(shaped[k], row=True))]
    return {k: v for k, v in shaped.items()
            if not (isinstance(v, dict) and v and _is_blank(v, row=False))}


def nested(fields: Iterable[tuple[str, list[str]]], *,
           ignore: Iterable[str] = ("csrf_token", "action", "revision")) -> dict:
    """The nested data the named fields stand for (see the module docstring)."""
    skip = set(ignore)
    tree: dict = {}
    errors: dict[str, str] = {}
    for name, values in fields:
        match = FIELD.match(name)
        if name in skip or not match or PLACEHOLDER.search(match["path"]):
            continue
        path = match["path"]
        try:
            value = _value(match["kind"] or "str", list(values), path)
        except FormDataError as exc:
            errors.update(exc.errors)
            continue
        if value is not _EMPTY:
            _put(tree, path.split("."), value)
    if errors:
        raise FormDataError(errors, _shape(tree))
    return _shape(tree)


def from_request_form(form) -> dict:
    """``nested`` over a Werkzeug MultiDict (``request.form``)."""
    return nested((name, form.getlist(name)) for name in form)
