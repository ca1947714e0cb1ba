"""Language variants of an item: the same item (identity, key, statistics) in another
language. A variant replaces the texts only; its payload must have the same shape as the
original, with the same ids, keys, weights and numbers."""

from __future__ import annotations

from typing import Any

#: string fields that are identifiers or keys, never translated
FIXED_STRINGS = {"id", "next", "start", "match", "source", "verdict", "document", "scoring",
                 "tolerance_mode", "relevant_sources", "axes", "date"}
TRANSLATED_FIELDS = ("title", "stem", "feedback", "payload")


def shape_errors(original: Any, variant: Any, path: str = "payload") -> list[str]:
    """Where a variant's payload differs from the original other than in its texts."""
    if isinstance(original, dict):
        if not isinstance(variant, dict) or set(original) != set(variant):
            return [f"{path}: the variant must have the same fields as the original"]
        errors = []
        for key, value in original.items():
            child = f"{path}.{key}"
            if key in FIXED_STRINGS and value != variant[key]:
                errors.append(f"{child}: must stay {value!r} in every language")
            else:
                errors.extend(shape_errors(value, variant[key], child))
        return errors
    if isinstance(original, list):
        if not isinstance(variant, list) or len(original) != len(variant):
            return [f"{path}: the variant must have as many entries as the original"]
        return [e for i, (a, b) in enumerate(zip(original, variant, strict=True))
                for e in shape_errors(a, b, f"{path}.{i}")]
    if isinstance(original, str):
        return [] if isinstance(variant, str) else [f"{path}: must be text"]
    return [] if original == variant else [f"{path}: must stay {original!r} in every language"]


def localized(content: dict, translations: dict | None, language: str | None) -> dict:
    """The item's texts in ``language`` where a variant exists, else the original."""
    variant = (translations or {}).get(language or "") or {}
    return {field: variant.get(field, content[field]) for field in TRANSLATED_FIELDS}
