"""Migrations upgrade a database that already holds data, on SQLite and PostgreSQL."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, text

from tests.conftest import make_app


def test_upgrade_from_the_first_revision_keeps_the_data(tmp_path, database_url):
    if os.environ.get("DATABASE_URL"):
        # PostgreSQL: a schema of our own, so the session's database is left alone.
        url = database_url
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS migration_test CASCADE"))
            conn.execute(text("CREATE SCHEMA migration_test"))
        engine.dispose()
        url_opts = {"connect_args": {"options": "-csearch_path=migration_test"}}
    else:
        url = "sqlite:///" + str(tmp_path / "old.sqlite3")
        url_opts = {}
    app = make_app(url, CHECK_MIGRATIONS=False)
    db = app.extensions["oe_db"]
    if url_opts:
        db.engine.dispose()
        db.engine = create_engine(url, **url_opts)
    db.upgrade("0001")
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO users (id, email, name, password_hash, role, active, created_at) "
            "VALUES (1, 'a@b.org', 'A', 'x', 'learner', true, '2026-01-01 00:00:00+00:00')"))
        conn.execute(text(
            "INSERT INTO modules (id, uid, title, summary, language, content_hash) "
            "VALUES (1, 'm', 'M', '', 'nl', 'h')"))
        conn.execute(text(
            "INSERT INTO assessments (id, uid, module_id, position, title, pass_mark, item_uids)"
            " VALUES (1, 'a', 1, 0, 'A', 50, '[]')"))
        conn.execute(text(
            "INSERT INTO attempts (id, user_id, assessment_id, status, seed, form, started_at) "
            "VALUES (1, 1, 1, 'graded', 1, '[]', '2026-01-01 00:00:00+00:00')"))
    db.upgrade("head")
    assert db.current_revision() == db.head_revision()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT feedback_policy FROM assessments")).scalar() == \
            "after_submission"
        assert conn.execute(text("SELECT status FROM attempts")).scalar() == "graded"
    db.engine.dispose()
    if url_opts:
        cleanup = create_engine(database_url)
        with cleanup.begin() as conn:
            conn.execute(text("DROP SCHEMA migration_test CASCADE"))
        cleanup.dispose()
