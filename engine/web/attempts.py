"""The attempt pages: taking an assessment, reviewing before submission, the result.

Routes live on the learner blueprint (``learner.attempt`` and so on)."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from engine.domain.questiontypes import ItemValidationError
from engine.models import utcnow
from engine.services import certification, delivery, enrolment, frameworks, results
from engine.web.common import db, plugins, signed_in, token_secret
from engine.web.learner import bp

# Form fields of an item: "item-3" or "item-3.justification".
ITEM_FIELD = re.compile(r"^item-(?P<position>\d+)(?:\.(?P<part>[A-Za-z0-9_-]{1,60}))?$")


@bp.route("/assessments/<uid>/start", methods=["POST"])
@signed_in
def start(uid: str):
    session = db()
    assessment = delivery.get_assessment(session, uid)
    if assessment is None:
        abort(404)
    try:
        attempt = delivery.start_attempt(session, current_user, assessment,
                                         language=str(get_locale()))
        enrolment.enrol(session, current_user, assessment.module)
    except delivery.DeliveryError as exc:
        flash(str(exc), "error")
        return redirect(url_for("learner.module", uid=assessment.module.uid))
    return redirect(url_for("learner.attempt", attempt_id=attempt.id))


def _own_attempt(attempt_id: int):
    """The learner's own attempt (404 otherwise), submitted first if its time is over."""
    try:
        attempt = delivery.get_attempt(db(), attempt_id, current_user)
    except LookupError:
        abort(404)
    if delivery.close_if_expired(db(), plugins(), attempt):
        flash(_("The time for this attempt is over; it was submitted with the answers saved "
                "in time."), "info")
    return attempt


def _seconds_left(attempt) -> int | None:
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - utcnow()).total_seconds()))


@bp.route("/attempts/<int:attempt_id>")
@signed_in
def attempt(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if attempt.status != "in_progress":
        return redirect(url_for("learner.result", attempt_id=attempt.id))
    items = delivery.deliver(db(), plugins(), attempt, secret=token_secret())
    return render_template("learner/attempt.html", attempt=attempt, items=items,
                           seconds_left=_seconds_left(attempt))


def _answers_from_form(attempt, form) -> dict[int, tuple[dict, int | None]]:
    """Answers posted by the plain HTML form (the page also autosaves with JavaScript), each
    with the save count the page showed.

    Only items the page showed are taken (they post ``item-<n>.seq``): such an item posts
    its whole state, so one whose boxes are all unticked is saved as an empty answer."""
    fields: dict[int, dict[str, list[str]]] = {}
    for name in form:
        match = ITEM_FIELD.match(name)
        if match and int(match["position"]) < len(attempt.form):
            fields.setdefault(int(match["position"]), {})[match["part"] or ""] = \
                form.getlist(name)
    answers = {}
    for position, item_fields in fields.items():
        sequence = _sequence(item_fields.pop("seq", None))
        if sequence is None:
            continue
        raw = delivery.response_from_form(db(), plugins(), attempt, position, item_fields)
        if raw is not None:
            answers[position] = (raw, sequence)
    return answers


def _sequence(values: list[str] | None) -> int | None:
    try:
        return int(values[-1]) if values else None
    except ValueError:
        return None


@bp.route("/attempts/<int:attempt_id>/save", methods=["POST"])
@signed_in
def save(attempt_id: int):
    """Save every answer on the page, then do what the pressed button asks: stay, check one
    answer (immediate feedback), confirm a scenario step, review, or submit."""
    attempt = _own_attempt(attempt_id)
    session = db()
    if attempt.status != "in_progress":
        flash(_("This attempt has been submitted; answers can no longer change."), "info")
        return redirect(url_for("learner.result", attempt_id=attempt.id))
    action = request.form.get("action", "save")
    checking = int(action.removeprefix("check-")) if re.fullmatch(r"check-\d+", action) \
        else None
    problems = []
    for position, (raw, sequence) in _answers_from_form(attempt, request.form).items():
        try:
            delivery.save_answer(session, plugins(), attempt, position, raw,
                                 secret=token_secret(), expected_sequence=sequence,
                                 check=position == checking)
        except delivery.StaleAnswerError:
            # Saved meanwhile from another window: the newer answer stays; say so.
            flash(_("Question %(n)d was changed in another window; the newer answer is kept.",
                    n=position + 1), "info")
        except (ItemValidationError, ValueError) as exc:
            problems.append(_("Question %(n)d: %(msg)s", n=position + 1, msg=exc))
        except delivery.DeliveryError as exc:  # submitted meanwhile, or the time ran out
            if isinstance(exc, delivery.TimeUpError) or attempt.status != "in_progress":
                flash(str(exc), "info")
                return redirect(url_for("learner.result", attempt_id=attempt.id))
            problems.append(_("Question %(n)d: %(msg)s", n=position + 1, msg=exc))
    if problems:
        for problem in problems:
            flash(problem, "error")
        return redirect(url_for("learner.attempt", attempt_id=attempt.id))
    if action == "submit":
        return _submit(attempt)
    if action == "review":
        return redirect(url_for("learner.review", attempt_id=attempt.id))
    if re.fullmatch(r"(step|check)-\d+", action):  # back to the item the learner acted on
        anchor = "item-" + action.split("-", 1)[1]
        return redirect(url_for("learner.attempt", attempt_id=attempt.id, _anchor=anchor))
    flash(_("Your answers are saved."), "info")
    return redirect(url_for("learner.attempt", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>/review")
@signed_in
def review(attempt_id: int):
    """Before submitting: which questions are answered, with links back to each."""
    attempt = _own_attempt(attempt_id)
    if attempt.status != "in_progress":
        return redirect(url_for("learner.result", attempt_id=attempt.id))
    items = delivery.deliver(db(), plugins(), attempt, secret=token_secret())
    return render_template("learner/review.html", attempt=attempt, items=items,
                           seconds_left=_seconds_left(attempt))


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@signed_in
def submit(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    return _submit(attempt)


def _submit(attempt):
    session = db()
    if attempt.status != "in_progress":
        flash(_("This attempt had already been submitted; its result is unchanged."), "info")
    elif not results.submit_attempt(session, plugins(), attempt):
        flash(_("This attempt had already been submitted; its result is unchanged."), "info")
    elif attempt.passed:
        certification.issue_for_attempt(session, attempt)
    return redirect(url_for("learner.result", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>/result")
@signed_in
def result(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    session = db()
    if attempt.status == "in_progress":
        return redirect(url_for("learner.attempt", attempt_id=attempt.id))
    outcomes = frameworks.outcome_texts(session, list(attempt.outcome_results or {}))
    certificate = certification.issue_for_attempt(session, attempt) if attempt.passed else None
    allowed = results.may_review(session, attempt)
    withheld = set() if allowed else results.withheld_outcomes(attempt)
    return render_template(
        "learner/result.html", attempt=attempt, outcomes=outcomes, certificate=certificate,
        review=results.review(session, plugins(), attempt) if allowed else None,
        below=[c for c in results.outcomes_below_mark(attempt) if c not in withheld],
        withheld=withheld)
