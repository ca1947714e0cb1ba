"""Coverage of the framework by the published item bank: items per educational cell."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Framework, Item, ItemVersion, Outcome

BANDS = {"4-5": "abc", "6": "def", "7": "ghi"}


@dataclass
class Coverage:
    rows: list[dict] = field(default_factory=list)  # number, area, group, cells {letter: n|None}
    covered: int = 0
    non_empty: int = 0
    by_band: dict[str, tuple[int, int]] = field(default_factory=dict)  # covered, non-empty
    by_area: dict[str, tuple[int, int]] = field(default_factory=dict)
    # competence areas by EQF band: {"area", "group", "bands": {band: {"count", "covered",
    # "cells"}}}; count counts each published item once per area and band it is tagged to
    areas: list[dict] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.covered / self.non_empty if self.non_empty else 0.0


def published_outcomes(session: Session) -> list[list[str]]:
    """The outcome codes of every published item (its current version)."""
    return list(session.scalars(
        select(ItemVersion.outcomes).join(Item, Item.current_version_id == ItemVersion.id)
        .where(Item.status == "published")))


def item_counts(session: Session) -> dict[str, int]:
    """Published items per outcome code (current versions)."""
    counts: dict[str, int] = {}
    for codes in published_outcomes(session):
        for code in codes:
            counts[code] = counts.get(code, 0) + 1
    return counts


def coverage(session: Session, code: str = "ESQF") -> Coverage:
    framework = session.scalar(select(Framework).where(Framework.code == code))
    if framework is None:
        raise LookupError(f"No framework {code!r}.")
    tagged = published_outcomes(session)
    counts: dict[str, int] = {}
    for codes in tagged:
        for code in codes:
            counts[code] = counts.get(code, 0) + 1
    outcomes = session.scalars(select(Outcome).where(
        Outcome.framework_id == framework.id, Outcome.matrix == "educational")
        .order_by(Outcome.position)).all()
    result = Coverage()
    rows: dict[int, dict] = {}
    band_tally: dict[str, list[int]] = {band: [0, 0] for band in BANDS}
    area_tally: dict[str, list[int]] = {}
    for o in outcomes:
        row = rows.setdefault(o.row, {"number": o.row, "area": o.area, "group": o.group,
                                      "cells": {}})
        if not o.text:
            row["cells"][o.cell] = None
            continue
        n = counts.get(o.code, 0)
        row["cells"][o.cell] = n
        result.non_empty += 1
        band_tally[o.eqf_level][1] += 1
        area_tally.setdefault(o.area, [0, 0])[1] += 1
        if n:
            result.covered += 1
            band_tally[o.eqf_level][0] += 1
            area_tally[o.area][0] += 1
    result.rows = [rows[k] for k in sorted(rows)]
    result.areas = _areas(outcomes, tagged, counts)
    result.by_band = {k: tuple(v) for k, v in band_tally.items()}
    result.by_area = {k: tuple(v) for k, v in area_tally.items()}
    return result


def render_text(cov: Coverage) -> str:
    """The grid as text: rows by EQF band, item counts per cell ('.' an empty cell)."""
    lines = [f"{'row':>3}  {'competence area':<44} " + "  ".join(
        f"EQF {band:<3} {' '.join(letters)}" for band, letters in BANDS.items())]
    for row in cov.rows:
        parts = []
        for letters in BANDS.values():
            cells = " ".join("." if row["cells"].get(c) is None else str(row["cells"][c])
                             for c in letters)
            parts.append(f"{'':8}{cells}")
        lines.append(f"{row['number']:>3}  {row['area'][:44]:<44} " + "  ".join(parts))
    lines.append("")
    lines.append("('.' = empty cell of the framework; a number = published items tagged to it)")
    for band, (covered, total) in cov.by_band.items():
        lines.append(f"EQF {band}: {covered} of {total} non-empty cells covered")
    uncovered = sorted(area for area, (covered, _) in cov.by_area.items() if not covered)
    lines.append(f"Competence areas with items: {len(cov.by_area) - len(uncovered)} of "
                 f"{len(cov.by_area)}" + (f" (none yet: {', '.join(uncovered)})"
                                          if uncovered else ""))
    lines.append(f"Covered: {cov.covered} of {cov.non_empty} non-empty educational cells "
                 f"({100 * cov.share:.0f} %)")
    return "\n".join(lines)


def _areas(outcomes, tagged: list[list[str]], counts: dict[str, int]) -> list[dict]:
    """Competence areas by EQF band, in the framework's order."""
    areas: dict[str, dict] = {}
    where = {}
    for o in outcomes:
        area = areas.setdefault(o.area, {"area": o.area, "group": o.group, "bands": {
            band: {"count": 0, "covered": 0, "cells": 0} for band in BANDS}})
        if o.text:
            cell = area["bands"][o.eqf_level]
            cell["cells"] += 1
            cell["covered"] += 1 if counts.get(o.code) else 0
            where[o.code] = (o.area, o.eqf_level)
    for codes in tagged:
        for area, band in {where[c] for c in codes if c in where}:
            areas[area]["bands"][band]["count"] += 1
    return list(areas.values())
