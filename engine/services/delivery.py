"""Delivery: modules, attempts, autosaved answers, submission and grading.

Submitting grades once: the attempt is claimed with a conditional update inside the grading
transaction, so a double click, a second tab or a second worker finds it already graded.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.domain.outcomes import sort_key
from engine.domain.questiontypes import ItemValidationError, call
from engine.domain.scoring import Evidence, add_evidence
from engine.models import Assessment, Attempt, Item, ItemVersion, Module, Response, User, utcnow
from engine.plugins import Plugins


class DeliveryError(Exception):
    """An action on an attempt that is not allowed now (shown to the learner)."""


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


def start_attempt(session: Session, user: User, assessment: Assessment) -> Attempt:
    """Resume the learner's open attempt, or start a new one with the current item versions."""
    open_attempt = session.scalar(select(Attempt).where(
        Attempt.user_id == user.id, Attempt.assessment_id == assessment.id,
        Attempt.status == "in_progress"))
    if open_attempt is not None:
        return open_attempt
    items = {i.uid: i for i in session.scalars(
        select(Item).where(Item.uid.in_(assessment.item_uids), Item.status == "published"))}
    missing = [uid for uid in assessment.item_uids if uid not in items]
    if missing:
        raise DeliveryError(f"This assessment cannot start: items not published: "
                            f"{', '.join(missing)}.")
    form = [items[uid].current_version_id for uid in assessment.item_uids]
    attempt = Attempt(user_id=user.id, assessment_id=assessment.id, form=form,
                      seed=secrets.randbelow(2**31))
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


def deliver(session: Session, plugins: Plugins, attempt: Attempt) -> list[DeliveredItem]:
    """The attempt's form as the learner sees it: learner-safe views and saved answers."""
    versions = {v.id: v for v in session.scalars(
        select(ItemVersion).where(ItemVersion.id.in_(attempt.form)))}
    answers = {r.item_version_id: r.answer for r in attempt.responses}
    sequences = {r.item_version_id: r.sequence for r in attempt.responses}
    delivered = []
    for position, version_id in enumerate(attempt.form):
        version = versions[version_id]
        qtype = plugins.question_types.get(version.type)
        answer = answers.get(version_id)
        seed = attempt.seed + position
        view = call(qtype.learner_view, version.payload, seed=seed, response=answer)
        if answer is not None:  # in the page's opaque ids, like the view
            answer = call(qtype.encode_response, answer, version.payload, seed=seed)
        delivered.append(DeliveredItem(position=position, version=version, view=view,
                                       answer=answer, template=qtype.templates["deliver"],
                                       sequence=sequences.get(version_id, 0)))
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
                raw: dict, *, expected_sequence: int | None = None) -> Response:
    """Validate and store one answer of an open attempt, sent in the page's opaque ids.

    With ``expected_sequence`` (the save count the page showed) a save from a stale page is
    refused with StaleAnswerError instead of overwriting a newer answer."""
    if not 0 <= position < len(attempt.form):
        raise LookupError("No such question in this attempt.")
    # Lock the attempt first: saves and the submission of one attempt then run one after
    # the other, on every worker and database, so none is lost or acknowledged in vain.
    _lock_open_attempt(session, attempt)
    version = session.get(ItemVersion, attempt.form[position])
    response = session.scalar(select(Response).where(
        Response.attempt_id == attempt.id, Response.item_version_id == version.id
    ).execution_options(populate_existing=True))
    current = response.sequence if response is not None else 0
    if expected_sequence is not None and expected_sequence != current:
        session.rollback()
        raise StaleAnswerError(current)
    qtype = plugins.question_types.get(version.type)
    try:
        raw = call(qtype.decode_response, raw, version.payload, seed=attempt.seed + position)
        answer = call(qtype.load_response, raw, version.payload,
                      previous=response.answer if response else None)
    except Exception:
        session.rollback()
        raise
    if response is None:
        response = Response(attempt_id=attempt.id, item_version_id=version.id,
                            position=position)
        session.add(response)
    response.answer, response.saved_at = answer, utcnow()
    response.sequence = current + 1
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


