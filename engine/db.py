"""Database engine, sessions and migrations for one app.

The engine and the scoped session live in ``app.extensions["oe_db"]``, never in a module
global, so two apps (two tests, two tenants) never share a connection pool.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, scoped_session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class MigrationError(RuntimeError):
    """The database is not at the latest schema revision."""


@dataclass
class Database:
    engine: Engine
    session: scoped_session[Session]

    def alembic_config(self) -> AlembicConfig:
        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["engine"] = self.engine
        return cfg

    def upgrade(self, revision: str = "head") -> None:
        command.upgrade(self.alembic_config(), revision)

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def head_revision(self) -> str | None:
        return ScriptDirectory.from_config(self.alembic_config()).get_current_head()

    def check_migrated(self) -> None:
        current, head = self.current_revision(), self.head_revision()
        if current != head:
            url = self.engine.url.render_as_string(hide_password=True)
            raise MigrationError(
                f"The database {url} is at revision {current or 'none (empty)'}, "
                f"the code expects {head}. Run: flask --app wsgi db upgrade "
                "(or `make run`, which also loads the framework and the item bank)."
            )


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the gunicorn workers read while one of them writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def init_db(app: Flask, url: str) -> Database:
    kwargs: dict = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 10, "check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    db = Database(engine=engine, session=scoped_session(factory))
    app.extensions["oe_db"] = db

    @app.teardown_appcontext
    def _remove_session(_exc: BaseException | None) -> None:
        db.session.remove()

    return db


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["oe_db"]


def session() -> Session:
    """The current app's database session (one per app context)."""
    return get_db().session()
