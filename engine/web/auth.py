"""Signing in and out, the account page (password, sessions), and the interface language."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from engine.services import accounts, logins, sessions, throttle
from engine.web.common import db, plugins, public, signed_in, token_secret

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    # No format check at login: an unknown address simply fails like a wrong password.
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(),
                                                                 Length(max=1024)])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])


def idle_timeout() -> timedelta:
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def session_lifetime() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_MAX_HOURS"])


def client_address() -> str | None:
    return request.remote_addr


def init_login(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = _l("Please log in to see this page.")
    manager.login_message_category = "info"
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=app.config["SESSION_MAX_HOURS"])

    @manager.user_loader
    def _load(user_id: str):
        try:
            user = accounts.get_user(db(), int(user_id))
        except ValueError:
            return None
        if user is None or not user.active:
            return None
        if sessions.valid(db(), session.get("sid"), user.id, idle=idle_timeout()) is None:
            g.session_ended = True  # logged out elsewhere, timed out, or revoked
            return None
        return user

    @manager.unauthorized_handler
    def _unauthorized():
        ended = g.get("session_ended") or bool(session.get("sid"))
        previous_user = session.get("_user_id")
        session.pop("sid", None)
        session.pop("_user_id", None)
        if ended and previous_user and request.method == "POST" \
                and request.path.startswith("/author/") and request.form:
            return _keep_what_was_typed(int(previous_user))
        message = _("Your session has ended; please log in again.") if ended else \
            _("Please log in to see this page.")
        if request.path.startswith("/api/") or request.accept_mimetypes.best == \
                "application/json":
            return jsonify(error=message, login=url_for("auth.login")), 401
        flash(message, "info")
        return redirect(url_for("auth.login", next=request.full_path
                                if request.method == "GET" else request.path))


def _keep_what_was_typed(user_id: int):
    """A trainer's session ended while they wrote: keep the posted form, ask them to log in,
    and give it back on the page they were on (the editors read ``resume``)."""
    fields = [[name, value] for name, values in request.form.lists()
              if name != "csrf_token" for value in values]
    owner = accounts.get_user(db(), user_id)
    if owner is None or not owner.active or owner.erased_at is not None \
            or not owner.has_role("trainer") \
            or sum(len(name) + len(value) for name, value in fields) > 1_000_000:
        flash(_("Your session has ended; please log in again."), "info")
        return redirect(url_for("auth.login"))
    token = sessions.keep_form(db(), user_id, request.path, fields)
    target = request.full_path.rstrip("?")
    target += ("&" if "?" in target else "?") + f"resume={token}"
    flash(_("Your session ended while you were writing. Log in again: what you typed is "
            "kept, and shown again for you to save."), "info")
    return redirect(url_for("auth.login", next=target))


def kept_form(path: str):
    """The form kept for the current user on this page (``resume`` in the query), as a
    MultiDict, or None."""
    from werkzeug.datastructures import MultiDict

    fields = sessions.take_form(db(), request.args.get("resume"), current_user.id, path)
    return MultiDict([tuple(pair) for pair in fields]) if fields is not None else None


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect would let a phishing link borrow our login page.
    if target and target.startswith("/") and not target.startswith("//") \
            and "\\" not in target and not urlsplit(target).netloc:
        return target.rstrip("?") or "/"
    return url_for("learner.home")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = logins.log_in(db(), form.email.data, form.password.data, ip=client_address(),
                               user_agent=request.user_agent.string,
                               lifetime=session_lifetime())
        if result.user is not None:
            lang = session.get("lang")
            session.clear()  # a new session id: no fixation
            if lang:
                session["lang"] = lang
            session.permanent = True
            session["sid"] = result.token
            login_user(result.user)
            return redirect(_safe_next(request.args.get("next")))
        if result.locked or result.wait_seconds > 120:
            # The same words whether or not the account exists.
            seconds = result.wait_seconds or int(throttle.LOCK_FOR.total_seconds())
            minutes = max(1, -(-seconds // 60))
            flash(ngettext("Too many failed logins: logging in is paused for %(num)d "
                           "minute.", "Too many failed logins: logging in is paused for "
                           "%(num)d minutes.", minutes), "error")
            status = 429
        elif result.wait_seconds:
            flash(ngettext("Too many failed logins for this account or from your address. "
                           "Try again in %(num)d second.", "Too many failed logins for this "
                           "account or from your address. Try again in %(num)d seconds.",
                           result.wait_seconds), "error")
            status = 429
        else:
            flash(_("Unknown email or wrong password."), "error")
    if status == 200 and (form.errors or request.method == "POST"):
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@public
def logout():
    lang = session.get("lang")
    user = current_user._get_current_object() if current_user.is_authenticated else None
    logins.log_out(db(), user, session.get("sid"))
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@signed_in
def account():
    """Change the password; see and end one's sessions."""
    form = PasswordForm()
    problems = []
    if request.method == "POST" and request.form.get("action") == "logout-everywhere":
        logins.log_out_everywhere(db(), current_user, by=current_user)
        logout_user()
        session.clear()
        flash(_("You are logged out everywhere."), "info")
        return redirect(url_for("auth.login"))
    if form.validate_on_submit():
        right = logins.check_password_again(db(), current_user, form.current.data,
                                            ip=client_address())
        try:
            if right is None:
                raise PermissionError
            if not right:
                raise ValueError
            accounts.change_password(db(), current_user, form.new.data,
                                     keep_session=session.get("sid"))
        except PermissionError:
            flash(_("Too many failed tries. Wait a while and try again."), "error")
        except accounts.PasswordPolicyError as exc:
            problems = exc.problems
        except ValueError:
            flash(_("The current password is not right."), "error")
        else:
            flash(_("Your password is changed; your other sessions have ended."), "info")
            return redirect(url_for("auth.account"))
    live = sessions.live_sessions(db(), current_user.id, idle=idle_timeout())
    current = session.get("sid")
    return render_template("auth/account.html", form=form, problems=problems,
                           sessions=[(s, sessions.is_current(s, current)) for s in live],
                           min_length=accounts.MIN_LENGTH), 400 if problems else 200


@bp.route("/account/data")
@signed_in
def my_data():
    """Everything stored about the signed-in person, as a page."""
    from engine.services import privacy

    return render_template("auth/my_data.html", data=privacy.export(
        db(), current_user, secret=token_secret(), plugins=plugins()))


@bp.route("/account/data.json", methods=["POST"])
@signed_in
def my_data_json():
    """Everything stored about the signed-in person, as a JSON file to take away (a POST
    with the CSRF token: another site cannot start an export)."""
    from engine.services import audit, privacy

    data = privacy.export(db(), current_user, secret=token_secret(), plugins=plugins())
    audit.record(db(), actor=current_user.email, action="export",
                 subject=current_user.email, data={"what": "personal data"})
    db().commit()
    response = jsonify(data)
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@bp.route("/language", methods=["POST"])
@public
def set_language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db().commit()
    return redirect(_safe_next(request.form.get("next")))
