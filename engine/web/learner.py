"""The learner's pages: modules, lessons, attempts, results and certificates."""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.domain.questiontypes import ItemValidationError
from engine.services import certification, delivery, frameworks
from engine.services.markdown import render_markdown
from engine.web.common import db, plugins

bp = Blueprint("learner", __name__)

# Form fields of an item: "item-3" or "item-3.justification".
ITEM_FIELD = re.compile(r"^item-(?P<position>\d+)(?:\.(?P<part>[A-Za-z0-9_-]{1,60}))?$")


@bp.route("/")
@login_required
def home():
    session = db()
    return render_template(
        "learner/home.html", modules=delivery.list_modules(session),
        certificates=certification.certificates_of(session, current_user))


def _module_or_404(uid: str):
    module = delivery.get_module(db(), uid)
    if module is None:
        abort(404)
    return module


@bp.route("/modules/<uid>")
@login_required
def module(uid: str):
    module = _module_or_404(uid)
    attempts = {a.uid: delivery.attempts_for(db(), current_user, a) for a in module.assessments}
    return render_template("learner/module.html", module=module, attempts=attempts)


@bp.route("/modules/<uid>/lessons/<lesson_uid>")
@login_required
def lesson(uid: str, lesson_uid: str):
    module = _module_or_404(uid)
    lesson = next((le for le in module.lessons if le.uid == lesson_uid), None)
    if lesson is None:
        abort(404)
    return render_template("learner/lesson.html", module=module, lesson=lesson,
                           body=render_markdown(lesson.body))


@bp.route("/assessments/<uid>/start", methods=["POST"])
@login_required
def start(uid: str):
    session = db()
    assessment = delivery.get_assessment(session, uid)
    if assessment is None:
        abort(404)
    try:
        attempt = delivery.start_attempt(session, current_user, assessment)
    except delivery.DeliveryError as exc:
        flash(str(exc), "error")
        return redirect(url_for("learner.module", uid=assessment.module.uid))
    return redirect(url_for("learner.attempt", attempt_id=attempt.id))



def _own_attempt(attempt_id: int):
    try:
        return delivery.get_attempt(db(), attempt_id, current_user)
    except LookupError:
        abort(404)


@bp.route("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if attempt.status != "in_progress":
        return redirect(url_for("learner.result", attempt_id=attempt.id))
    items = delivery.deliver(db(), plugins(), attempt)
    return render_template("learner/attempt.html", attempt=attempt, items=items,
                           render_markdown=render_markdown)


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
@login_required
def save(attempt_id: int):
    """Save every answer on the page; submit too when the learner pressed Submit."""
    attempt = _own_attempt(attempt_id)
    session = db()
    if attempt.status != "in_progress":
        flash(_("This attempt has been submitted; answers can no longer change."), "info")
        return redirect(url_for("learner.result", attempt_id=attempt.id))
    problems = []
    for position, (raw, sequence) in _answers_from_form(attempt, request.form).items():
        try:
            delivery.save_answer(session, plugins(), attempt, position, raw,
                                 expected_sequence=sequence)
        except delivery.StaleAnswerError:
            # Saved meanwhile from another window: the newer answer stays; say so.
            flash(_("Question %(n)d was changed in another window; the newer answer is kept.",
                    n=position + 1), "info")
        except (ItemValidationError, ValueError) as exc:
            problems.append(_("Question %(n)d: %(msg)s", n=position + 1, msg=exc))
        except delivery.DeliveryError as exc:  # submitted meanwhile, e.g. from another tab
            flash(str(exc), "info")
            return redirect(url_for("learner.result", attempt_id=attempt.id))
    if problems:
        for problem in problems:
            flash(problem, "error")
        return redirect(url_for("learner.attempt", attempt_id=attempt.id))
    action = request.form.get("action", "save")
    if action == "submit":
        return _submit(attempt)
    anchor = None
    if action.startswith("step-"):  # a scenario step was confirmed: return to that item
        anchor = "item-" + action.removeprefix("step-")
    else:
        flash(_("Your answers are saved."), "info")
    return redirect(url_for("learner.attempt", attempt_id=attempt.id, _anchor=anchor))


def _submit(attempt):
    session = db()
    graded_now = delivery.submit_attempt(session, plugins(), attempt)
    if not graded_now:
        flash(_("This attempt had already been submitted; its result is unchanged."), "info")
    elif attempt.passed:
        certification.issue_for_attempt(session, attempt)
    return redirect(url_for("learner.result", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>/result")
@login_required
def result(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    session = db()
    if attempt.status == "in_progress":
        return redirect(url_for("learner.attempt", attempt_id=attempt.id))
    outcomes = frameworks.outcome_texts(session, list(attempt.outcome_results or {}))
    certificate = certification.issue_for_attempt(session, attempt) if attempt.passed else None
    return render_template(
        "learner/result.html", attempt=attempt, outcomes=outcomes, certificate=certificate,
        review=delivery.review(session, plugins(), attempt), render_markdown=render_markdown)
