"""Enrolment and progress: who follows which module, and how far they are."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.models import (
    Attempt,
    Enrolment,
    LessonView,
    Module,
    OrganisationModule,
    User,
)


@dataclass
class Progress:
    lessons_seen: int
    lessons: int
    assessments_passed: int
    assessments: int

    @property
    def percent(self) -> int:
        total = self.lessons + self.assessments
        done = self.lessons_seen + self.assessments_passed
        return round(100 * done / total) if total else 0

    @property
    def complete(self) -> bool:
        return self.lessons_seen >= self.lessons and self.assessments_passed >= self.assessments


def enrol(session: Session, user: User, module: Module, source: str = "self") -> None:
    """Enrol a learner (idempotent: a second enrolment, even a concurrent one, is a no-op)."""
    if session.scalar(select(Enrolment).where(Enrolment.user_id == user.id,
                                              Enrolment.module_id == module.id)):
        return
    session.add(Enrolment(user_id=user.id, module_id=module.id, source=source))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()


def assign_to_organisation(session: Session, organisation: str, module: Module) -> int:
    """Enrol every learner of an organisation, now and as they join; returns how many now."""
    if not session.scalar(select(OrganisationModule).where(
            OrganisationModule.organisation == organisation,
            OrganisationModule.module_id == module.id)):
        session.add(OrganisationModule(organisation=organisation, module_id=module.id))
        session.commit()
    learners = session.scalars(select(User).where(User.organisation == organisation,
                                                  User.role == "learner")).all()
    for learner in learners:
        enrol(session, learner, module, source="organisation")
    return len(learners)


def enrolled_module_ids(session: Session, user: User) -> dict[int, str]:
    """Module id -> how the learner came to be enrolled (self or organisation)."""
    found = {e.module_id: e.source for e in session.scalars(
        select(Enrolment).where(Enrolment.user_id == user.id))}
    if user.organisation:
        for module_id in session.scalars(select(OrganisationModule.module_id).where(
                OrganisationModule.organisation == user.organisation)):
            found.setdefault(module_id, "organisation")
    return found


def record_lesson_view(session: Session, user: User, module: Module, lesson_uid: str) -> None:
    if session.scalar(select(LessonView).where(
            LessonView.user_id == user.id, LessonView.module_id == module.id,
            LessonView.lesson_uid == lesson_uid)):
        return
    session.add(LessonView(user_id=user.id, module_id=module.id, lesson_uid=lesson_uid))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()


def progress(session: Session, user: User, module: Module) -> Progress:
    lesson_uids = {lesson.uid for lesson in module.lessons}
    seen = set(session.scalars(select(LessonView.lesson_uid).where(
        LessonView.user_id == user.id, LessonView.module_id == module.id)))
    assessment_ids = [a.id for a in module.assessments if not a.practice]
    passed = set(session.scalars(select(Attempt.assessment_id).where(
        Attempt.user_id == user.id, Attempt.passed.is_(True),
        Attempt.assessment_id.in_(assessment_ids)))) if assessment_ids else set()
    return Progress(lessons_seen=len(seen & lesson_uids), lessons=len(lesson_uids),
                    assessments_passed=len(passed), assessments=len(assessment_ids))


def overview(session: Session, user: User) -> tuple[list[tuple[Module, Progress, str]],
                                                    list[Module]]:
    """The learner's modules with progress and enrolment source, and the rest (catalogue)."""
    enrolled = enrolled_module_ids(session, user)
    mine, catalogue = [], []
    for module in session.scalars(select(Module).order_by(Module.title)):
        if module.id in enrolled:
            mine.append((module, progress(session, user, module), enrolled[module.id]))
        else:
            catalogue.append(module)
    return mine, catalogue


