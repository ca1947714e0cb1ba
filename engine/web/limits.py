"""Rate limits for the public pages (verification): per client address, in the memory of
each worker by default, or shared through ``OE_RATELIMIT_STORAGE_URI`` (e.g. Redis) when
the app runs on several machines."""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[])


def verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


def init_limits(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("RATELIMIT_STORAGE_URI")
                          or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
