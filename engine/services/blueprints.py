"""Blueprints against the bank: candidates from items, feasibility, assembling a form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.blueprints import Assembly, Candidate, Row, Shortfall, assemble, shortfalls
from engine.models import Attempt, Item, ItemVersion, Outcome


def rows_of(blueprint: list[dict]) -> list[Row]:
    return [Row(count=r["count"], outcomes=tuple(r.get("outcomes") or ()),
                area=r.get("area"), eqf_level=r.get("eqf_level"),
                types=tuple(r.get("types") or ()), points=r.get("points"))
            for r in blueprint]


def candidates(items: Iterable[dict], outcomes: Mapping[str, dict]) -> list[Candidate]:
    """Candidates from item dicts (bank files) and an outcome index (code -> cell)."""
    return [Candidate(uid=i["id"], outcomes=tuple(i["outcomes"]), eqf_level=i["eqf_level"],
                      type=i["type"], areas=tuple(sorted({outcomes[c]["area"]
                                                          for c in i["outcomes"]
                                                          if c in outcomes})))
            for i in items]


def published_candidates(session: Session) -> list[Candidate]:
    """Every published item's current version, as assembly sees it."""
    areas = dict(session.execute(select(Outcome.code, Outcome.area)).all())
    rows = session.execute(
        select(Item.uid, ItemVersion.outcomes, ItemVersion.eqf_level, ItemVersion.type)
        .join(ItemVersion, Item.current_version_id == ItemVersion.id)
        .where(Item.status == "published"))
    return [Candidate(uid=uid, outcomes=tuple(codes), eqf_level=level, type=qtype,
                      areas=tuple(sorted({areas[c] for c in codes if c in areas})))
            for uid, codes, level, qtype in rows]


def check(session: Session, blueprint: list[dict], *,
          exclude: Iterable[str] = ()) -> list[Shortfall]:
    """Rows of a blueprint the published bank (but the items in ``exclude``) cannot fill."""
    exclude = set(exclude)
    return shortfalls(rows_of(blueprint), [c for c in published_candidates(session)
                                           if c.uid not in exclude])


def exposure(session: Session, assessment_id: int) -> dict[str, int]:
    """How often each item version's item was drawn in this assessment's attempts."""
    counts: dict[str, int] = {}
    version_uids = dict(session.execute(
        select(ItemVersion.id, Item.uid).join(Item, ItemVersion.item_id == Item.id)).all())
    for form in session.scalars(select(Attempt.form).where(
            Attempt.assessment_id == assessment_id)):
        for version_id in form:
            uid = version_uids.get(version_id)
            if uid:
                counts[uid] = counts.get(uid, 0) + 1
    return counts


def draw(session: Session, assessment_id: int, blueprint: list[dict], seed: int, *,
         user_id: int | None = None, exclude: Iterable[str] = ()) -> Assembly:
    """A form for a new attempt: items the learner has not met in this assessment first,
    then those drawn least so far; never the items in ``exclude``."""
    exclude = set(exclude)
    seen: set[str] = set()
    if user_id is not None:
        version_ids = {v for form in session.scalars(select(Attempt.form).where(
            Attempt.assessment_id == assessment_id, Attempt.user_id == user_id)) for v in form}
        if version_ids:
            seen = set(session.scalars(select(Item.uid).join(
                ItemVersion, ItemVersion.item_id == Item.id).where(
                ItemVersion.id.in_(version_ids))))
    candidates = [c for c in published_candidates(session) if c.uid not in exclude]
    return assemble(rows_of(blueprint), candidates, seed=seed,
                    exposure=exposure(session, assessment_id), seen=seen)



