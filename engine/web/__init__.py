"""HTTP layer: blueprints that parse input, call one service and render."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from engine.web import (
        accreditation,
        admin,
        api,
        attempts,  # noqa: F401  (routes on the learner blueprint)
        auth,
        author,
        authoring,
        certificates,
        credentials,
        dashboard,
        errors,
        exchange,
        frameworks,
        grading,
        learner,
        media,
        static,
        verify,
    )
    from engine.web.limits import init_limits

    errors.register(app)
    init_limits(app)
    auth.init_login(app)
    for module in (static, auth, learner, api, certificates, verify, frameworks, author,
                   authoring, media, exchange, grading, accreditation, dashboard, credentials,
                   admin):
        app.register_blueprint(module.bp)
