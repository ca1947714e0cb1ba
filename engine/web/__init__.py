"""HTTP layer: blueprints that parse input, call one service and render."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from engine.web import (
        accreditation,
        api,
        attempts,  # noqa: F401  (routes on the learner blueprint)
        auth,
        author,
        certificates,
        dashboard,
        errors,
        frameworks,
        grading,
        learner,
        static,
        verify,
    )

    errors.register(app)
    auth.init_login(app)
    for module in (static, auth, learner, api, certificates, verify, frameworks, author,
                   grading, accreditation, dashboard):
        app.register_blueprint(module.bp)
