"""Trainers' grading queue: answers to grade with a rubric."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from engine.services import grading
from engine.web.common import db, plugins, role_required

bp = Blueprint("grading", __name__, url_prefix="/grading")


@bp.route("/")
@role_required("trainer")
def queue():
    return render_template("grading/queue.html", entries=grading.queue(db()))


@bp.route("/<int:response_id>", methods=["GET", "POST"])
@role_required("trainer")
def grade(response_id: int):
    entry = grading.get_entry(db(), response_id)
    if entry is None:
        abort(404)
    row = grading.review_row(plugins(), entry)
    if row["rubric"] is None:
        abort(404)
    if request.method == "POST":
        grades = {"criteria": {c["id"]: request.form.get(f"criterion-{c['id']}", "")
                               for c in row["rubric"]["criteria"]
                               if request.form.get(f"criterion-{c['id']}")},
                  "comment": request.form.get("comment", "").strip()}
        try:
            grading.grade(db(), plugins(), current_user, response_id, grades)
        except grading.GradingError as exc:
            flash(str(exc), "error")
            return render_template("grading/grade.html", entry=entry, row=row,
                                   form=request.form), 400
        flash(_("Grades saved. The learner now sees them."), "info")
        return redirect(url_for("grading.queue"))
    return render_template("grading/grade.html", entry=entry, row=row, form={})
