"""Modules, their lessons and assessments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, utcnow


class Module(Base):
    __tablename__ = "modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8))
    content_hash: Mapped[str] = mapped_column(String(64))

    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="module", cascade="all, delete-orphan", order_by="Lesson.position"
    )
    assessments: Mapped[list[Assessment]] = relationship(
        back_populates="module", order_by="Assessment.position"
    )


class Lesson(Base):
    __tablename__ = "lessons"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)  # Markdown

    module: Mapped[Module] = relationship(back_populates="lessons")


class Assessment(Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    pass_mark: Mapped[int] = mapped_column(Integer)  # percent, overall
    # A fixed list of items, or a blueprint the form is drawn from for each attempt.
    item_uids: Mapped[list] = mapped_column()
    blueprint: Mapped[list | None] = mapped_column()  # rows, see engine.domain.blueprints
    scheme_uid: Mapped[str | None] = mapped_column(String(120))
    outcome_pass_mark: Mapped[int | None] = mapped_column(Integer)  # percent per outcome
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer)
    attempts_allowed: Mapped[int | None] = mapped_column(Integer)
    # Hours a learner waits after an attempt before starting the next one.
    cooling_off_hours: Mapped[int | None] = mapped_column(Integer)
    shuffle: Mapped[bool] = mapped_column(default=False)
    # Practice: for learning, not for the record; counts toward neither the module's
    # completion nor a certificate.
    practice: Mapped[bool] = mapped_column(default=False)
    # When the learner sees keys and feedback: immediate | after_submission | after_attempts
    # (once the learner's last attempt is used, or the assessment closed) | after_close |
    # never (scores per outcome only)
    feedback_policy: Mapped[str] = mapped_column(String(20), default="after_submission")
    opens_at: Mapped[datetime | None] = mapped_column()
    closes_at: Mapped[datetime | None] = mapped_column()

    module: Mapped[Module] = relationship(back_populates="assessments")


class Enrolment(Base):
    """A learner on a module: enrolled by themselves, or by their organisation."""

    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20), default="self")  # self | organisation
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)


class OrganisationModule(Base):
    """A module an organisation enrols all its learners on."""

    __tablename__ = "organisation_modules"
    __table_args__ = (UniqueConstraint("organisation", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation: Mapped[str] = mapped_column(String(200), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))


class LessonView(Base):
    """A learner has opened a lesson (for the module's progress)."""

    __tablename__ = "lesson_views"
    __table_args__ = (UniqueConstraint("user_id", "lesson_uid", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    # By uid, not id: reloading a module rebuilds its lesson rows.
    lesson_uid: Mapped[str] = mapped_column(String(120))
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
