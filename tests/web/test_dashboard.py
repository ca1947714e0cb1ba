"""Mastery dashboards: a learner's grid with drill-down, and a group view that shows no
figure for fewer than five learners."""

from __future__ import annotations

import re

from tests.helpers import answer_all, start_attempt


def _take_demo(client, correct=True):
    attempt_id = start_attempt(client)
    answer_all(client, attempt_id, correct=correct)
    client.post(f"/attempts/{attempt_id}/submit")


def test_learner_sees_mastery_per_area_and_band_with_drilldown(client, auth):
    auth.login()
    _take_demo(client)
    _take_demo(client)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Mastery over the ESQF grid" in html
    figures = re.findall(r'<td class="cell (mastered|developing|not_yet|insufficient)"', html)
    assert figures.count("mastered") >= 3  # several areas with a figure
    assert "Gesprekken" in html and "Wetgeving, beleid en procedures" in html
    link = re.search(r'href="(/dashboard/cell\?area=Gesprekken&amp;band=6)"', html).group(1)
    cell = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "ESQF-E-18e" in cell and "Voorstellen bij de opening" in cell
    assert "100 %" in cell


def test_no_evidence_shows_an_empty_grid(client, auth):
    auth.login()
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'class="cell mastered"' not in html and "Mastery over the ESQF grid" in html


def test_group_view_hides_groups_below_five(app, client, auth):
    for _ in range(4):
        auth.login(organisation="Opvangcentrum Noord")
        _take_demo(client)
        client.post("/logout")
    auth.login("trainer")
    html = client.get("/groups/mastery?organisation=Opvangcentrum+Noord").get_data(as_text=True)
    assert "fewer than 5 learners" in html
    assert not re.search(r'class="figure">\d+ %', html)
    client.post("/logout")

    auth.login(organisation="Opvangcentrum Noord")
    _take_demo(client, correct=False)
    client.post("/logout")
    auth.login("trainer")
    html = client.get("/groups/mastery?organisation=Opvangcentrum+Noord").get_data(as_text=True)
    figures = re.findall(r'class="figure">(\d+) %', html)
    assert figures and "80" in figures  # four learners at 100 %, one at 0 %
    assert "4 of 5 learners master it" in html
    assert "Test Learner" not in html  # no names


def test_learners_cannot_see_group_views(client, auth):
    auth.login()
    assert client.get("/groups/mastery").status_code == 403
