"""Reading the item bank from the database for trainers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from engine.models import Item, ItemVersion, Outcome
from engine.schemas.bank import BAND_LEVELS

STATUSES = ("draft", "in_review", "published", "retired")


def _status_matches(item: Item, version: ItemVersion, status: str) -> bool:
    """``published`` and ``retired`` are the item's state; ``draft`` and ``in_review`` also
    find a published item whose next version is being written or reviewed."""
    if status in ("published", "retired"):
        return item.status == status
    return version.status == status


def list_items(session: Session, *, text: str = "", outcome: str = "", area: str = "",
               eqf_level: int | None = None, band: str = "", qtype: str = "",
               status: str = "", language: str = "", author: int | None = None) -> list[Item]:
    """Items with their working version, by uid, filtered (every filter optional).

    Outcome and area filters match any outcome of the item; text searches id, title and
    stem, case-insensitively; author matches anyone who wrote a version."""
    items = session.scalars(
        select(Item).options(selectinload(Item.versions), joinedload(Item.current_version))
        .order_by(Item.uid)).unique()
    area_codes = set(session.scalars(select(Outcome.code).where(Outcome.area == area))) \
        if area else None
    levels = BAND_LEVELS.get(band, ()) if band else None
    needle = text.strip().lower()
    found = []
    for item in items:
        v = item.working_version
        if v is None:
            continue
        if needle and needle not in f"{item.uid} {v.title} {v.stem}".lower():
            continue
        if outcome and outcome not in v.outcomes:
            continue
        if area_codes is not None and not area_codes & set(v.outcomes):
            continue
        if (eqf_level and v.eqf_level != eqf_level) or (levels is not None and
                                                         v.eqf_level not in levels):
            continue
        if (qtype and v.type != qtype) or (status and not _status_matches(item, v, status)) or \
                (language and v.language != language and language not in (v.translations or {})):
            continue
        if author and not any(version.author_id == author for version in item.versions):
            continue
        found.append(item)
    return found


def get_version(session: Session, version_id: int) -> ItemVersion | None:
    return session.get(ItemVersion, version_id)
