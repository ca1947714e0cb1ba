"""Items, their immutable versions, and the history of what trainers did to them.

An item is an identity (its ``uid`` in the bank); what a learner sees is always one
``ItemVersion``. Attempts point at versions, so a later edit never changes how an earlier
attempt was graded.

The lifecycle: a version is written as a ``draft``, submitted (``in_review``), and published
by a reviewer who did not write it; publishing makes it the item's ``current_version`` and
the version published before it ``superseded``. A published version never changes again
(``before_flush`` below refuses it): editing a published item writes a new draft version.
An item's own ``status`` says whether assemblies may draw it: ``published`` (its current
version), ``retired`` (kept for history, never drawn), or ``draft``/``in_review`` for an item
that has never been published.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from engine.models.base import Base, utcnow

#: the columns of a version that make up its content (and its content hash)
CONTENT_COLUMNS = ("type", "language", "title", "stem", "payload", "feedback", "outcomes",
                   "eqf_level", "source", "translations", "tags", "content_hash")
FROZEN = ("published", "superseded")
WORKING = ("draft", "in_review")


class ImmutableVersionError(RuntimeError):
    """Something tried to change a published item version."""


class Item(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="published")
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("item_versions.id", use_alter=True, ondelete="SET NULL")
    )
    origin: Mapped[str | None] = mapped_column(String(300))  # bank file it was loaded from
    # The content hash of the bank file's item when it was last loaded: a file that has not
    # changed since does not overwrite what trainers published in the app.
    bank_hash: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[ItemVersion]] = relationship(
        back_populates="item", foreign_keys="ItemVersion.item_id", order_by="ItemVersion.number",
        cascade="all, delete-orphan"
    )
    current_version: Mapped[ItemVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    events: Mapped[list[ItemEvent]] = relationship(
        back_populates="item", order_by="ItemEvent.id", cascade="all, delete-orphan"
    )
    created_by = relationship("User", foreign_keys=[created_by_id])

    @property
    def working_version(self) -> ItemVersion | None:
        """The version trainers work on: the draft or version in review (there is at most
        one; a bank file loaded meanwhile may have published a newer number), else the
        current (published) version."""
        for version in reversed(self.versions):
            if version.status in WORKING:
                return version
        return self.current_version or (self.versions[-1] if self.versions else None)


class ItemVersion(Base):
    __tablename__ = "item_versions"
    __table_args__ = (UniqueConstraint("item_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    # draft -> in_review -> published -> superseded (by the next published version)
    status: Mapped[str] = mapped_column(String(20), default="published")
    type: Mapped[str] = mapped_column(String(60))
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(300))
    stem: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict] = mapped_column()
    feedback: Mapped[str] = mapped_column(Text, default="")
    outcomes: Mapped[list] = mapped_column()  # educational outcome codes
    eqf_level: Mapped[int] = mapped_column(Integer)
    source: Mapped[dict | None] = mapped_column()
    # Language variants: {"en": {"title", "stem", "feedback", "payload"}}, same key and ids.
    translations: Mapped[dict | None] = mapped_column()
    tags: Mapped[list | None] = mapped_column()
    content_hash: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column()

    item: Mapped[Item] = relationship(back_populates="versions", foreign_keys=[item_id])
    author = relationship("User", foreign_keys=[author_id])
    published_by = relationship("User", foreign_keys=[published_by_id])

    def localized(self, language: str | None) -> dict:
        """title, stem, feedback and payload in ``language`` where a variant exists."""
        from engine.domain.variants import localized

        return localized({"title": self.title, "stem": self.stem, "feedback": self.feedback,
                          "payload": self.payload}, self.translations, language)

    def content(self) -> dict:
        """The version in the bank-file shape (without the id)."""
        data = {"type": self.type, "language": self.language, "title": self.title,
                "outcomes": list(self.outcomes), "eqf_level": self.eqf_level,
                "stem": self.stem, "payload": self.payload, "feedback": self.feedback or ""}
        if self.source:
            data["source"] = self.source
        if self.tags:
            data["tags"] = list(self.tags)
        if self.translations:
            data["translations"] = self.translations
        return data


class ItemEvent(Base):
    """One entry of an item's history: who did what, when, with the fields that changed."""

    __tablename__ = "item_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    version_number: Mapped[int | None] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # created, edited, revised, submitted, withdrawn, commented, sent_back, published,
    # retired, restored, imported, loaded, discarded
    action: Mapped[str] = mapped_column(String(30))
    comment: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[list | None] = mapped_column()  # [{"field", "before", "after"}]

    item: Mapped[Item] = relationship(back_populates="events")
    user = relationship("User")


@event.listens_for(Session, "before_flush")
def _published_versions_are_immutable(session, _context, _instances) -> None:
    for obj in session.dirty:
        if not isinstance(obj, ItemVersion):
            continue
        state = inspect(obj)
        status = state.attrs.status.history
        was = (status.deleted or status.unchanged or [None])[0]
        if was not in FROZEN:
            continue
        changed = [name for name in CONTENT_COLUMNS if state.attrs[name].history.has_changes()]
        if changed:
            raise ImmutableVersionError(
                f"Version {obj.number} of an item is published and cannot change "
                f"({', '.join(changed)}); edit the item to write a new version.")
