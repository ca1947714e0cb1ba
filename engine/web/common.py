"""Helpers shared by the blueprints: the database session, plugins, role checks."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app
from flask_login import current_user, login_required

from engine.db import session as db_session
from engine.plugins import Plugins


def plugins() -> Plugins:
    return current_app.extensions["oe_plugins"]


def db():
    return db_session()


def token_secret() -> bytes:
    """The server's secret for the tokens a learner's page shows (engine.domain.tokens)."""
    return current_app.extensions["oe_token_secret"]


def role_required(*roles: str):
    """Anonymous users are sent to log in; a signed-in user without the role gets 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
