"""Administrators: people's accounts and their security (sessions, lock, role, erasure)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from engine.models import LoginThrottle, Role, User
from engine.services import accounts, logins, privacy, sessions, throttle
from engine.web.auth import idle_timeout
from engine.web.common import db, role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/people")
@role_required("admin")
def people():
    query = request.args.get("q", "").strip()[:200]
    statement = select(User).order_by(User.name).limit(200)
    if query:
        like = f"%{query.lower()}%"
        statement = statement.where(or_(func.lower(User.email).like(like),
                                        func.lower(User.name).like(like)))
    return render_template("admin/people.html", people=list(db().scalars(statement)),
                           query=query)


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def person(user_id: int):
    session = db()
    user = session.get(User, user_id)
    if user is None:
        abort(404)
    if request.method == "POST":
        action = request.form.get("action", "")
        if action == "logout-everywhere":
            ended = logins.log_out_everywhere(session, user, by=current_user)
            flash(_("%(n)d sessions ended.", n=ended), "info")
        elif action in ("deactivate", "activate") and user.erased_at is None:
            accounts.set_active(session, user, action == "activate", by=current_user)
            flash(_("The account is deactivated.") if action == "deactivate"
                  else _("The account is active again."), "info")
        elif action == "unlock":
            throttle.unlock(session, user.email)
            flash(_("Logging in is possible again."), "info")
        elif action == "role" and user.erased_at is None:
            try:
                accounts.set_role(session, user, request.form.get("role", ""), by=current_user)
            except ValueError:
                abort(400)
            flash(_("The role is changed; the person's sessions have ended."), "info")
        elif action == "erase":
            if request.form.get("confirm_email", "").strip().lower() != user.email.lower():
                flash(_("Type the person's email address to confirm the erasure."), "error")
            else:
                privacy.erase(session, user, by=current_user)
                flash(_("The person's personal data is erased."), "info")
        else:
            abort(400)
        return redirect(url_for("admin.person", user_id=user.id))
    lock = session.get(LoginThrottle, throttle.account_key(user.email))
    return render_template(
        "admin/person.html", person=user, roles=[r.value for r in Role],
        sessions=sessions.live_sessions(session, user.id, idle=idle_timeout()), lock=lock)
