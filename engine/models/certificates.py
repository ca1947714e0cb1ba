"""Certification schemes and the certificates issued under them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, utcnow


class Scheme(Base):
    __tablename__ = "schemes"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    eqf_level: Mapped[int] = mapped_column(Integer)
    outcomes: Mapped[list] = mapped_column()
    requires: Mapped[dict] = mapped_column()
    validity_months: Mapped[int | None] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))


class Certificate(Base):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    # One certificate per passing attempt: the unique key makes a double click harmless.
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempts.id"), unique=True)
    holder_name: Mapped[str] = mapped_column(String(200))
    scheme_title: Mapped[str] = mapped_column(String(300))
    eqf_level: Mapped[int] = mapped_column(Integer)
    outcomes: Mapped[list] = mapped_column()  # [{code, text, earned, possible}] at issue time
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    scheme: Mapped[Scheme] = relationship()
    user = relationship("User")

    def status(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "valid"
