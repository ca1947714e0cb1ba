"""Outcome blueprints: which items an assessment draws, and assembling a form from them.

A blueprint is a list of rows; a row asks for ``count`` items tagged to some outcomes (or
to any outcome of a competence area), at an EQF level, optionally of some question types.
Assembly is a pure function of the blueprint, the published items, a seed and how often
each item was drawn before: it prefers the least-exposed eligible items, breaking ties by
the seed, so the same inputs give the same form and exposure spreads evenly.

Feasibility is decided exactly: rows are expanded into slots and matched to distinct items
(an item may fit several rows but fills one slot); rows left with unmatched slots are short.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    count: int
    outcomes: tuple[str, ...] = ()
    area: str | None = None
    eqf_level: int | None = None
    types: tuple[str, ...] = ()
    points: float | None = None  # None: the item's own points

    def describe(self) -> str:
        what = ", ".join(self.outcomes) if self.outcomes else f"area {self.area!r}"
        parts = [f"{self.count} × {what}"]
        if self.eqf_level:
            parts.append(f"EQF {self.eqf_level}")
        if self.types:
            parts.append("/".join(self.types))
        return " · ".join(parts)


@dataclass(frozen=True)
class Candidate:
    """What assembly needs to know of a published item."""

    uid: str
    outcomes: tuple[str, ...]
    eqf_level: int
    type: str
    areas: tuple[str, ...] = ()  # competence areas of its outcomes


@dataclass(frozen=True)
class Shortfall:
    row: int  # index in the blueprint
    needed: int
    available: int

    @property
    def missing(self) -> int:
        return self.needed - self.available


@dataclass
class Assembly:
    uids: list[str] = field(default_factory=list)  # in blueprint order
    rows: list[int] = field(default_factory=list)  # the row each uid fills


def eligible(row: Row, item: Candidate) -> bool:
    if row.eqf_level is not None and item.eqf_level != row.eqf_level:
        return False
    if row.types and item.type not in row.types:
        return False
    if row.outcomes:
        return bool(set(row.outcomes) & set(item.outcomes))
    if row.area is not None:
        return row.area in item.areas
    return True


def _match(rows: list[Row], items: list[Candidate],
           order: dict[str, float]) -> tuple[dict[int, str], list[int]]:
    """Maximum matching of slots to distinct items (augmenting paths), trying items in
    ``order`` (lower first) so the matching prefers them. Returns (slot -> uid, the row of
    each slot)."""
    slots = [r for r, row in enumerate(rows) for _ in range(row.count)]
    options = {}
    for slot, r in enumerate(slots):
        fits = [item.uid for item in items if eligible(rows[r], item)]
        options[slot] = sorted(fits, key=lambda uid: order[uid])
    owner: dict[str, int] = {}

    def augment(slot: int, seen: set[str]) -> bool:
        for uid in options[slot]:
            if uid in seen:
                continue
            seen.add(uid)
            if uid not in owner or augment(owner[uid], seen):
                owner[uid] = slot
                return True
        return False

    # Scarce rows first: they have the fewest items to choose from.
    for slot in sorted(options, key=lambda s: (len(options[s]), s)):
        augment(slot, set())
    return {slot: uid for uid, slot in owner.items()}, slots


def shortfalls(rows: Iterable[Row], items: Iterable[Candidate]) -> list[Shortfall]:
    """Rows the items cannot fill, with how many items each still lacks."""
    rows, items = list(rows), list(items)
    matched, slots = _match(rows, items, {i.uid: 0.0 for i in items})
    short = []
    for r, row in enumerate(rows):
        filled = sum(1 for s, row_index in enumerate(slots) if row_index == r and s in matched)
        if filled < row.count:
            short.append(Shortfall(row=r, needed=row.count, available=filled))
    return short


#: how much an item the learner has seen already weighs against drawing it again
SEEN_PENALTY = 1_000_000


def assemble(rows: Iterable[Row], items: Iterable[Candidate], *, seed: int,
             exposure: Mapping[str, int] | None = None,
             seen: Iterable[str] = ()) -> Assembly:
    """A form for one attempt. Raises ValueError naming the short rows if none exists.

    Items in ``seen`` (the learner's earlier forms) are drawn only when nothing else fills a
    slot, so a second attempt is a parallel form as far as the bank allows."""
    rows, items = list(rows), list(items)
    exposure = exposure or {}
    seen = set(seen)
    rng = random.Random(seed)
    # Least drawn first; the seed breaks ties, so forms differ between attempts.
    order = {i.uid: exposure.get(i.uid, 0) + rng.random()
             + (SEEN_PENALTY if i.uid in seen else 0) for i in items}
    matched, slots = _match(rows, items, order)
    if len(matched) < len(slots):
        missing = shortfalls(rows, items)
        raise ValueError("The bank cannot fill the blueprint: " + "; ".join(
            f"row {s.row + 1} ({rows[s.row].describe()}) has {s.available} of {s.needed}"
            for s in missing) + ".")
    assembly = Assembly()
    for slot in sorted(matched):
        assembly.uids.append(matched[slot])
        assembly.rows.append(slots[slot])
    return assembly
