"""The learner's pages: modules, lessons, attempts, results and certificates."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from engine.services import certification, delivery
from engine.services.markdown import render_markdown
from engine.web.common import db, plugins

bp = Blueprint("learner", __name__)


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
    session = db()
    attempts, blocked = {}, {}
    for assessment in module.assessments:
        mine = delivery.attempts_for(session, current_user, assessment)
        for attempt in mine:  # time may have run out since the learner last looked
            delivery.close_if_expired(session, plugins(), attempt)
        attempts[assessment.uid] = mine
        blocked[assessment.uid] = delivery.availability(session, current_user, assessment)
    return render_template("learner/module.html", module=module, attempts=attempts,
                           blocked=blocked)


@bp.route("/modules/<uid>/lessons/<lesson_uid>")
@login_required
def lesson(uid: str, lesson_uid: str):
    module = _module_or_404(uid)
    lesson = next((le for le in module.lessons if le.uid == lesson_uid), None)
    if lesson is None:
        abort(404)
    return render_template("learner/lesson.html", module=module, lesson=lesson,
                           body=render_markdown(lesson.body))