def submit_attempt(session: Session, plugins: Plugins, attempt: Attempt) -> bool:
    """Grade an open attempt once. Returns False when it had been submitted already.

    Parts that a trainer must grade stay pending; the attempt then waits in
    ``awaiting_grading`` with a provisional score until every part is graded."""
    claimed = session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.status == "in_progress")
        .values(status="awaiting_grading", submitted_at=utcnow())
    ).rowcount
    if not claimed:
        session.rollback()
        session.refresh(attempt)
        return False
    session.refresh(attempt)
    score_attempt(session, plugins, attempt)
    session.commit()
    return True


def score_attempt(session: Session, plugins: Plugins, attempt: Attempt) -> None:
    """(Re)score every response of a submitted attempt and set its totals and status.

    Called at submission and again whenever a trainer grades a part; the caller commits."""
    versions = {v.id: v for v in session.scalars(
        select(ItemVersion).where(ItemVersion.id.in_(attempt.form)))}
    responses = {r.item_version_id: r for r in attempt.responses}
    earned = possible = 0.0
    evidence: dict[str, Evidence] = {}
    pending = False
    for position, version_id in enumerate(attempt.form):
        version = versions[version_id]
        qtype = plugins.question_types.get(version.type)
        response = responses.get(version_id)
        if response is None:
            response = Response(attempt_id=attempt.id, item_version_id=version_id,
                                position=position, answer=None)
            session.add(response)
        try:
            answer = (call(qtype.load_response, response.answer, version.payload)
                      if response.answer is not None else None)
        except ItemValidationError:
            answer = None  # a stored answer the item no longer accepts counts as unanswered
        score = call(qtype.score, version.payload, answer, list(version.outcomes),
                     grades=response.grades)
        response.earned, response.possible = score.earned, score.possible
        response.pending = score.pending
        response.evidence = {code: [ev.earned, ev.possible]
                             for code, ev in score.evidence.items()}
        earned += score.earned
        possible += score.possible
        pending = pending or score.pending
        evidence = add_evidence(evidence, score.evidence)
    attempt.earned, attempt.possible = round(earned, 6), possible
    attempt.outcome_results = {code: {"earned": round(ev.earned, 6), "possible": ev.possible}
                               for code, ev in sorted(evidence.items(),
                                                      key=lambda kv: sort_key(kv[0]))}
    percent = 100 * earned / possible if possible else 0
    attempt.status = "awaiting_grading" if pending else "graded"
    # Provisional while pending: `passed` is only decided on the final score.
    attempt.passed = None if pending else percent + 1e-9 >= attempt.assessment.pass_mark


def review(session: Session, plugins: Plugins, attempt: Attempt) -> list[dict]:
    """Per item of a graded attempt: the learner's answer, score and feedback with solution."""
    if attempt.status == "in_progress":
        raise DeliveryError("Feedback is shown after the attempt is submitted.")
    versions = {v.id: v for v in session.scalars(
        select(ItemVersion).where(ItemVersion.id.in_(attempt.form)))}
    responses = {r.item_version_id: r for r in attempt.responses}
    rows = []
    for position, version_id in enumerate(attempt.form):
        version = versions[version_id]
        qtype = plugins.question_types.get(version.type)
        response = responses.get(version_id)
        answer = response.answer if response else None
        grades = response.grades if response else None
        rows.append({
            "position": position, "version": version, "answer": answer,
            "earned": response.earned if response else 0.0,
            "possible": response.possible if response else 0.0,
            "pending": bool(response and response.pending), "grades": grades,
            "payload": version.payload,
            "feedback": call(qtype.feedback, version.payload, answer, grades=grades),
            "template": qtype.templates["review"],
        })
    return rows
