"""Delivery: starting attempts from an assessment's settings, showing them, saving answers.

Every save locks the open attempt's row first, so saves and the submission of one attempt
run one after the other on every worker and database: an answer is either saved before the
attempt is graded (and graded) or refused after it, never acknowledged and then ignored.
The time limit is enforced here, on the server; the page's countdown is only a courtesy.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.domain.presentation import accept, present
from engine.domain.questiontypes import call
from engine.domain.tokens import ItemTokens
from engine.models import Assessment, Attempt, Item, ItemVersion, Module, Response, User, utcnow
from engine.plugins import Plugins
from engine.services import blueprints, integrity, results

# Requests in flight when the time runs out still count: a save this late is accepted.
GRACE = timedelta(seconds=3)


class DeliveryError(Exception):
    """An action on an attempt that is not allowed now (shown to the learner)."""


class TimeUpError(DeliveryError):
    """The attempt's time is over; it has been submitted with the answers saved in time."""


class StaleAnswerError(Exception):
    """The answer was saved meanwhile from another page; the newer one is kept."""

    def __init__(self, sequence: int):
        self.sequence = sequence
        super().__init__("This answer was changed in another window; the newer answer is kept.")


@dataclass
class DeliveredItem:
    position: int
    version: ItemVersion
    view: dict  # the learner-safe view from the question type
    answer: dict | None
    template: str
    sequence: int = 0
    checked: dict | None = None  # with immediate feedback: the review row once checked
    title: str = ""
    stem: str = ""  # in the attempt's language where the item has that variant
    answered: bool = False  # an emptied answer (nothing ticked, no text) is no answer


def list_modules(session: Session) -> list[Module]:
    return list(session.scalars(select(Module).order_by(Module.title)))


def get_module(session: Session, uid: str) -> Module | None:
    return session.scalar(select(Module).where(Module.uid == uid))


def get_assessment(session: Session, uid: str) -> Assessment | None:
    return session.scalar(select(Assessment).where(Assessment.uid == uid))


def attempts_for(session: Session, user: User, assessment: Assessment) -> list[Attempt]:
    return list(session.scalars(
        select(Attempt).where(Attempt.user_id == user.id, Attempt.assessment_id == assessment.id)
        .order_by(Attempt.started_at.desc())))


def availability(session: Session, user: User, assessment: Assessment,
                 now: datetime | None = None) -> str | None:
    """Why the learner cannot start a new attempt now, or None when they can."""
    now = now or utcnow()
    if assessment.opens_at and now < assessment.opens_at:
        return f"This assessment opens on {assessment.opens_at:%Y-%m-%d %H:%M} UTC."
    if assessment.closes_at and now >= assessment.closes_at:
        return "This assessment is closed."
    if assessment.attempts_allowed is not None:
        used = session.scalar(select(func.count()).select_from(Attempt).where(
            Attempt.user_id == user.id, Attempt.assessment_id == assessment.id))
        if used >= assessment.attempts_allowed:
            return f"You have used all {assessment.attempts_allowed} attempts."
    if assessment.cooling_off_hours:
        last = session.scalar(select(func.max(Attempt.submitted_at)).where(
            Attempt.user_id == user.id, Attempt.assessment_id == assessment.id))
        if last is not None:
            ready = last + timedelta(hours=assessment.cooling_off_hours)
            if now < ready:
                return (f"You can start your next attempt on {ready:%Y-%m-%d %H:%M} UTC, "
                        f"{assessment.cooling_off_hours} hours after your last one.")
    return None


def tokens_for(attempt: Attempt, position: int, secret: bytes) -> ItemTokens:
    """The tokens the attempt's page uses for the item at ``position``."""
    return ItemTokens(secret=secret, salt=attempt.token_salt, position=position)


