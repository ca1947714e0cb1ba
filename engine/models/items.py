"""Items and their immutable versions.

An item is an identity (its ``uid`` in the bank); what a learner sees is always one
``ItemVersion``. Attempts point at versions, so a later edit never changes how an earlier
attempt was graded.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, utcnow


class Item(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="published")
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("item_versions.id", use_alter=True, ondelete="SET NULL")
    )
    origin: Mapped[str | None] = mapped_column(String(300))  # bank file it was loaded from
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[ItemVersion]] = relationship(
        back_populates="item", foreign_keys="ItemVersion.item_id", order_by="ItemVersion.number"
    )
    current_version: Mapped[ItemVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )


class ItemVersion(Base):
    __tablename__ = "item_versions"
    __table_args__ = (UniqueConstraint("item_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
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
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[Item] = relationship(back_populates="versions", foreign_keys=[item_id])

    def localized(self, language: str | None) -> dict:
        """title, stem, feedback and payload in ``language`` where a variant exists."""
        from engine.domain.variants import localized

        return localized({"title": self.title, "stem": self.stem, "feedback": self.feedback,
                          "payload": self.payload}, self.translations, language)
