"""Human grading: the queue of answers a trainer must grade with a rubric, and grading them.

Grading is blind: the queue and the grading page show the answer, not who wrote it. Once
the last pending part of an attempt is graded, the attempt gets its final score and, on a
pass, its certificate.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.domain import rubrics
from engine.domain.questiontypes import call
from engine.models import Attempt, ItemVersion, Response, User, utcnow
from engine.plugins import Plugins
from engine.services import certification
from engine.services.results import review_row as _review_row
from engine.services.results import score_attempt


class GradingError(Exception):
    """The grades cannot be recorded (shown to the trainer)."""


@dataclass
class QueueEntry:
    response: Response
    version: ItemVersion
    attempt: Attempt


def queue(session: Session) -> list[QueueEntry]:
    """Answers waiting for a trainer, oldest submission first."""
    rows = session.execute(
        select(Response, ItemVersion, Attempt)
        .join(ItemVersion, Response.item_version_id == ItemVersion.id)
        .join(Attempt, Response.attempt_id == Attempt.id)
        .where(Response.pending.is_(True), Attempt.status == "awaiting_grading")
        .order_by(Attempt.submitted_at, Response.position))
    return [QueueEntry(response=r, version=v, attempt=a) for r, v, a in rows]


def get_entry(session: Session, response_id: int) -> QueueEntry | None:
    """An answer of a submitted attempt (never one a learner is still working on)."""
    response = session.get(Response, response_id)
    if response is None or response.attempt.status == "in_progress":
        return None
    return QueueEntry(response=response, version=response.item_version,
                      attempt=response.attempt)


def review_row(plugins: Plugins, entry: QueueEntry) -> dict:
    """The answer as the review template shows it, with the rubric, for the grading page."""
    row = _review_row(plugins, entry.version, entry.response, entry.response.position,
                      language=entry.attempt.language)
    qtype = plugins.question_types.get(entry.version.type)
    row["rubric"] = call(qtype.rubric, entry.version.payload)
    return row


def grade(session: Session, plugins: Plugins, grader: User, response_id: int,
          grades: dict) -> Attempt:
    """Record a trainer's rubric grades for one pending answer and rescore its attempt."""
    entry = get_entry(session, response_id)
    if entry is None:
        raise LookupError("No such answer.")
    if entry.attempt.user_id == grader.id:
        raise GradingError("You cannot grade your own answer.")
    qtype = plugins.question_types.get(entry.version.type)
    rubric = call(qtype.rubric, entry.version.payload)
    if rubric is None:
        raise GradingError("This answer is scored automatically.")
    try:
        clean = rubrics.check_grades(rubric, grades)
    except Exception as exc:  # marshmallow or our ValueError: both are the trainer's input
        raise GradingError(str(exc)) from None
    # Claim the answer: of two trainers grading at once, the first one's grades count.
    claimed = session.execute(
        update(Response).where(Response.id == response_id, Response.pending.is_(True))
        .values(grades=clean, graded_by_id=grader.id, graded_at=utcnow(), pending=False)
    ).rowcount
    if not claimed:
        session.rollback()
        raise GradingError("This answer has been graded already.")
    # Rescore under the attempt's row lock, reading the other answers afresh: two trainers
    # grading two parts of one attempt at once must not both see the other part pending.
    attempt = session.scalar(select(Attempt).where(Attempt.id == entry.attempt.id)
                             .with_for_update().execution_options(populate_existing=True))
    session.scalars(select(Response).where(Response.attempt_id == attempt.id)
                    .execution_options(populate_existing=True)).all()
    score_attempt(session, plugins, attempt)
    session.commit()
    if attempt.status == "graded" and attempt.passed:
        certification.issue_for_attempt(session, attempt)
    return attempt
