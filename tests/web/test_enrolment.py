"""Enrolment and progress on the module and home pages."""

from __future__ import annotations

import re

from engine.models import Enrolment
from tests.helpers import DEMO_MODULE, answer_all, start_attempt


def test_self_enrolment_and_progress(client, auth):
    auth.login()
    home = client.get("/").get_data(as_text=True)
    assert "You are not enrolled on a module yet" in home
    page = client.get(f"/modules/{DEMO_MODULE}").get_data(as_text=True)
    assert "Enrol on this module" in page
    client.post(f"/modules/{DEMO_MODULE}/enrol")
    page = client.get(f"/modules/{DEMO_MODULE}").get_data(as_text=True)
    assert "0 % done" in page
    lesson = re.search(rf'href="(/modules/{DEMO_MODULE}/lessons/[^"]+)"', page).group(1)
    client.get(lesson)
    client.get(lesson)  # reading twice counts once
    attempt_id = start_attempt(client)
    answer_all(client, attempt_id)
    client.post(f"/attempts/{attempt_id}/submit")
    home = client.get("/").get_data(as_text=True)
    assert "100 % done: 1 of 1 lessons read, 1 of 1 assessments passed" in home


def test_organisation_enrols_its_learners(app, client, auth, db_session, runner):
    user = auth.login(organisation="Asielautoriteit Zuid")
    result = runner.invoke(args=["modules", "assign", "Asielautoriteit Zuid", DEMO_MODULE])
    assert "1 learner(s) enrolled" in result.output
    home = client.get("/").get_data(as_text=True)
    assert "Enrolled by your organisation." in home
    assert db_session.query(Enrolment).filter_by(user_id=user["id"]).count() == 1
    late = auth.create(organisation="Asielautoriteit Zuid")  # joins after the assignment
    client.post("/logout")
    client.post("/login", data={"email": late["email"], "password": late["password"]})
    assert "Enrolled by your organisation." in client.get("/").get_data(as_text=True)
