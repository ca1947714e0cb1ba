"""Assessment settings on the server: blueprint forms, time limits, attempt limits,
pass marks per outcome, feedback policies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from engine.models import Attempt, utcnow
from tests.conftest import Auth
from tests.helpers import by_stem, correct_answer, put_answer, start_attempt


@pytest.fixture
def client(domain_app):
    return domain_app.test_client()


@pytest.fixture
def auth(domain_app, client):
    return Auth(domain_app, client)


@pytest.fixture
def db_session(domain_app):
    session = Session(domain_app.extensions["oe_db"].engine, expire_on_commit=False)
    yield session
    session.close()


def _answer_everything(client, attempt_id, limit=None):
    data = client.get(f"/api/attempts/{attempt_id}").get_json()
    stems = by_stem()
    for entry in data["items"][:limit]:
        answer = correct_answer(entry["view"], stems[entry["stem"]]["payload"])
        saved = put_answer(client, attempt_id, entry['position'], answer)
        assert saved.status_code == 200, saved.get_json()
    return data


def test_blueprint_draws_a_form_that_fits_its_rows(client, auth):
    auth.login()
    attempt_id = start_attempt(client, "getimed")
    data = client.get(f"/api/attempts/{attempt_id}").get_json()
    assert len(data["items"]) == 3
    outcomes = sorted(tuple(i["outcomes"]) for i in data["items"])
    assert sum(1 for o in outcomes if "ESQF-E-32f" in o) >= 2
    assert sum(1 for o in outcomes if "ESQF-E-30b" in o) == 1
    assert data["deadline"] is not None


def test_expired_attempt_refuses_answers_and_is_graded_with_the_saved_ones(
        domain_app, client, auth, db_session):
    auth.login()
    attempt_id = start_attempt(client, "getimed")
    _answer_everything(client, attempt_id, limit=2)
    attempt = db_session.get(Attempt, attempt_id)
    attempt.deadline = utcnow() - timedelta(minutes=1)
    db_session.commit()
    late = put_answer(client, attempt_id, 2, {"choices": []}, seq=0)
    assert late.status_code == 409 and "time for this attempt is over" in late.get_json()["error"]
    db_session.expire_all()
    graded = db_session.get(Attempt, attempt_id)
    assert graded.status == "graded" and graded.submitted_by == "time_limit"
    answered = [r for r in graded.responses if r.answer is not None]
    assert len(answered) == 2
    assert graded.earned == pytest.approx(sum(r.earned for r in answered))
    page = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Submitted when the time ran out" in page


def test_blueprint_row_points_scale_the_item(client, auth, db_session):
    auth.login()
    attempt_id = start_attempt(client, "getimed")
    _answer_everything(client, attempt_id)
    client.post(f"/attempts/{attempt_id}/submit")
    attempt = db_session.get(Attempt, attempt_id)
    assert attempt.possible == pytest.approx(1 + 1 + 3)
    assert attempt.earned == pytest.approx(5) and attempt.passed


def test_attempt_limit_is_enforced(client, auth):
    auth.login()
    for _ in range(2):
        attempt_id = start_attempt(client, "getimed")
        client.post(f"/attempts/{attempt_id}/submit")
    refused = client.post("/assessments/getimed/start", follow_redirects=True)
    assert "You have used all 2 attempts" in refused.get_data(as_text=True)


def test_a_failed_outcome_fails_the_attempt_despite_the_total(client, auth, db_session):
    auth.login()
    attempt_id = start_attempt(client, "getimed")
    data = _answer_everything(client, attempt_id)
    # Undo the answer on the 30b item: 2 of 5 points, 40 %, and 30b at 0 %.
    position = next(i["position"] for i in data["items"] if "ESQF-E-30b" in i["outcomes"])
    put_answer(client, attempt_id, position, {"choices": []})
    client.post(f"/attempts/{attempt_id}/submit")
    attempt = db_session.get(Attempt, attempt_id)
    assert attempt.passed is False
    page = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Below the mark on" in page and "ESQF-E-30b" in page


def test_feedback_after_close_hides_the_review(client, auth):
    auth.login()
    attempt_id = start_attempt(client, "na-sluiting")
    _answer_everything(client, attempt_id)
    client.post(f"/attempts/{attempt_id}/submit")
    page = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "shown after the assessment closes" in page
    assert "is-correct" not in page and "option-feedback" not in page


def test_immediate_feedback_checks_one_answer_and_locks_it(client, auth):
    auth.login()
    attempt_id = start_attempt(client, "direct")
    data = client.get(f"/api/attempts/{attempt_id}").get_json()
    option = data["items"][0]["view"]["options"][0]["id"]
    page = client.post(f"/attempts/{attempt_id}/save", data={
        "action": "check-0", "item-0": option, "item-0.seq": "0"}, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "correct answer" in html  # the review of the checked item, with its key
    assert html.count("Check this answer") == 1  # only the unchecked item still offers it
    again = put_answer(client, attempt_id, 0, {"choices": []})
    assert again.status_code == 409 and "checked" in again.get_json()["error"]


def test_review_page_lists_unanswered_questions(client, auth):
    auth.login()
    attempt_id = start_attempt(client, "direct")
    page = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "0 of 2 questions answered" in page and "Submit for grading" in page


def test_close_expired_command(domain_app, client, auth, db_session):
    auth.login()
    attempt_id = start_attempt(client, "getimed")
    attempt = db_session.get(Attempt, attempt_id)
    attempt.deadline = utcnow() - timedelta(minutes=5)
    db_session.commit()
    result = domain_app.test_cli_runner().invoke(args=["attempts", "close-expired"])
    assert "Submitted 1 expired attempt(s)." in result.output
    db_session.expire_all()
    assert db_session.get(Attempt, attempt_id).status == "graded"
