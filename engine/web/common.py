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


# Every view declares who may use it (``oe_access``): ``public``, ``signed_in``, or a tuple
# of roles. tests/web/test_route_access.py walks the URL map and fails on a view without a
# declaration, so no route ships unprotected by oversight.
ACCESS = "oe_access"


def public(view):
    """Anyone, without an account (verification, login, static files)."""
    setattr(view, ACCESS, "public")
    return view


def signed_in(view):
    """Any signed-in user; anonymous users are sent to log in (401 for the JSON API)."""
    wrapped = login_required(view)
    setattr(wrapped, ACCESS, "signed_in")
    return wrapped


def role_required(*roles: str):
    """Anonymous users are sent to log in; a signed-in user without the role gets 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, ACCESS, tuple(roles))
        return wrapped

    return decorator
