"""The public framework page: groups, areas, rows and cells, filtered by EQF band."""

from __future__ import annotations

import re


def test_anyone_can_browse_the_educational_matrix(client):
    html = client.get("/frameworks/ESQF").get_data(as_text=True)
    assert "Een standaard asielgesprek plannen, voorbereiden, voeren en documenteren" in html
    assert "Gesprekken" in html and "Leiderschap en management" in html
    assert 'id="ESQF-E-18e"' in html
    assert len(re.findall(r'id="ESQF-E-\d+[a-i]"', html)) == 35 * 9


def test_band_filter_shows_only_that_band(client):
    html = client.get("/frameworks/ESQF?band=7").get_data(as_text=True)
    cells = re.findall(r'id="ESQF-E-\d+([a-i])"', html)
    assert cells and set(cells) == {"g", "h", "i"}


def test_professional_matrix(client):
    html = client.get("/frameworks/ESQF?matrix=professional&band=4-5").get_data(as_text=True)
    cells = re.findall(r'id="ESQF-P-\d+([a-i])"', html)
    assert set(cells) == {"a", "b", "c"}


def test_bad_filters_and_unknown_framework(client):
    assert client.get("/frameworks/ESQF?band=9").status_code == 400
    assert client.get("/frameworks/ESQF?matrix=other").status_code == 400
    assert client.get("/frameworks/NOPE").status_code == 404


def test_verification_is_rate_limited(database_url):
    from tests.conftest import make_app

    app = make_app(database_url, VERIFY_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [client.get("/verify/OE-0000-0000-0000.json").status_code for _ in range(5)]
    assert codes[:3] == [404, 404, 404] and codes[3:] == [429, 429]
    page = client.get("/verify/OE-0000-0000-0000")
    assert page.status_code == 429 and "Too many requests" in page.get_data(as_text=True)
    app.extensions["oe_db"].engine.dispose()
