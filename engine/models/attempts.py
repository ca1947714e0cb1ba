"""Attempts at an assessment and the responses saved in them."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, utcnow


class Attempt(Base):
    __tablename__ = "attempts"
    # At most one open attempt per learner and assessment, whatever the number of workers.
    __table_args__ = (Index("uq_attempts_open", "user_id", "assessment_id", unique=True,
                            sqlite_where=text("status = 'in_progress'"),
                            postgresql_where=text("status = 'in_progress'")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    # in_progress -> awaiting_grading (a trainer must grade a part) -> graded
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    seed: Mapped[int] = mapped_column(Integer)  # draws the form and orders its items
    # Random per attempt: with the server's secret it makes the tokens the page shows for
    # options and other parts of items (engine.domain.tokens); never sent to the browser.
    token_salt: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    language: Mapped[str | None] = mapped_column(String(8))  # of the item texts shown
    form: Mapped[list] = mapped_column()  # item version ids, in the order shown
    item_points: Mapped[list | None] = mapped_column()  # per position: points or None
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column()  # enforced by the server
    submitted_at: Mapped[datetime | None] = mapped_column()
    submitted_by: Mapped[str | None] = mapped_column(String(20))  # learner | time_limit
    earned: Mapped[float | None] = mapped_column(Float)
    possible: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column()
    outcome_results: Mapped[dict | None] = mapped_column()  # code -> {earned, possible}

    responses: Mapped[list[Response]] = relationship(
        back_populates="attempt", order_by="Response.position"
    )
    assessment = relationship("Assessment")
    user = relationship("User")


class Response(Base):
    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("attempt_id", "item_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    item_version_id: Mapped[int] = mapped_column(ForeignKey("item_versions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    answer: Mapped[dict | None] = mapped_column()
    saved_at: Mapped[datetime | None] = mapped_column()
    # Counts the saves; a page posts the number it showed, so a stale tab cannot overwrite
    # a newer answer (Moodle's "sequence check").
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # With immediate feedback the learner checks an answer; it is then final and shown
    # with its feedback while the attempt goes on.
    checked_at: Mapped[datetime | None] = mapped_column()
    earned: Mapped[float | None] = mapped_column(Float)
    possible: Mapped[float | None] = mapped_column(Float)
    evidence: Mapped[dict | None] = mapped_column()
    # Human grading: pending until a trainer has graded the rubric part of the answer.
    pending: Mapped[bool] = mapped_column(default=False, index=True)
    grades: Mapped[dict | None] = mapped_column()  # {"criteria": {id: level}, "comment": str}
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    graded_at: Mapped[datetime | None] = mapped_column()

    attempt: Mapped[Attempt] = relationship(back_populates="responses")
    item_version = relationship("ItemVersion")