def _form(session: Session, assessment: Assessment, seed: int,
          user: User) -> tuple[list, list | None]:
    """Item version ids for a new attempt, and the points of each (None: the item's own).
    A blueprint draws a parallel form: items this learner met before come last."""
    if assessment.blueprint:
        # Items kept for certification are drawn only by the assessments they are kept for.
        kept = {} if integrity.counts_toward(session, assessment.uid) else \
            integrity.secured_in_db(session)
        try:
            drawn = blueprints.draw(session, assessment.id, assessment.blueprint, seed,
                                    user_id=user.id, exclude=kept)
        except ValueError as exc:
            raise DeliveryError(f"This assessment cannot start: {exc}") from None
        uids, rows = drawn.uids, drawn.rows
        points = [assessment.blueprint[r].get("points") for r in rows]
    else:
        uids, points = list(assessment.item_uids), None
    items = {i.uid: i for i in session.scalars(
        select(Item).where(Item.uid.in_(uids), Item.status == "published"))}
    missing = [uid for uid in uids if uid not in items]
    if missing:
        raise DeliveryError(f"This assessment cannot start: items not published: "
                            f"{', '.join(missing)}.")
    form = [items[uid].current_version_id for uid in uids]
    if assessment.shuffle:
        order = list(range(len(form)))
        random.Random(seed).shuffle(order)
        form = [form[i] for i in order]
        points = [points[i] for i in order] if points else None
    return form, points if points and any(p is not None for p in points) else None


def start_attempt(session: Session, user: User, assessment: Assessment,
                  language: str | None = None) -> Attempt:
    """Resume the learner's open attempt, or start a new one: a form drawn from the
    blueprint (or the fixed items), with a deadline when there is a time limit. Items are
    shown in ``language`` where they have a variant in it."""
    open_attempt = session.scalar(select(Attempt).where(
        Attempt.user_id == user.id, Attempt.assessment_id == assessment.id,
        Attempt.status == "in_progress"))
    if open_attempt is not None:
        return open_attempt
    reason = availability(session, user, assessment)
    if reason:
        raise DeliveryError(reason)
    seed = secrets.randbelow(2**31)
    form, points = _form(session, assessment, seed, user)
    started = utcnow()
    deadline = None
    if assessment.time_limit_minutes:
        deadline = started + timedelta(minutes=assessment.time_limit_minutes)
    if assessment.closes_at and (deadline is None or assessment.closes_at < deadline):
        deadline = assessment.closes_at
    attempt = Attempt(user_id=user.id, assessment_id=assessment.id, form=form,
                      item_points=points, seed=seed, started_at=started, deadline=deadline,
                      language=language)
    session.add(attempt)
    try:
        session.commit()
    except IntegrityError:  # a double click started it twice: one open attempt per learner
        session.rollback()
        return session.scalar(select(Attempt).where(
            Attempt.user_id == user.id, Attempt.assessment_id == assessment.id,
            Attempt.status == "in_progress"))
    return attempt


def get_attempt(session: Session, attempt_id: int, user: User) -> Attempt:
    """The user's own attempt; anything else is reported as not found."""
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:
        raise LookupError("No such attempt.")
    return attempt


def expired(attempt: Attempt, now: datetime | None = None) -> bool:
    return (attempt.status == "in_progress" and attempt.deadline is not None
            and (now or utcnow()) > attempt.deadline + GRACE)


def close_if_expired(session: Session, plugins: Plugins, attempt: Attempt) -> bool:
    """Submit an attempt whose time is over, with the answers saved in time."""
    if not expired(attempt):
        return False
    return results.submit_attempt(session, plugins, attempt, by="time_limit")


def close_expired(session: Session, plugins: Plugins) -> int:
    """Submit every attempt whose time is over (run from cron: flask attempts close-expired)."""
    overdue = session.scalars(select(Attempt).where(
        Attempt.status == "in_progress", Attempt.deadline.is_not(None),
        Attempt.deadline < utcnow() - GRACE)).all()
    return sum(1 for attempt in overdue if close_if_expired(session, plugins, attempt))


def deliver(session: Session, plugins: Plugins, attempt: Attempt, *,
            secret: bytes) -> list[DeliveredItem]:
    """The attempt's form as the learner sees it: learner-safe views and saved answers in the
    attempt's tokens (``secret`` is the server's token secret), and, with immediate
    feedback, the feedback of the answers already checked."""
    versions = {v.id: v for v in session.scalars(
        select(ItemVersion).where(ItemVersion.id.in_(attempt.form)))}
    responses = {r.item_version_id: r for r in attempt.responses}
    delivered = []
    for position, version_id in enumerate(attempt.form):
        version = versions[version_id]
        qtype = plugins.question_types.get(version.type)
        response = responses.get(version_id)
        answer = response.answer if response else None
        answered = call(qtype.is_answered, answer)
        texts = version.localized(attempt.language)
        view, answer = present(qtype, texts["payload"], tokens_for(attempt, position, secret),
                               answer)
        checked = None
        if response is not None and response.checked_at is not None:
            checked = results.review_row(plugins, version, response, position,
                                         language=attempt.language)
        delivered.append(DeliveredItem(position=position, version=version, view=view,
                                       answer=answer, template=qtype.templates["deliver"],
                                       sequence=response.sequence if response else 0,
                                       checked=checked, title=texts["title"],
                                       stem=texts["stem"], answered=answered))
    return delivered


