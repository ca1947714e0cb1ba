"""Reading the item bank from the database for trainers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.models import Item, ItemVersion, Outcome


def list_items(session: Session, *, text: str = "", outcome: str = "", area: str = "",
               eqf_level: int | None = None, qtype: str = "", status: str = "",
               language: str = "") -> list[Item]:
    """Items with their current version, by uid, filtered (every filter optional).

    Outcome and area filters match any outcome of the item; text searches id, title and
    stem, case-insensitively."""
    items = session.scalars(
        select(Item).options(joinedload(Item.current_version)).order_by(Item.uid)).unique()
    area_codes = set(session.scalars(select(Outcome.code).where(Outcome.area == area))) \
        if area else None
    needle = text.strip().lower()
    found = []
    for item in items:
        v = item.current_version
        if v is None:
            continue
        if needle and needle not in f"{item.uid} {v.title} {v.stem}".lower():
            continue
        if outcome and outcome not in v.outcomes:
            continue
        if area_codes is not None and not area_codes & set(v.outcomes):
            continue
        if eqf_level and v.eqf_level != eqf_level:
            continue
        if (qtype and v.type != qtype) or (status and item.status != status) or \
                (language and v.language != language and language not in (v.translations or {})):
            continue
        found.append(item)
    return found


def get_version(session: Session, version_id: int) -> ItemVersion | None:
    return session.get(ItemVersion, version_id)


def item_dicts(session: Session, uids: list[str] | None = None) -> list[dict]:
    """Items' current versions in the bank-file shape (for export), by uid."""
    query = select(Item).options(joinedload(Item.current_version)).order_by(Item.uid)
    if uids:
        query = query.where(Item.uid.in_(uids))
    result = []
    for item in session.scalars(query):
        v = item.current_version
        if v is None:
            continue
        data = {"id": item.uid, "type": v.type, "language": v.language, "title": v.title,
                "outcomes": list(v.outcomes), "eqf_level": v.eqf_level, "stem": v.stem,
                "payload": v.payload, "feedback": v.feedback}
        if v.source:
            data["source"] = v.source
        result.append(data)
    return result
