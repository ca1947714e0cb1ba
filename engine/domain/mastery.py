"""Mastery per outcome and per competence area, from item evidence.

Method (also in docs/mastery.md): every graded answer is evidence for each outcome its item
is tagged to, as (earned, possible, when). Mastery is the recency-weighted proportion of
points earned, each piece of evidence weighing ``0.5 ** (age / half_life)``, so an answer
from a year ago counts a quarter of one from today (half-life 180 days). A figure is only
shown once there are at least ``min_evidence`` pieces of evidence (3); below that the
outcome is "not enough evidence yet". An area's mastery pools the evidence of all its
outcomes at one EQF band. Levels: below 50 % "not yet", 50-80 % "developing", 80 % and
above "mastered".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

HALF_LIFE_DAYS = 180.0
MIN_EVIDENCE = 3
LEVELS = ((0.8, "mastered"), (0.5, "developing"), (0.0, "not_yet"))


@dataclass(frozen=True)
class Evidence:
    outcome: str
    earned: float
    possible: float
    at: datetime
    item: str = ""  # item uid, for the drill-down


@dataclass(frozen=True)
class Mastery:
    value: float | None  # 0..1, None: not enough evidence
    count: int
    level: str  # mastered | developing | not_yet | insufficient

    @property
    def percent(self) -> int | None:
        return None if self.value is None else round(100 * self.value)


def mastery(evidence: Iterable[Evidence], now: datetime, *,
            half_life_days: float = HALF_LIFE_DAYS, min_evidence: int = MIN_EVIDENCE
            ) -> Mastery:
    earned = possible = 0.0
    count = 0
    for ev in evidence:
        if ev.possible <= 0:
            continue
        age_days = max(0.0, (now - ev.at).total_seconds() / 86400)
        weight = 0.5 ** (age_days / half_life_days)
        earned += weight * ev.earned
        possible += weight * ev.possible
        count += 1
    if count < min_evidence or possible <= 0:
        return Mastery(value=None, count=count, level="insufficient")
    value = min(1.0, earned / possible)
    level = next(name for threshold, name in LEVELS if value >= threshold)
    return Mastery(value=value, count=count, level=level)


def by_outcome(evidence: Iterable[Evidence], now: datetime, **kwargs) -> dict[str, Mastery]:
    grouped: dict[str, list[Evidence]] = {}
    for ev in evidence:
        grouped.setdefault(ev.outcome, []).append(ev)
    return {code: mastery(evs, now, **kwargs) for code, evs in grouped.items()}


def by_area_and_band(evidence: Iterable[Evidence], cells: dict[str, tuple[str, str]],
                     now: datetime, **kwargs) -> dict[tuple[str, str], Mastery]:
    """Mastery per (competence area, EQF band); ``cells`` maps outcome code -> (area, band)."""
    grouped: dict[tuple[str, str], list[Evidence]] = {}
    for ev in evidence:
        if ev.outcome in cells:
            grouped.setdefault(cells[ev.outcome], []).append(ev)
    return {key: mastery(evs, now, **kwargs) for key, evs in grouped.items()}
