"""Mastery dashboards: a learner's grid with drill-down, and a group view that shows no
figure for fewer than five learners."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from engine.models import Attempt, utcnow
from tests.helpers import answer_all, bank_items, start_attempt


def _take_demo(client, correct=True):
    attempt_id = start_attempt(client)
    answer_all(client, attempt_id, correct=correct)
    client.post(f"/attempts/{attempt_id}/submit")
    return client.get(f"/api/attempts/{attempt_id}").get_json()["items"]


def test_learner_sees_mastery_per_area_and_band_with_drilldown(client, auth, db_session):
    auth.login()
    drawn = []
    for _ in range(3):  # every attempt a day after the last (the demo's cooling-off period)
        db_session.execute(update(Attempt).values(submitted_at=utcnow() - timedelta(hours=25)))
        db_session.commit()
        drawn += _take_demo(client)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Mastery over the ESQF grid" in html
    figures = re.findall(r'<td class="cell (mastered|developing|not_yet|insufficient)"', html)
    assert figures.count("mastered") >= 3  # several areas with a figure
    assert "Gesprekken" in html and "Wetgeving, beleid en procedures" in html
    link = re.search(r'href="(/dashboard/cell\?area=Gesprekken&amp;band=6)"', html).group(1)
    cell = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    # The attempt showed English titles; the cell lists the items by their own (Dutch) title.
    dutch = {variant["title"]: item["title"] for item in bank_items().values()
             for variant in item["translations"].values() if "title" in variant}
    on_18e = {dutch.get(e["title"], e["title"]) for e in drawn if "ESQF-E-18e" in e["outcomes"]}
    assert "ESQF-E-18e" in cell and on_18e and all(title in cell for title in on_18e)
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
