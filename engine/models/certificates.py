"""Certification schemes and the certificates issued under them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
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
    # Raised whenever the scheme changes; certificates record the version they were issued
    # under. requires: {"assessments": [...], "modules": [...], "mastery": {"outcomes": [...],
    # "threshold": 80}, "sign_off": bool}; renewal: {"window_days": n, "rule": ...}.
    version: Mapped[int] = mapped_column(Integer, default=1)
    renewal: Mapped[dict | None] = mapped_column()
    active: Mapped[bool] = mapped_column(default=True)


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
    revoke_reason: Mapped[str | None] = mapped_column(Text)  # the officer's note: internal
    # The reason the public sees, one of engine.services.certification.PUBLIC_REASONS.
    revoke_public_reason: Mapped[str | None] = mapped_column(String(40))
    # The holder's identity as the credential carries it: salted SHA-256 of the email and the
    # name, with one salt per certificate, so a credential still verifies after the holder's
    # personal data is erased (the register then keeps only these hashes).
    identity_salt: Mapped[str | None] = mapped_column(String(32))
    holder_email_hash: Mapped[str | None] = mapped_column(String(80))
    holder_name_hash: Mapped[str | None] = mapped_column(String(80))
    scheme_version: Mapped[int] = mapped_column(Integer, default=1)
    evidence: Mapped[dict | None] = mapped_column()  # the requirements as met at issue time
    # The certificate's bit in the issuer's Bitstring Status List (revocation).
    status_index: Mapped[int | None] = mapped_column(Integer, unique=True)
    renewed_from_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A bulk batch issues each learner once: (batch_id, user_id) is unique.
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("issue_batches.id"))

    scheme: Mapped[Scheme] = relationship()
    user = relationship("User", foreign_keys=[user_id])

    __table_args__ = (UniqueConstraint("batch_id", "user_id"),)

    def status(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "valid"


class IssueBatch(Base):
    """A bulk issue: the learners chosen (or all eligible), worked through by a background
    job that can be interrupted and restarted without issuing anyone twice."""

    __tablename__ = "issue_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_ids: Mapped[list] = mapped_column()
    results: Mapped[dict] = mapped_column(default=dict)  # str(user id) -> issued id or reason
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued|running|done
    done: Mapped[int] = mapped_column(Integer, default=0)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime | None] = mapped_column()

    scheme: Mapped[Scheme] = relationship()


class AuditEntry(Base):
    """Append-only log of issues, revocations and renewals, chained by hash: each entry's
    hash covers its content and the previous hash, so a changed or removed entry shows."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(254))  # email, or "system"
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(default=dict)
    # Unique: every entry follows exactly one other, so the chain cannot fork.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
