"""Mastery dashboards: the learner's own, and a trainer's view of a group."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from engine.services import mastery
from engine.web.common import db, role_required, signed_in

bp = Blueprint("dashboard", __name__)


@bp.route("/dashboard")
@signed_in
def mine():
    return render_template("dashboard/learner.html", **mastery.learner_grid(db(), current_user))


@bp.route("/dashboard/cell")
@signed_in
def cell():
    area, band = request.args.get("area", ""), request.args.get("band", "")
    if band not in mastery.BANDS or not area:
        abort(400)
    data = mastery.learner_drilldown(db(), current_user, area, band)
    if not data["outcomes"]:
        abort(404)
    return render_template("dashboard/cell.html", **data)


@bp.route("/groups/mastery")
@role_required("trainer")
def group():
    organisations = mastery.organisations(db())
    chosen = request.args.get("organisation") or (organisations[0][0] if organisations else None)
    data = mastery.group_grid(db(), chosen) if chosen else None
    return render_template("dashboard/group.html", organisations=organisations, chosen=chosen,
                           data=data)
