"""Submitting, scoring and reviewing attempts, and the feedback policy.

Submitting grades once: the attempt is claimed with a conditional update inside the grading
transaction, so a double click, a second tab or a second worker finds it already graded.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.domain.outcomes import sort_key
from engine.domain.questiontypes import ItemValidationError, call
from engine.domain.scoring import Evidence, add_evidence
from engine.models import Attempt, ItemVersion, Response, utcnow
from engine.plugins import Plugins


def submit_attempt(session: Session, plugins: Plugins, attempt: Attempt, *,
                   by: str = "learner") -> bool:
    """Grade an open attempt once. Returns False when it had been submitted already.

    Parts that a trainer must grade stay pending; the attempt then waits in
    ``awaiting_grading`` with a provisional score until every part is graded. ``by`` says
    who submitted: the learner, or the time limit."""
    claimed = session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.status == "in_progress")
        .values(status="awaiting_grading", submitted_at=utcnow(), submitted_by=by)
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

    Called at submission and again whenever a trainer grades a part; the caller commits.
    An item drawn by a blueprint row with ``points`` is scaled to those points."""
    versions = {v.id: v for v in session.scalars(
        select(ItemVersion).where(ItemVersion.id.in_(attempt.form)))}
    responses = {r.item_version_id: r for r in attempt.responses}
    weights = attempt.item_points or [None] * len(attempt.form)
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
        payload = version.localized(attempt.language)["payload"]
        try:
            answer = (call(qtype.load_response, response.answer, payload)
                      if response.answer is not None else None)
        except ItemValidationError:
            answer = None  # a stored answer the item no longer accepts counts as unanswered
        score = call(qtype.score, payload, answer, list(version.outcomes),
                     grades=response.grades)
        factor = weights[position] / score.possible if weights[position] and score.possible \
            else 1.0
        item_evidence = {code: Evidence(ev.earned * factor, ev.possible * factor)
                         for code, ev in score.evidence.items()}
        response.earned = round(score.earned * factor, 6)
        response.possible = score.possible * factor
        response.pending = score.pending
        response.evidence = {code: [ev.earned, ev.possible] for code, ev in item_evidence.items()}
        earned += response.earned
        possible += response.possible
        pending = pending or score.pending
        evidence = add_evidence(evidence, item_evidence)
    attempt.earned, attempt.possible = round(earned, 6), possible
    attempt.outcome_results = {code: {"earned": round(ev.earned, 6), "possible": ev.possible}
                               for code, ev in sorted(evidence.items(),
                                                      key=lambda kv: sort_key(kv[0]))}
    attempt.status = "awaiting_grading" if pending else "graded"
    # Provisional while pending: `passed` is only decided on the final score.
    attempt.passed = None if pending else passes(attempt)


def passes(attempt: Attempt) -> bool:
    """The overall pass mark, and the pass mark per outcome where the assessment sets one."""
    assessment = attempt.assessment
    percent = 100 * attempt.earned / attempt.possible if attempt.possible else 0.0
    if percent + 1e-9 < assessment.pass_mark:
        return False
    if assessment.outcome_pass_mark is not None:
        for result in (attempt.outcome_results or {}).values():
            if result["possible"] and 100 * result["earned"] / result["possible"] + 1e-9 \
                    < assessment.outcome_pass_mark:
                return False
    return True


def outcomes_below_mark(attempt: Attempt) -> list[str]:
    mark = attempt.assessment.outcome_pass_mark
    if mark is None:
        return []
    return [code for code, r in (attempt.outcome_results or {}).items()
            if r["possible"] and 100 * r["earned"] / r["possible"] + 1e-9 < mark]


def may_review(session: Session, attempt: Attempt, now: datetime | None = None) -> bool:
    """Whether the feedback policy lets the learner see keys and feedback of this attempt:
    ``after_attempts`` once the learner cannot start another attempt (all used, or the
    assessment closed), ``after_close`` once it closed, ``never`` never."""
    if attempt.status == "in_progress":
        return False
    assessment = attempt.assessment
    policy = assessment.feedback_policy
    closed = assessment.closes_at is not None and (now or utcnow()) >= assessment.closes_at
    if policy == "never":
        return False
    if policy == "after_close":
        return closed
    if policy == "after_attempts":
        if closed:
            return True
        if assessment.attempts_allowed is None:
            return False
        # Only finished attempts count, and never while one is open: starting the last
        # attempt must not show the keys of the earlier ones.
        states = list(session.scalars(select(Attempt.status).where(
            Attempt.user_id == attempt.user_id, Attempt.assessment_id == assessment.id)))
        return "in_progress" not in states and len(states) >= assessment.attempts_allowed
    return True


def withheld_outcomes(attempt: Attempt) -> set[str]:
    """Outcomes for which the learner *answered* fewer than two items of the attempt: while
    the answers are not released, their score would tell whether that one answer was right
    (a learner who leaves the other question blank must not learn it either)."""
    counts: dict[str, int] = {}
    for response in attempt.responses:
        if response.answer is None:
            continue
        for code in response.evidence or {}:
            counts[code] = counts.get(code, 0) + 1
    return {code for code in attempt.outcome_results or {} if counts.get(code, 0) < 2}


def review_row(plugins: Plugins, version: ItemVersion, response: Response | None,
               position: int, *, language: str | None = None) -> dict:
    """One item as the review template shows it: answer, score, feedback with solution, in
    ``language`` where the item has that variant (the key is the same in every language)."""
    return row_for(
        plugins, version, response.answer if response else None, position, language=language,
        grades=response.grades if response else None,
        earned=response.earned if response and response.earned is not None else 0.0,
        possible=response.possible if response and response.possible is not None else 0.0,
        pending=bool(response and response.pending))


def row_for(plugins: Plugins, version: ItemVersion, answer: dict | None, position: int, *,
            language: str | None, grades: dict | None, earned: float, possible: float,
            pending: bool) -> dict:
    """A review row from an answer and its score (an attempt's response, or a trainer's
    answer in the preview)."""
    qtype = plugins.question_types.get(version.type)
    texts = version.localized(language)
    return {
        "position": position, "version": version, "answer": answer,
        "title": texts["title"], "stem": texts["stem"], "general_feedback": texts["feedback"],
        "earned": earned, "possible": possible, "pending": pending, "grades": grades,
        "payload": texts["payload"],
        "feedback": call(qtype.feedback, texts["payload"], answer, grades=grades),
        "template": qtype.templates["review"],
    }


def review(session: Session, plugins: Plugins, attempt: Attempt) -> list[dict]:
    """Per item of a submitted attempt: the learner's answer, score and feedback."""
    versions = {v.id: v for v in session.scalars(
        select(ItemVersion).where(ItemVersion.id.in_(attempt.form)))}
    responses = {r.item_version_id: r for r in attempt.responses}
    return [review_row(plugins, versions[version_id], responses.get(version_id), position,
                       language=attempt.language)
            for position, version_id in enumerate(attempt.form)]