def response_from_form(session: Session, plugins: Plugins, attempt: Attempt, position: int,
                       fields: dict) -> dict | None:
    """The response an item's form fields stand for, as its question type reads them.

    ``fields`` maps the part of the field name after ``item-<position>`` ("" or ".name"
    without the dot) to the list of posted values."""
    if not 0 <= position < len(attempt.form):
        raise LookupError("No such question in this attempt.")
    if not isinstance(fields, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v)
            for k, v in fields.items()):
        raise ValueError("form fields must map names to lists of strings")
    version = session.get(ItemVersion, attempt.form[position])
    return plugins.question_types.get(version.type).response_from_form(fields)


def save_answer(session: Session, plugins: Plugins, attempt: Attempt, position: int,
                raw: dict, *, secret: bytes, expected_sequence: int | None = None,
                check: bool = False) -> Response:
    """Validate and store one answer of an open attempt, sent in the page's tokens; one
    naming anything else (an author's id, another item's token) is refused with
    ItemValidationError before the question type sees it. An answer that says nothing (no
    box ticked, no text) is stored as no answer.

    With ``expected_sequence`` (the save count the page showed) a save from a stale page is
    refused with StaleAnswerError instead of overwriting a newer answer. With ``check``
    (immediate feedback) the answer becomes final and its feedback is shown at once."""
    if not 0 <= position < len(attempt.form):
        raise LookupError("No such question in this attempt.")
    if expired(attempt):
        close_if_expired(session, plugins, attempt)
        raise TimeUpError("The time for this attempt is over; it was submitted with the "
                          "answers saved in time.")
    _lock_open_attempt(session, attempt)
    version = session.get(ItemVersion, attempt.form[position])
    response = session.scalar(select(Response).where(
        Response.attempt_id == attempt.id, Response.item_version_id == version.id
    ).execution_options(populate_existing=True))
    current = response.sequence if response is not None else 0
    if expected_sequence is not None and expected_sequence != current:
        session.rollback()
        raise StaleAnswerError(current)
    if response is not None and response.checked_at is not None:
        session.rollback()
        raise DeliveryError("This answer has been checked and can no longer change.")
    if check and attempt.assessment.feedback_policy != "immediate":
        session.rollback()
        raise DeliveryError("This assessment gives feedback after submission.")
    qtype = plugins.question_types.get(version.type)
    # The item in the attempt's language: a short answer is checked against that language's
    # accepted answers; everything else (ids, key, weights) is the same in every language.
    payload = version.localized(attempt.language)["payload"]
    try:
        answer = accept(qtype, raw, payload, tokens_for(attempt, position, secret),
                        previous=response.answer if response else None)
    except Exception:
        session.rollback()
        raise
    if not call(qtype.is_answered, answer):
        if check:
            session.rollback()
            raise DeliveryError("Answer the question before checking it.")
        answer = None
    if response is None:
        response = Response(attempt_id=attempt.id, item_version_id=version.id,
                            position=position)
        session.add(response)
    now = utcnow()
    response.answer, response.saved_at = answer, now
    response.sequence = current + 1
    if check:
        response.checked_at = now
        score = call(qtype.score, payload, answer, list(version.outcomes))
        response.earned, response.possible, response.pending = \
            score.earned, score.possible, score.pending
    session.commit()
    return response


def _lock_open_attempt(session: Session, attempt: Attempt) -> None:
    """Take the attempt's row lock and check, in this transaction, that it is still open."""
    touched = session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.status == "in_progress")
        .values(status="in_progress")).rowcount
    if not touched:
        session.rollback()
        raise DeliveryError("This attempt has been submitted; answers can no longer change.")
