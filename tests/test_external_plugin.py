"""A question type from outside the engine, installed through the entry-point group
``outcome_engine.plugins``, is delivered, answered and scored with no change to ``engine/``."""

from __future__ import annotations

import shutil
import sys

import pytest

from engine.config import ROOT
from tests.conftest import make_app, prepare_database
from tests.helpers import start_attempt

DATA = ROOT / "tests" / "data"


@pytest.fixture
def plugin_installed(monkeypatch):
    """Put the plugin and its dist-info (with entry_points.txt) on the import path, as pip
    would in site-packages."""
    monkeypatch.syspath_prepend(str(DATA / "plugins"))
    yield
    sys.modules.pop("oe_yesno", None)


@pytest.fixture
def yesno_app(plugin_installed, bank_copy, tmp_path):
    shutil.copy(DATA / "yesno_item.yaml", bank_copy / "items" / "yesno.yaml")
    shutil.copy(DATA / "yesno_module.yaml", bank_copy / "modules" / "yesno.yaml")
    url = "sqlite:///" + str(tmp_path / "plugin.sqlite3")
    settings = {"PLUGINS_AUTOLOAD": True, "ITEM_BANK_PATH": str(bank_copy)}
    prepare_database(url, **settings)
    app = make_app(url, **settings)
    yield app
    app.extensions["oe_db"].engine.dispose()


def test_entry_point_plugin_is_loaded_only_with_autoload(plugin_installed, database_url):
    app = make_app(database_url, PLUGINS_AUTOLOAD=True)
    assert "yes_no" in app.extensions["oe_plugins"].question_types
    assert app.extensions["oe_plugins"].question_types.owners["yes_no"] == "yesno"
    app = make_app(database_url, PLUGINS_AUTOLOAD=False)
    assert "yes_no" not in app.extensions["oe_plugins"].question_types


def test_learner_takes_an_item_of_the_plugin_type(yesno_app):
    from tests.conftest import Auth

    client = yesno_app.test_client()
    Auth(yesno_app, client).login()
    attempt_id = start_attempt(client, "yesno-toets")
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert 'name="item-0" value="no"' in page
    data = client.get(f"/api/attempts/{attempt_id}").get_json()
    assert data["items"][0]["type"] == "yes_no" and data["items"][0]["view"] == {}
    saved = client.put(f"/api/attempts/{attempt_id}/answers/0",
                       json={"form": {"": ["no"], "seq": ["0"]}})
    assert saved.status_code == 200, saved.get_json()
    client.post(f"/attempts/{attempt_id}/save", data={"action": "submit"})
    result = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Passed" in result
    assert "Your answer: no; expected: no" in result
