"""Error pages: a clear page in the user's language, never a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, SecurityError


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".json")


def register(app: Flask) -> None:
    @app.errorhandler(SecurityError)
    def _untrusted_host(error: SecurityError):
        # A Host header this installation does not serve: no page of ours to show (its
        # links would carry that host), just the refusal.
        return "Bad Request: this address is not served here.", 400, {
            "Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if _wants_json():
            return jsonify(error=error.name, message=error.description), error.code
        template = f"errors/{error.code}.html" if error.code in (400, 403, 404, 429) \
            else "errors/generic.html"
        return render_template(template, error=error), error.code

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s", request.path)
        if app.config.get("TESTING") and app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error
        if _wants_json():
            return jsonify(error="Internal Server Error"), 500
        try:
            return render_template("errors/500.html"), 500
        except Exception:  # the error page itself failed: say so plainly, not a traceback
            app.logger.exception("The error page failed too")
            return "Internal Server Error. The error has been logged.", 500, {
                "Content-Type": "text/plain; charset=utf-8"}
