"""Trainers manage modules in the app: blueprints refused with the short rows named,
settings saved, lessons edited, and the module exported as a bank file."""

from __future__ import annotations

import pytest
import yaml

from engine.schemas.bank import ModuleSchema
from tests.helpers import DEMO_ASSESSMENT, DEMO_MODULE


@pytest.fixture
def app(own_app):
    """A database of its own: these tests change modules, which others rely on."""
    return own_app


BASE = {"title": "Toets", "pass_mark": "70", "feedback": "after_attempts", "rows": "3"}


def test_short_blueprint_is_refused_with_the_rows_named(client, auth):
    auth.login("trainer")
    response = client.post(f"/author/assessments/{DEMO_ASSESSMENT}", data={
        **BASE, "mode": "blueprint",
        "row-0-count": "2", "row-0-outcomes": "ESQF-E-18e", "row-0-eqf_level": "6",
        "row-1-count": "40", "row-1-area": "Gesprekken"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Row 2 (40 × area &#39;Gesprekken&#39;)" in html
    assert "short" in html
    page = client.get(f"/author/modules/{DEMO_MODULE}").get_data(as_text=True)
    assert "Blueprint of 8 rows" in page  # nothing was saved


def test_a_feasible_blueprint_and_settings_are_saved_and_used(client, auth):
    auth.login("trainer")
    response = client.post(f"/author/assessments/{DEMO_ASSESSMENT}", data={
        **BASE, "mode": "blueprint", "time_limit": "30", "attempts": "3",
        "row-0-count": "3", "row-0-outcomes": "ESQF-E-18e", "row-0-types": "choice",
        "row-1-count": "2", "row-1-outcomes": "ESQF-E-1b ESQF-E-4b", "row-1-points": "2"})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(f"/author/modules/{DEMO_MODULE}").get_data(as_text=True)
    assert "Blueprint of 2 rows" in page
    exported = yaml.safe_load(client.get(f"/author/modules/{DEMO_MODULE}.yaml").data)
    module = ModuleSchema().load(exported)
    assessment = next(a for a in module["assessments"] if a["id"] == DEMO_ASSESSMENT)
    assert assessment["time_limit"] == 30 and assessment["attempts"] == 3
    assert assessment["blueprint"][1]["points"] == 2.0
    client.post("/logout")
    auth.login()
    started = client.post(f"/assessments/{DEMO_ASSESSMENT}/start")
    attempt = client.get(started.headers["Location"].replace("/attempts/", "/api/attempts/"))
    assert len(attempt.get_json()["items"]) == 5 and attempt.get_json()["deadline"]


def test_a_certification_assessment_refuses_unsafe_settings_and_says_why(client, auth):
    """The demo test counts toward a scheme: unlimited attempts, keys after every attempt
    or a fixed form taken twice are refused, each with its reason; nothing is saved."""
    auth.login("trainer")
    page = client.get(f"/author/assessments/{DEMO_ASSESSMENT}").get_data(as_text=True)
    assert "Cue score" in page and "safe for certification" in page
    response = client.post(f"/author/assessments/{DEMO_ASSESSMENT}", data={
        **BASE, "feedback": "after_submission", "mode": "items",
        "items": "po-basis-001 po-basis-002 po-basis-003"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "counts toward po-basis-certificaat and cannot with these settings" in html
    assert "unlimited attempts" in html
    assert "shows the answer keys before the learner" in html
    assert "fixed list of items and allows more than one attempt" in html
    page = client.get(f"/author/modules/{DEMO_MODULE}").get_data(as_text=True)
    assert "Blueprint of 8 rows" in page  # nothing was saved


def test_another_assessment_cannot_list_items_kept_for_certification(client, auth):
    auth.login("trainer")
    response = client.post("/author/assessments/po-oefentoets", data={
        **BASE, "feedback": "immediate", "mode": "items", "items": "vt-tf-naam-tolk po-basis-001"})
    assert response.status_code == 400
    assert "Items kept for certification cannot appear in another assessment" in \
        response.get_data(as_text=True)


def test_lessons_are_edited_with_a_preview(client, auth):
    auth.login("trainer")
    new = client.post(f"/author/modules/{DEMO_MODULE}/lessons/new", data={
        "id": "extra-les", "title": "Extra les", "body": "## Kop\n\n<script>x</script>Tekst"})
    assert new.status_code == 302
    page = client.get(f"/author/modules/{DEMO_MODULE}/lessons/extra-les").get_data(as_text=True)
    assert "<h2>Kop</h2>" in page and "<script>x" not in page
    bad = client.post(f"/author/modules/{DEMO_MODULE}/lessons/new", data={
        "id": "Bad Id", "title": "", "body": ""})
    assert bad.status_code == 400


def test_learners_cannot_manage_modules(client, auth):
    auth.login()
    assert client.get("/author/modules").status_code == 403
    assert client.post(f"/author/assessments/{DEMO_ASSESSMENT}", data=BASE).status_code == 403
