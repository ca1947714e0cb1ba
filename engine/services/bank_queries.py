"""Reading the item bank from the database for trainers."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from engine.models import Assessment, Item, ItemVersion, Outcome, Response, User
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
        # Published and retired items are matched on the version learners get (the
        # coverage heatmap's links); the others on the version being written.
        v = item.current_version if status in ("published", "retired") else \
            item.working_version
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


def uses(session: Session, item: Item) -> list[str]:
    """Assessments that list the item by id (fixed forms)."""
    found = []
    for assessment in session.scalars(select(Assessment)):
        if item.uid in (assessment.item_uids or []):
            found.append(assessment.title)
    return found


def attempts_per_version(session: Session, item: Item) -> dict[int, int]:
    """How many attempts answered (or were graded on) each version, by version number."""
    rows = session.execute(
        select(ItemVersion.number, func.count(func.distinct(Response.attempt_id)))
        .join(Response, Response.item_version_id == ItemVersion.id)
        .where(ItemVersion.item_id == item.id).group_by(ItemVersion.number))
    return dict(rows.all())


def review_queue(session: Session, user: User) -> list[Item]:
    """Items with a version in review that ``user`` did not write."""
    from engine.services import authoring

    candidates = session.scalars(
        select(Item).join(ItemVersion, ItemVersion.item_id == Item.id)
        .where(ItemVersion.status == "in_review").order_by(Item.uid)).unique()
    return [item for item in candidates
            if user.id not in authoring.contributors(item, item.working_version.number)]


def authors(session: Session) -> list[User]:
    """Users who wrote a version of some item."""
    ids = select(func.distinct(ItemVersion.author_id)).where(ItemVersion.author_id.is_not(None))
    return list(session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name)))
