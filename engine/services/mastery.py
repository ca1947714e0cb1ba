"""Mastery views: a learner's evidence rolled up per outcome and over the ESQF grid, and the
same for a group, never showing an individual where the group is smaller than five."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain import mastery as m
from engine.models import Attempt, Framework, Item, ItemVersion, Outcome, Response, User, utcnow
from engine.services import results

MIN_GROUP = 5  # no figure for a group of fewer learners (seed 003: organisation level only)
BANDS = ("4-5", "6", "7")


@dataclass
class EvidenceRow:
    user_id: int
    evidence: m.Evidence
    item_title: str
    attempt_id: int = 0
    released: bool = True  # may the learner see this answer's own score (feedback policy)


def _evidence(session: Session, user_ids: list[int] | None) -> list[EvidenceRow]:
    """Every final piece of evidence (graded answers), per outcome, of these learners."""
    query = (select(Response.evidence, Attempt.user_id, Attempt.submitted_at, Item.uid,
                    ItemVersion.title, Attempt.id)
             .join(Attempt, Response.attempt_id == Attempt.id)
             .join(ItemVersion, Response.item_version_id == ItemVersion.id)
             .join(Item, ItemVersion.item_id == Item.id)
             .where(Attempt.status == "graded", Response.pending.is_(False)))
    if user_ids is not None:
        query = query.where(Attempt.user_id.in_(user_ids))
    rows = []
    for evidence, user_id, at, uid, title, attempt_id in session.execute(query):
        for code, (earned, possible) in (evidence or {}).items():
            rows.append(EvidenceRow(user_id, m.Evidence(code, earned, possible, at, uid), title,
                                    attempt_id))
    return rows


def _cells(session: Session, code: str = "ESQF") -> dict[str, tuple[str, str]]:
    framework = session.scalar(select(Framework).where(Framework.code == code))
    return {o.code: (o.area, o.eqf_level) for o in session.scalars(
        select(Outcome).where(Outcome.framework_id == framework.id,
                              Outcome.matrix == "educational"))}


def grid_layout(session: Session, code: str = "ESQF") -> list[dict]:
    """Groups and their areas in the framework's printed order."""
    framework = session.scalar(select(Framework).where(Framework.code == code))
    return [{"name": g["name"], "areas": [a["name"] for a in g["areas"]]}
            for g in framework.structure["groups"]]


def learner_grid(session: Session, user: User) -> dict:
    """Mastery per (area, band) and per outcome for one learner."""
    rows = _evidence(session, [user.id])
    now = utcnow()
    evidence = [r.evidence for r in rows]
    return {"layout": grid_layout(session), "bands": BANDS,
            "cells": m.by_area_and_band(evidence, _cells(session), now),
            "outcomes": m.by_outcome(evidence, now), "count": len(evidence)}


def learner_drilldown(session: Session, user: User, area: str, band: str) -> dict:
    """The outcomes of one grid cell with their mastery, and the items behind each figure."""
    cells = _cells(session)
    codes = sorted(c for c, (a, b) in cells.items() if a == area and b == band)
    rows = [r for r in _evidence(session, [user.id]) if r.evidence.outcome in codes]
    # An answer's own score stays hidden while its assessment does not release the answers
    # (a certification test): it would say whether that answer was right.
    released: dict[int, bool] = {}
    for row in rows:
        if row.attempt_id not in released:
            attempt = session.get(Attempt, row.attempt_id)
            released[row.attempt_id] = results.may_review(session, attempt)
        row.released = released[row.attempt_id]
    now = utcnow()
    outcomes = {o.code: o for o in session.scalars(select(Outcome).where(Outcome.code.in_(codes)))}
    result = []
    for code in codes:
        mine = [r for r in rows if r.evidence.outcome == code]
        result.append({"outcome": outcomes[code],
                       "mastery": m.mastery([r.evidence for r in mine], now),
                       "answers": sorted(mine, key=lambda r: r.evidence.at, reverse=True)})
    return {"area": area, "band": band, "outcomes": result,
            "overall": m.mastery([r.evidence for r in rows], now)}


def organisations(session: Session) -> list[tuple[str, int]]:
    """Organisations with their number of learners."""
    counts: dict[str, int] = {}
    for org in session.scalars(select(User.organisation).where(User.role == "learner",
                                                                User.organisation.is_not(None))):
        counts[org] = counts.get(org, 0) + 1
    return sorted(counts.items())


@dataclass(frozen=True)
class GroupCell:
    learners: int | None  # learners with a figure here; None: fewer than MIN_GROUP
    mean: float | None  # mean of their figures; None when fewer than MIN_GROUP
    mastered: int | None  # how many reach "mastered"; None when fewer than MIN_GROUP


def group_grid(session: Session, organisation: str) -> dict:
    """Per (area, band): how many learners of the organisation have a figure, their mean and
    how many master it; hidden (None) where fewer than five learners have a figure."""
    members = list(session.scalars(select(User.id).where(User.organisation == organisation,
                                                         User.role == "learner")))
    rows = _evidence(session, members)
    cells, now = _cells(session), utcnow()
    per_learner: dict[int, list[m.Evidence]] = {}
    for r in rows:
        per_learner.setdefault(r.user_id, []).append(r.evidence)
    figures: dict[tuple[str, str], list[m.Mastery]] = {}
    for evidence in per_learner.values():
        for key, value in m.by_area_and_band(evidence, cells, now).items():
            if value.value is not None:
                figures.setdefault(key, []).append(value)
    grid = {}
    for key, values in figures.items():
        if len(values) < MIN_GROUP:
            grid[key] = GroupCell(learners=None, mean=None, mastered=None)
        else:
            grid[key] = GroupCell(learners=len(values),
                                  mean=sum(v.value for v in values) / len(values),
                                  mastered=sum(1 for v in values if v.level == "mastered"))
    return {"layout": grid_layout(session), "bands": BANDS, "cells": grid,
            "members": len(members), "min_group": MIN_GROUP}


def outcome_mastery(session: Session, user: User) -> dict[str, m.Mastery]:
    """A learner's mastery per outcome code."""
    return m.by_outcome([r.evidence for r in _evidence(session, [user.id])], utcnow())
