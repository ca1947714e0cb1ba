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
