"""Human grading: a dilemma's justification waits in the queue, a trainer grades it blind
with the rubric, and the learner then sees the final result and the comment."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Auth
from tests.helpers import put_answer, start_attempt


@pytest.fixture
def client(domain_app):
    return domain_app.test_client()


@pytest.fixture
def auth(domain_app, client):
    return Auth(domain_app, client)


def _positions(client, attempt_id):
    data = client.get(f"/api/attempts/{attempt_id}").get_json()
    return {item["type"]: item["position"] for item in data["items"]}


def _views(client, attempt_id):
    data = client.get(f"/api/attempts/{attempt_id}").get_json()
    return {item["type"]: item["view"] for item in data["items"]}


def _token(options, text_start, field="text"):
    """The page's token of the option (source, statement...) whose text starts so."""
    return next(o["id"] for o in options if o[field].startswith(text_start))


def _answer_domain_items(client, attempt_id, justification="De minderjarige gaat voor."):
    pos, views = _positions(client, attempt_id), _views(client, attempt_id)

    def put(url, json):
        position = int(url.rsplit("/", 1)[1])
        return put_answer(client, attempt_id, position, json)

    option = _token(views["ethics_dilemma"]["options"], "U meldt")
    assert put(f"/api/attempts/{attempt_id}/answers/{pos['ethics_dilemma']}",
               json={"option": option, "justification": justification}).status_code == 200
    coi = views["coi_exercise"]
    report = _token(coi["sources"], "Veiligheidsrapport", "title")
    fire, soldiers = (_token(coi["statements"], text) for text in ("De markt", "De brand"))
    assert put(f"/api/attempts/{attempt_id}/answers/{pos['coi_exercise']}",
               json={"sources": [report], "statements": {
                   fire: {"verdict": "corroborated", "source": report},
                   soldiers: {"verdict": "not_addressed"}}}).status_code == 200
    path = []
    for start in ("U stelt iedereen", "U legt uit"):  # a scenario grows one step at a time
        view = _views(client, attempt_id)["interview_scenario"]
        path.append(_token(view["current"]["choices"], start))
        assert put(f"/api/attempts/{attempt_id}/answers/{pos['interview_scenario']}",
                   json={"path": path}).status_code == 200
    return pos


def test_dilemma_is_graded_in_the_queue_and_the_learner_sees_the_final_result(
        domain_app, client, auth):
    learner = auth.login(name="Amira Haddad")
    attempt_id = start_attempt(client, "domein-toets")
    _answer_domain_items(client, attempt_id)
    client.post(f"/attempts/{attempt_id}/save", data={"action": "submit"})
    result = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Provisional result" in result and "awaiting grading" in result
    assert "/verify/OE-" not in result

    client.post("/logout")
    auth.login("trainer")
    queue = client.get("/grading/").get_data(as_text=True)
    assert "Testdilemma: een incident melden" in queue
    assert learner["name"] not in queue  # blind grading
    response_id = int(re.search(r"/grading/(\d+)", queue).group(1))
    page = client.get(f"/grading/{response_id}").get_data(as_text=True)
    assert "De minderjarige gaat voor." in page and learner["name"] not in page
    assert "Juridisch en deontologisch kader" in page

    incomplete = client.post(f"/grading/{response_id}", data={"criterion-belang": "2"})
    assert incomplete.status_code == 400
    assert "Choose a level for every criterion" in incomplete.get_data(as_text=True)

    done = client.post(f"/grading/{response_id}", data={
        "criterion-belang": "2", "criterion-kader": "1", "comment": "Sterk onderbouwd."})
    assert done.status_code == 302
    assert "Testdilemma" not in client.get("/grading/").get_data(as_text=True)
    again = client.post(f"/grading/{response_id}", data={
        "criterion-belang": "0", "criterion-kader": "0"})
    assert again.status_code == 400 and "graded already" in again.get_data(as_text=True)

    client.post("/logout")
    client.post("/login", data={"email": learner["email"], "password": learner["password"]})
    final = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Provisional result" not in final
    assert "Passed" in final
    assert "Sterk onderbouwd." in final and "Trainer's assessment" in final
    # 10 (scenario) + 4 (COI machine part) + 4 + 3 (dilemma) of 10 + 8 + 8
    assert "21.0</strong> / 26" in final
    assert re.search(r"/verify/OE-[0-9A-Z-]+", final)


def test_empty_justification_needs_no_grader(client, auth):
    auth.login()
    attempt_id = start_attempt(client, "domein-toets")
    _answer_domain_items(client, attempt_id, justification="")
    client.post(f"/attempts/{attempt_id}/save", data={"action": "submit"})
    result = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Provisional result" not in result


def test_learners_cannot_reach_the_queue(client, auth):
    auth.login()
    assert client.get("/grading/").status_code == 403


def test_scenario_step_cannot_be_taken_back(client, auth):
    auth.login()
    attempt_id = start_attempt(client, "domein-toets")
    pos = _positions(client, attempt_id)["interview_scenario"]
    choices = _views(client, attempt_id)["interview_scenario"]["current"]["choices"]
    good, other = _token(choices, "U stelt iedereen"), _token(choices, "U vraagt")
    assert put_answer(client, attempt_id, pos, {"path": [good]}).status_code == 200
    back = put_answer(client, attempt_id, pos, {"path": [other]})
    assert back.status_code == 422 and "cannot be changed" in back.get_json()["error"]
    view = client.get(f"/api/attempts/{attempt_id}").get_json()["items"][pos]["view"]
    assert view["path"] == [good] and "weight" not in str(view)
    # The author's ids never reach the page.
    shown = set(view["path"]) | {c["id"] for c in view["current"]["choices"]}
    assert not shown & {"c1", "c2", "c3", "c4", "c5", "c6"}
