"""The app factory: configuration from the environment and the migration check."""

from __future__ import annotations

import pytest

from engine import create_app
from engine.config import database_url, from_environment
from engine.db import MigrationError


def test_refuses_to_start_on_an_unmigrated_database(tmp_path):
    url = "sqlite:///" + str(tmp_path / "empty.sqlite3")
    with pytest.raises(MigrationError) as excinfo:
        create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "PLUGINS_AUTOLOAD": False,
                    "BASE_URL": "http://localhost"})
    message = str(excinfo.value)
    assert "flask --app wsgi db upgrade" in message
    assert "none (empty)" in message


def test_db_upgrade_command_then_starts(tmp_path):
    url = "sqlite:///" + str(tmp_path / "new.sqlite3")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "PLUGINS_AUTOLOAD": False,
                      "BASE_URL": "http://localhost", "CHECK_MIGRATIONS": False})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "PLUGINS_AUTOLOAD": False,
                "BASE_URL": "http://localhost"})


def test_settings_from_environment():
    found = from_environment({"OE_THEME": "dark", "OE_PLUGINS_AUTOLOAD": "no",
                              "DATABASE_URL": "postgres://u@h/db",
                              "OE_PLUGINS_DISABLED": "a, b"})
    assert found["THEME"] == "dark"
    assert found["PLUGINS_AUTOLOAD"] is False
    assert found["PLUGINS_DISABLED"] == ["a", "b"]
    assert database_url(found, "/tmp") == "postgresql+psycopg://u@h/db"


def test_bad_boolean_setting_names_the_variable():
    with pytest.raises(RuntimeError, match="OE_PLUGINS_AUTOLOAD"):
        from_environment({"OE_PLUGINS_AUTOLOAD": "perhaps"})


def test_unknown_theme_is_refused(database_url):
    with pytest.raises(RuntimeError, match="Theme 'nope'"):
        create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", "THEME": "nope",
                    "BASE_URL": "http://localhost", "PLUGINS_AUTOLOAD": False})


def test_secret_key_is_generated_once_and_kept(tmp_path):
    from engine.config import secret_key

    first = secret_key(str(tmp_path))
    assert len(first) == 64
    assert secret_key(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_serving_needs_the_public_address(database_url):
    """Outside development and tests the app will not start without OE_BASE_URL: signed
    credentials and QR codes must not take their address from a request's Host header."""
    with pytest.raises(RuntimeError, match="OE_BASE_URL"):
        create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x",
                    "PLUGINS_AUTOLOAD": False})
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x",
                      "PLUGINS_AUTOLOAD": False, "BASE_URL": "https://learn.example.eu/"})
    assert app.config["BASE_URL"] == "https://learn.example.eu"
    assert app.config["TRUSTED_HOSTS"] == ["learn.example.eu"]
    assert app.config["SESSION_COOKIE_SECURE"] is True  # derived from https
    client = app.test_client()
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/login", base_url="https://learn.example.eu").status_code == 200
    app.extensions["oe_db"].engine.dispose()


def test_cookie_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("OE_SESSION_COOKIE_SECURE", "1")
    monkeypatch.setenv("OE_SESSION_COOKIE_SAMESITE", "Strict")
    monkeypatch.setenv("OE_SESSION_IDLE_MINUTES", "10")
    found = from_environment()
    assert found["SESSION_COOKIE_SECURE"] is True
    assert found["SESSION_COOKIE_SAMESITE"] == "Strict"
    assert found["SESSION_IDLE_MINUTES"] == 10
    monkeypatch.setenv("OE_SESSION_COOKIE_SECURE", "0")
    assert from_environment()["SESSION_COOKIE_SECURE"] is False
