"""Rate limits (ASVS V11.1.4): per client address, counted where every worker and machine
sees the same count: in the database by default (``DatabaseStorage``), or in Redis when
``OE_RATELIMIT_STORAGE_URI`` names one (``redis://host:6379/0``). ``memory://`` (one
worker's memory) is for tests only.
"""

from __future__ import annotations

import random
import time

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import Storage
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

limiter = Limiter(key_func=get_remote_address, default_limits=[])

_INCR = text(
    "INSERT INTO rate_counters (key, count, expires_at) VALUES (:key, :amount, :expires) "
    "ON CONFLICT (key) DO UPDATE SET "
    "count = CASE WHEN rate_counters.expires_at <= :now THEN :amount "
    "ELSE rate_counters.count + :amount END, "
    "expires_at = CASE WHEN rate_counters.expires_at <= :now THEN :expires "
    "ELSE rate_counters.expires_at END "
    "RETURNING count")


class DatabaseStorage(Storage):
    """Fixed-window counters in the ``rate_counters`` table: one atomic upsert per hit
    (SQLite 3.35+ and PostgreSQL alike), so concurrent workers never lose a count."""

    STORAGE_SCHEME = ["oe-database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 engine=None, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.engine = engine

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self.engine.begin() as conn:
            count = conn.execute(_INCR, {"key": key[:300], "amount": amount,
                                         "expires": now + expiry, "now": now}).scalar_one()
            if random.random() < 0.01:  # forget expired windows now and then
                conn.execute(text("DELETE FROM rate_counters WHERE expires_at < :now"),
                             {"now": now - 60})
        return int(count)

    def _row(self, key: str):
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT count, expires_at FROM rate_counters "
                                     "WHERE key = :key"), {"key": key[:300]}).first()

    def get(self, key: str) -> int:
        row = self._row(key)
        return int(row[0]) if row and row[1] > time.time() else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return float(row[1]) if row and row[1] > time.time() else time.time()

    def check(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with self.engine.begin() as conn:
            return conn.execute(text("DELETE FROM rate_counters")).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(text("DELETE FROM rate_counters WHERE key = :key"),
                         {"key": key[:300]})


def verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


def upload_limit() -> str:
    return current_app.config["UPLOAD_RATE_LIMIT"]


def init_limits(app: Flask) -> None:
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = "oe-database://"
    # Always set: the limiter object outlives an app (tests make many), and must not hand
    # one app's database engine to another's Redis client.
    app.config["RATELIMIT_STORAGE_OPTIONS"] = {
        "engine": app.extensions["oe_db"].engine} \
        if app.config["RATELIMIT_STORAGE_URI"].startswith("oe-database") else {}
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # Flask-Limiter merges each app's storage options into what earlier apps gave it (one
    # limiter object per process): start from none, or a Redis client receives an engine.
    limiter._storage_options = {}
    limiter.init_app(app)
