"""Sessions held on the server, brakes on password guessing, and shared rate-limit counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, utcnow


class UserSession(Base):
    """A signed-in browser. The cookie carries a random token; the server keeps its hash,
    so logging out, a password change or an administrator ends the session for good."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()  # the absolute limit
    revoked_at: Mapped[datetime | None] = mapped_column()
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))


class LoginThrottle(Base):
    """Failed logins per key (an account's email, or a client address): after a few, each
    try must wait longer; after more, the key is locked for a while, right password or not."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime | None] = mapped_column()
    last_failure_at: Mapped[datetime | None] = mapped_column()
    locked_until: Mapped[datetime | None] = mapped_column()


class RateCounter(Base):
    """A fixed-window counter of the rate limiter, shared by every worker and machine that
    uses the database (engine.web.limits)."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[float] = mapped_column(Float)  # seconds since the epoch


class PendingForm(Base):
    """What a trainer typed when their session had ended: kept for an hour, given back to
    the same user after they log in again (engine.web.auth, the item and lesson editors)."""

    __tablename__ = "pending_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    path: Mapped[str] = mapped_column(String(500))
    fields: Mapped[list] = mapped_column()  # [[name, value], ...] as posted
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
