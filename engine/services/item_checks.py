"""One check of an item, whatever brought it: a bank file, the editor, or an import.

``check_item`` validates the fields every item has, the outcomes against the framework and
the EQF level against their band, the cited source, the type's payload and the language
variants; it removes unsafe HTML from the texts (saying what it removed) and refuses links
to internal addresses. Errors come back by dotted field path, so the editor shows each next
to its field and a file import names the file, the item and the field.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from marshmallow import ValidationError

from engine.domain.content_safety import link_problems, sanitize_source
from engine.domain.questiontypes import ItemValidationError, flatten_errors
from engine.schemas.bank import BAND_LEVELS, ItemSchema

#: texts of an item that are Markdown
MARKDOWN_FIELDS = ("stem", "feedback")


@dataclass
class Checked:
    item: dict | None  # the normalised item, or None when it has errors
    errors: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what was removed from the texts


def outcome_messages(codes: list[str], level: int | None,
                     outcomes: Mapping[str, dict]) -> dict[str, str]:
    """Outcome codes that are unknown, professional or empty cells, and an EQF level outside
    the outcomes' band, by field (``outcomes``, ``eqf_level``)."""
    messages: dict[str, list[str]] = {}
    for code in codes:
        cell = outcomes.get(code)
        if cell is None:
            messages.setdefault("outcomes", []).append(f"Unknown outcome code {code!r}.")
        elif cell["matrix"] != "educational":
            messages.setdefault("outcomes", []).append(
                f"{code} is a professional task; tag items to educational outcomes (ESQF-E-…).")
        elif not cell["text"]:
            messages.setdefault("outcomes", []).append(f"{code} is an empty cell of the "
                                                       "framework.")
        elif level is not None and level not in BAND_LEVELS[cell["eqf_level"]]:
            messages.setdefault("eqf_level", []).append(
                f"EQF level {level} does not fit {code}, whose band is EQF {cell['eqf_level']}.")
    return {key: " ".join(values) for key, values in messages.items()}


def _clean_texts(texts: dict, prefix: str, errors: dict[str, str], notes: list[str]) -> None:
    for name in MARKDOWN_FIELDS:
        if not isinstance(texts.get(name), str):
            continue
        clean, removed = sanitize_source(texts[name])
        if removed:
            notes.append(f"{prefix}{name}: removed unsafe HTML ({', '.join(removed)}).")
            texts[name] = clean
        problems = link_problems(clean)
        if problems:
            errors[f"{prefix}{name}"] = " ".join(problems)


def check_item(raw: dict, question_types, outcomes: Mapping[str, dict], *,
               sources: Path | None = None) -> Checked:
    """Validate one item dict (bank-file shape); never raises for bad content."""
    if not isinstance(raw, dict):
        return Checked(None, {"(item)": "An item is a mapping of fields."})
    try:
        item = ItemSchema().load(copy.deepcopy(raw))
    except ValidationError as exc:
        # Show the payload's problems too, so the trainer fixes everything in one go.
        errors = flatten_errors(exc.messages)
        qtype = raw.get("type")
        if isinstance(qtype, str) and qtype in question_types and \
                isinstance(raw.get("payload"), dict) and "payload" not in errors:
            try:
                question_types.get(qtype).validate_payload(copy.deepcopy(raw["payload"]))
            except ItemValidationError as payload_exc:
                errors.update(payload_exc.errors)
        return Checked(None, errors)
    errors: dict[str, str] = {}
    notes: list[str] = []
    _clean_texts(item, "", errors, notes)
    for lang, variant in item["translations"].items():
        _clean_texts(variant, f"translations.{lang}.", errors, notes)
    errors.update(outcome_messages(item["outcomes"], item["eqf_level"], outcomes))
    if sources is not None and item.get("source"):
        errors.update(source_messages(item["source"], sources))
    if item["type"] not in question_types:
        errors["type"] = f"Unknown question type {item['type']!r}."
        return Checked(None, errors, notes)
    qtype = question_types.get(item["type"])
    try:
        item["payload"] = qtype.validate_payload(item["payload"])
    except ItemValidationError as exc:
        errors.update(exc.errors)
        return Checked(None, errors, notes)
    from engine.services.bank_translations import variant_errors

    for lang, variant in item["translations"].items():
        errors.update(variant_errors(item, lang, variant, qtype))
    return Checked(None if errors else item, errors, notes)


def source_messages(source: dict, sources: Path) -> dict[str, str]:
    """A cited seed document that is not in the bank's sources, or lines beyond its end."""
    root = sources.resolve()
    doc = (root / source["document"]).resolve()
    if not doc.is_relative_to(root) or not doc.is_file():
        return {"source.document": f"No source document {source['document']!r} in the "
                                   "bank's sources."}
    if source.get("lines"):
        total = len(doc.read_text(encoding="utf-8", errors="replace").splitlines())
        if source["lines"][1] > total:
            return {"source.lines": f"{source['document']} has {total} lines."}
    return {}
