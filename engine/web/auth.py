"""Signing in and out, and the interface language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from engine.services import accounts
from engine.web.common import db

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    # No format check at login: an unknown address simply fails like a wrong password.
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


def init_login(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = _l("Please log in to see this page.")
    manager.login_message_category = "info"

    @manager.user_loader
    def _load(user_id: str):
        user = accounts.get_user(db(), int(user_id))
        return user if user and user.active else None


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect would let a phishing link borrow our login page.
    if target and target.startswith("/") and not target.startswith("//") \
            and not urlsplit(target).netloc:
        return target
    return url_for("learner.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db(), form.email.data, form.password.data)
        if user is not None:
            session.clear()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Unknown email or wrong password."), "error")
    status = 400 if form.errors or request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def set_language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db().commit()
    return redirect(_safe_next(request.form.get("next")))
