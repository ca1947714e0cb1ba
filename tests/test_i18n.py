"""Interface languages: every string translated in Dutch and French, and a language switch."""

from __future__ import annotations

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from engine.config import ROOT

TRANSLATIONS = ROOT / "engine" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "N_": None}
METHODS = [("engine/**.py", "python"), ("plugins/**.py", "python"),
           ("themes/**/templates/**.html", "jinja2")]


def _source_msgids() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=METHODS, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalog(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=lang)


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_every_interface_string_is_translated(lang):
    catalog = _catalog(lang)
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    missing = sorted(_source_msgids() - set(translated))
    assert not missing, f"not in the {lang} catalog (run `make translations-update`): {missing}"
    empty = [m.id for m in translated.values()
             if not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    assert not empty, f"untranslated in {lang}: {empty}"
    assert not [m.id for m in translated.values() if m.fuzzy], f"fuzzy entries in {lang}"


def test_language_switch_changes_the_interface(client):
    assert "Log in" in client.get("/login").get_data(as_text=True)
    response = client.post("/language", data={"lang": "nl", "next": "/login"})
    assert response.headers["Location"] == "/login"
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert "Log in" not in html
    client.post("/language", data={"lang": "fr", "next": "/login"})
    assert '<html lang="fr">' in client.get("/login").get_data(as_text=True)


def test_browser_language_is_honoured(client):
    html = client.get("/login", headers={"Accept-Language": "nl-BE,nl;q=0.9"}).get_data(
        as_text=True)
    assert '<html lang="nl">' in html


def test_account_language_is_remembered(app, client, auth):
    user = auth.login()
    client.post("/language", data={"lang": "nl", "next": "/"})
    other = app.test_client()  # another browser, no cookies
    other.post("/login", data={"email": user["email"], "password": user["password"]},
               headers={"Accept-Language": "en"})
    assert '<html lang="nl">' in other.get("/", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
