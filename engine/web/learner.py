"""The learner's pages: modules, lessons, attempts, results and certificates."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from engine.models import utcnow
from engine.services import certification, delivery, enrolment
from engine.services.markdown import render_markdown
from engine.web.common import db, plugins, signed_in

bp = Blueprint("learner", __name__)


@bp.route("/")
@signed_in
def home():
    session = db()
    mine, catalogue = enrolment.overview(session, current_user)
    return render_template(
        "learner/home.html", mine=mine, catalogue=catalogue,
        certificates=certification.certificates_of(session, current_user), now=utcnow(),
        public_reasons=certification.PUBLIC_REASONS)


def _module_or_404(uid: str):
    module = delivery.get_module(db(), uid)
    if module is None:
        abort(404)
    return module


@bp.route("/modules/<uid>")
@signed_in
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
    enrolled = module.id in enrolment.enrolled_module_ids(session, current_user)
    return render_template("learner/module.html", module=module, attempts=attempts,
                           blocked=blocked, enrolled=enrolled,
                           progress=enrolment.progress(session, current_user, module))


@bp.route("/modules/<uid>/enrol", methods=["POST"])
@signed_in
def enrol(uid: str):
    module = _module_or_404(uid)
    enrolment.enrol(db(), current_user, module)
    flash(_("You are enrolled on %(title)s.", title=module.title), "info")
    return redirect(url_for("learner.module", uid=module.uid))


@bp.route("/modules/<uid>/lessons/<lesson_uid>")
@signed_in
def lesson(uid: str, lesson_uid: str):
    module = _module_or_404(uid)
    lesson = next((le for le in module.lessons if le.uid == lesson_uid), None)
    if lesson is None:
        abort(404)
    enrolment.enrol(db(), current_user, module)  # reading a lesson is following the module
    enrolment.record_lesson_view(db(), current_user, module, lesson.uid)
    return render_template("learner/lesson.html", module=module, lesson=lesson,
                           body=render_markdown(lesson.body))
