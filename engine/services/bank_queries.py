"""Reading the item bank from the database for trainers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.models import Item, ItemVersion


def list_items(session: Session) -> list[Item]:
    """Every item with its current version, by uid."""
    return list(session.scalars(
        select(Item).options(joinedload(Item.current_version)).order_by(Item.uid)))


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
