"""Shared fixtures: a migrated database with the bank loaded once per session, a fresh app per
test whose learner data is wiped afterwards, a client, an ``auth`` helper and Chromium.

The suite runs against SQLite by default and against PostgreSQL when ``DATABASE_URL`` is set
(``.ci/run`` does both).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from engine import create_app
from engine.config import ROOT
from engine.models import Base

USER_DATA_TABLES = ("certificates", "responses", "attempts", "lesson_views", "enrolments",
                    "organisation_modules", "user_sessions", "login_throttles",
                    "rate_counters", "users")
_counter = itertools.count(1)


def _reset_database(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_app(url: str, **overrides):
    config = {"TESTING": True, "SECRET_KEY": "testing", "DATABASE_URL": url,
              "PLUGINS_AUTOLOAD": False, "WTF_CSRF_ENABLED": False,
              "SERVER_NAME": None, "RATELIMIT_STORAGE_URI": "memory://"}
    config.update(overrides)
    return create_app(config)


def prepare_database(url: str, **overrides) -> None:
    """Migrate an empty database and load the bank, as `make run` does."""
    app = make_app(url, CHECK_MIGRATIONS=False, **overrides)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["setup", "--no-demo"])
    assert result.exit_code == 0, result.output
    app.extensions["oe_db"].engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        _reset_database(url)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    prepare_database(url)
    return url


# What trainers did in the app, undone so that the bank is as loaded from its files: items
# written in the app go, versions written in the app go, every bank item is published again.
AUTHORING_CLEANUP = (
    "DELETE FROM import_jobs",
    "DELETE FROM media",
    "DELETE FROM item_events WHERE user_id IS NOT NULL",
    "DELETE FROM items WHERE origin IS NULL",
    "UPDATE items SET current_version_id = (SELECT max(v.id) FROM item_versions v "
    "WHERE v.item_id = items.id AND v.author_id IS NULL)",
    "DELETE FROM item_versions WHERE author_id IS NOT NULL",
    "UPDATE item_versions SET status = 'published', published_by_id = NULL "
    "WHERE id IN (SELECT current_version_id FROM items)",
    "UPDATE items SET status = 'published'",
)


def wipe_learner_data(app) -> None:
    """Delete what a test's users did (the bank stays), and close the app's connections."""
    db = app.extensions["oe_db"]
    db.session.remove()
    with db.engine.begin() as conn:
        for table in USER_DATA_TABLES[:-1]:
            conn.execute(Base.metadata.tables[table].delete())
        for statement in AUTHORING_CLEANUP:
            conn.execute(text(statement))
        conn.execute(Base.metadata.tables["users"].delete())
    db.engine.dispose()


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    yield app
    wipe_learner_data(app)


@pytest.fixture
def own_app(tmp_path):
    """An app with a database of its own, for tests that change modules, schemes or bulk
    data the other tests rely on. A test module uses it by overriding ``app``."""
    url = "sqlite:///" + str(tmp_path / "own.sqlite3")
    prepare_database(url)
    app = make_app(url, KEYS_PATH=str(tmp_path / "keys"))
    yield app
    app.extensions["oe_db"].engine.dispose()


@pytest.fixture
def csrf_app(database_url):
    """An app with CSRF protection on, as in production."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    yield app
    wipe_learner_data(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db_session(app):
    """A session of the test's own, outside any app context: an app context held open here
    would be shared by the test client's requests (and with it Flask-Login's user)."""
    session = Session(app.extensions["oe_db"].engine, expire_on_commit=False)
    yield session
    session.close()


@pytest.fixture
def pm(app):
    return app.extensions["oe_plugins"].pm


@pytest.fixture
def bank_copy(tmp_path) -> Path:
    """A private copy of the item bank a test may change."""
    target = tmp_path / "item_bank"
    shutil.copytree(ROOT / "item_bank", target)
    return target


@pytest.fixture(scope="session")
def domain_database_url(tmp_path_factory) -> tuple[str, str]:
    """A SQLite database whose bank also holds the domain-type test items of tests/data."""
    folder = tmp_path_factory.mktemp("domain")
    bank = folder / "item_bank"
    shutil.copytree(ROOT / "item_bank", bank)
    data = ROOT / "tests" / "data"
    shutil.copy(data / "domain_items.yaml", bank / "items" / "zz-domain-test.yaml")
    shutil.copy(data / "domain_module.yaml", bank / "modules" / "zz-domain-test.yaml")
    shutil.copy(data / "domain_scheme.yaml", bank / "schemes" / "zz-domain-test.yaml")
    shutil.copy(data / "timed_module.yaml", bank / "modules" / "zz-timed-test.yaml")
    url = "sqlite:///" + str(folder / "domain.sqlite3")
    prepare_database(url, ITEM_BANK_PATH=str(bank))
    return url, str(bank)


@pytest.fixture
def domain_app(domain_database_url):
    url, bank = domain_database_url
    app = make_app(url, ITEM_BANK_PATH=bank)
    yield app
    wipe_learner_data(app)


class Auth:
    """Create users of a role and log the test client in as them."""

    def __init__(self, app, client):
        self.app, self.client = app, client

    def create(self, role: str = "learner", name: str | None = None,
               password: str = "correct horse battery", organisation: str | None = None) -> dict:
        from engine.services import accounts

        n = next(_counter)
        email = f"{role}{n}@test.example"
        name = name or f"Test {role.title()} {n}"
        with self.app.app_context():
            user = accounts.create_user(self.app.extensions["oe_db"].session(), email=email,
                                        name=name, role=role, password=password,
                                        organisation=organisation)
            return {"id": user.id, "email": email, "name": name, "password": password}

    def login(self, role: str = "learner", **kwargs) -> dict:
        user = self.create(role, **kwargs)
        response = self.client.post("/login", data={"email": user["email"],
                                                     "password": user["password"]})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user


@pytest.fixture
def auth(app, client) -> Auth:
    return Auth(app, client)


@contextlib.contextmanager
def serving(app):
    """An app served over HTTP on a free loopback port, for the browser."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def live_server(app):
    with serving(app) as url:
        yield url


@pytest.fixture
def domain_server(domain_app):
    with serving(domain_app) as url:
        yield url


CHROMIUM = os.environ.get("OE_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright. Missing Chromium fails in CI, skips elsewhere."""
    required = bool(os.environ.get("CI") or os.environ.get("OE_REQUIRE_BROWSER"))
    if not Path(CHROMIUM).exists():
        message = (f"Chromium not found at {CHROMIUM}: `apt-get install -y chromium` "
                   "(set OE_CHROMIUM to use another path)")
        if required:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # bypass_csp: the harness injects axe-core as an inline script, which the app's CSP
    # (rightly) forbids; pages' own compliance is checked in test_answered_count.
    context = browser.new_context(accept_downloads=True, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def axe():
    """Run axe-core (from npm, served from node_modules) in a page; fail on serious or
    critical violations, naming the rule, the elements and the page."""
    if not AXE.exists():
        message = "axe-core missing: run `npm ci` (make test does)"
        if os.environ.get("CI") or os.environ.get("OE_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)

    def check(page, label: str = ""):
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        report = "; ".join(
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(n["target"][0] for n in v["nodes"][:3]) for v in bad)
        assert not bad, f"axe on {label or page.url}: {report}"
        return result["violations"]

    return check
