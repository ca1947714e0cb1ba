"""HTTP security headers and the proxy in front (ASVS V14.4).

Flask-Talisman sets a strict Content-Security-Policy (scripts, styles, fonts and images
from this site only: no inline script, no inline style, no framing), nosniff, a Referrer-
Policy, a Permissions-Policy and, on requests that arrived over HTTPS, HSTS. Behind
``PROXY_COUNT`` reverse proxies the client's address and scheme come from their
X-Forwarded-For/-Proto headers (and only then).
"""

from __future__ import annotations

from flask import Flask
from flask_talisman import Talisman

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}

PERMISSIONS = {feature: "()" for feature in (
    "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone",
    "payment", "usb", "interest-cohort")}


def init_security(app: Flask) -> None:
    Talisman(
        app,
        force_https=False,  # the proxy in front terminates TLS and redirects
        strict_transport_security=True,
        strict_transport_security_max_age=app.config["HSTS_SECONDS"],
        strict_transport_security_include_subdomains=False,
        content_security_policy=CSP,
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy=PERMISSIONS,
        session_cookie_secure=bool(app.config["SESSION_COOKIE_SECURE"]),
        session_cookie_http_only=bool(app.config["SESSION_COOKIE_HTTPONLY"]),
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )
    @app.after_request
    def _private(response):
        # Pages for a signed-in person are theirs alone: no shared or browser cache keeps
        # them (media keep their own private, immutable caching).
        from flask import session

        if "_user_id" in session and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
            response.vary.add("Cookie")
        return response

    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
