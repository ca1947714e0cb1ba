"""Exchange formats: reading items from, and writing items to, other systems' files.

An exchange format is a class registered through the ``register_exchange_formats`` hook
(built-ins: the native YAML bank format, IMS QTI 3.0, Moodle XML, GIFT). Formats work on
plain item dicts in the shape of an item in a bank YAML file (``id``, ``type``, ``language``,
``title``, ``outcomes``, ``eqf_level``, ``stem``, ``payload``, ``feedback``, ``tags``,
optionally ``source`` and ``translations``); no Flask, no database.

A reader never raises for bad content. It returns what it could read, a ``Problem`` for each
thing it could not (naming the file, the item and the field), and a ``Skipped`` entry for each
question of a kind the format knows but the engine does not take (a Moodle essay, say). The
engine then validates every item it was given as a whole and shows the trainer every problem
before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

#: an educational outcome code of the ESQF, as trainers write it in tags and categories
OUTCOME_CODE = re.compile(r"\bESQF-E-(\d{1,2})([a-i])\b", re.IGNORECASE)
#: an EQF level in a tag: "EQF-6", "eqf 6", "EQF:6", "eqf_level=6"
EQF_TAG = re.compile(r"^\s*eqf(?:[\s_-]*level)?\s*[-_:= ]?\s*([4-7])\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file: where it is and what is wrong."""

    file: str
    message: str
    item: str | None = None
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        parts = [where]
        if self.item:
            parts.append(f"item {self.item!r}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ": ".join(parts) + f": {self.message}"


@dataclass(frozen=True)
class Skipped:
    """A question the file holds that the engine does not take, by the format's own name
    for its kind (``essay``, ``calculated``, ``description``...)."""

    file: str
    item: str
    kind: str
    reason: str = ""

    def __str__(self) -> str:
        return f"{self.file}: {self.item!r} ({self.kind}) skipped" + (
            f": {self.reason}" if self.reason else "")


@dataclass(frozen=True)
class ImportDefaults:
    """What the trainer chose for the fields a foreign file does not carry."""

    language: str = "nl"
    outcomes: tuple[str, ...] = ()
    eqf_level: int | None = None
    id_prefix: str = ""


@dataclass
class ReadResult:
    """Items read; an item may carry ``_where = {"file", "line"}`` saying where it stands,
    which the engine uses in its problems and then drops."""

    items: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    #: files carried along (native zips hold uploaded media): name -> bytes
    media: dict[str, bytes] = field(default_factory=dict)


@dataclass
class WriteResult:
    data: bytes
    filename: str
    skipped: list[Skipped] = field(default_factory=list)
    media_type: str | None = None  # when it differs from the format's (one file, not a zip)


class ExchangeFormat:
    """Base class of exchange formats. Subclasses set the class attributes and override
    ``read`` and/or ``write``."""

    #: stable lowercase id (``gift``, ``moodle_xml``)
    name: ClassVar[str] = ""
    #: shown to trainers
    label: ClassVar[str] = ""
    #: file name endings this format reads, lowercase with the dot (``.gift``)
    extensions: ClassVar[tuple[str, ...]] = ()
    #: media type of what ``write`` returns
    media_type: ClassVar[str] = "application/octet-stream"
    can_read: ClassVar[bool] = True
    can_write: ClassVar[bool] = True

    def sniff(self, data: bytes, filename: str) -> bool:
        """Whether a file looks like this format (by default: by its name's ending)."""
        return filename.lower().endswith(self.extensions)

    def read(self, data: bytes, *, filename: str, defaults: ImportDefaults) -> ReadResult:
        """Items from a file; never raises for bad content."""
        raise NotImplementedError

    def write(self, items: list[dict]) -> WriteResult:
        """A file holding the items; items of a kind the format cannot hold are skipped.
        Formats that carry files accept ``media={name: bytes}`` too (the engine passes it
        where the method accepts it)."""
        raise NotImplementedError


def outcome_codes(*texts: str) -> list[str]:
    """ESQF educational outcome codes named in the texts, normalised (``ESQF-E-18e``), in
    order of appearance, without repeats."""
    found: list[str] = []
    for text in texts:
        for row, cell in OUTCOME_CODE.findall(text or ""):
            code = f"ESQF-E-{int(row)}{cell.lower()}"
            if code not in found:
                found.append(code)
    return found


def eqf_level(tags: list[str]) -> int | None:
    """The EQF level a tag names (``EQF-6``), if any."""
    for tag in tags:
        match = EQF_TAG.match(tag or "")
        if match:
            return int(match.group(1))
    return None


def apply_defaults(item: dict, defaults: ImportDefaults, *, tags: list[str] = (),
                   context: tuple[str, ...] = ()) -> dict:
    """Fill language, outcomes and EQF level of an item read from a foreign file: outcome
    codes and an EQF level named in its tags (or ``context``: category names, ids) win over
    the trainer's defaults. Tags that only carried those are dropped."""
    codes = outcome_codes(*tags, *context)
    level = eqf_level(list(tags))
    item.setdefault("language", defaults.language)
    item["outcomes"] = item.get("outcomes") or codes or list(defaults.outcomes)
    item["eqf_level"] = item.get("eqf_level") or level or defaults.eqf_level
    rest = [t for t in tags if not outcome_codes(t) and eqf_level([t]) is None]
    item["tags"] = list(dict.fromkeys([*item.get("tags", []), *rest]))
    if item["eqf_level"] is None:
        del item["eqf_level"]  # reported by validation as a missing field of this item
    return item


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, *, prefix: str = "", fallback: str = "item") -> str:
    """An item id from a name: lowercase letters, digits and '-' (the bank's id rule)."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    base = _SLUG.sub("-", ascii_text.lower()).strip("-")[:80].strip("-") or fallback
    return f"{prefix}-{base}" if prefix else base
