"""Language variants in the bank: ``translations/<lang>/*.yaml`` files and inline
``translations`` of an item, checked against the original (same ids, key and weights)."""

from __future__ import annotations

from pathlib import Path

from engine.domain.questiontypes import ItemValidationError
from engine.domain.variants import shape_errors
from engine.schemas.bank import LANGUAGES, TranslationFileItemSchema
from engine.services.bank_files import (
    Bank,
    Problem,
    _child,
    _line,
    _read_yaml,
    _relative,
    _schema_problems,
)


def merge_translations(root: Path, bank: Bank, question_types, problems: list[Problem]) -> None:
    """Language variants from ``translations/<lang>/*.yaml`` (and inline ``translations``):
    the texts of an item in another language, with the original's ids, keys and weights."""
    by_id = {item["id"]: item for item in bank.items}
    for folder in sorted((root / "translations").glob("*")):
        lang = folder.name
        for path in sorted(folder.glob("*.yaml")):
            name = _relative(path, root)
            if lang not in LANGUAGES:
                problems.append(Problem(name, f"Unknown language folder {lang!r}."))
                continue
            data, node = _read_yaml(path, root, problems)
            if data is None and node is None:
                continue
            if not isinstance(data, dict) or not isinstance(data.get("items"), list):
                problems.append(Problem(name, "A translation file holds a list `items`."))
                continue
            items_node = _child(node, "items")
            for index, raw in enumerate(data["items"]):
                item_node = _child(items_node, index)
                uid = raw.get("id") if isinstance(raw, dict) else None
                variant, found = _schema_problems(TranslationFileItemSchema(), raw, name,
                                                  item_node, uid or f"#{index + 1}")
                problems.extend(found)
                if variant is None:
                    continue
                if uid not in by_id:
                    problems.append(Problem(name, "No item with this id in the bank.", item=uid,
                                            field="id", line=_line(item_node, "id")))
                    continue
                variant.pop("id")
                by_id[uid]["translations"][lang] = {**variant, "_file": name,
                                                    "_line": _line(item_node)}
    for item in bank.items:  # inline variants were checked with their item
        for lang, variant in list(item["translations"].items()):
            if "_file" not in variant:
                continue
            name = variant.pop("_file")
            line = variant.pop("_line", None)
            for field, msg in variant_errors(item, lang, variant,
                                             question_types.get(item["type"])).items():
                problems.append(Problem(name, msg, item=item["id"], field=field, line=line))


def variant_errors(item: dict, lang: str, variant: dict, qtype) -> dict[str, str]:
    """What is wrong with one language variant of a validated item, by field; a valid
    variant's payload is normalised in place."""
    if lang == item["language"]:
        return {"translations": f"A variant in the item's own language {lang!r}."}
    if "payload" not in variant:
        return {}  # only the texts around the payload are translated
    try:
        variant["payload"] = qtype.validate_payload(variant["payload"])
    except ItemValidationError as exc:
        return {f"translations.{lang}.{path}": msg for path, msg in exc.errors.items()}
    errors: dict[str, str] = {}
    for msg in shape_errors(item["payload"], variant["payload"]):
        path, _, text = msg.partition(": ")
        errors[f"translations.{lang}.{path}"] = text or msg
    return errors
