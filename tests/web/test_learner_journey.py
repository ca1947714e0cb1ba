"""The walking skeleton through the test client: take the demo assessment, see the result
per outcome, get a certificate, verify it publicly."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from engine.domain.tokens import FOREIGN_MESSAGE
from tests.helpers import DEMO_MODULE, answer_all, put_answer, start_attempt


def submit(client, attempt_id: int):
    return client.post(f"/attempts/{attempt_id}/save", data={"action": "submit"})


def test_home_lists_the_demo_module(client, auth):
    auth.login()
    html = client.get("/").get_data(as_text=True)
    assert "Het persoonlijk onderhoud: basis" in html


def test_lesson_is_rendered_from_markdown(client, auth):
    auth.login()
    html = client.get(f"/modules/{DEMO_MODULE}").get_data(as_text=True)
    lesson = re.search(rf'href="(/modules/{DEMO_MODULE}/lessons/[^"]+)"', html).group(1)
    page = client.get(lesson)
    assert page.status_code == 200
    assert "<h2>" in page.get_data(as_text=True) or "<p>" in page.get_data(as_text=True)


def test_pass_gives_result_per_outcome_and_a_verifiable_certificate(client, auth):
    user = auth.login(name="Zoë Ångström-Łukasiewicz")
    attempt_id = start_attempt(client)
    answer_all(client, attempt_id, correct=True)
    response = submit(client, attempt_id)
    assert response.status_code == 302
    html = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Passed" in html
    drawn = client.get(f"/api/attempts/{attempt_id}").get_json()["items"]
    codes = sorted({c for entry in drawn for c in entry["outcomes"]})
    for code in codes:
        assert code in html, f"no result for outcome {code}"
    public_id = re.search(r"/verify/(OE-[0-9A-Z-]+)", html).group(1)

    pdf = client.get(f"/certificates/{public_id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    text = "".join(p.extract_text() for p in reader.pages)
    fonts = [f["/BaseFont"] for page in reader.pages
             for f in page["/Resources"]["/Font"].values()]
    descriptors = [f.get_object().get("/FontDescriptor") for page in reader.pages
                   for f in page["/Resources"]["/Font"].values()]
    assert any("DejaVu" in str(name) for name in fonts), fonts
    assert any(d and "/FontFile2" in d.get_object() for d in descriptors), "font not embedded"
    flat = re.sub(r"\s+", " ", text)
    assert user["name"] in flat
    assert public_id in flat
    for code in codes:
        assert code in flat

    client.post("/logout")
    verify = client.get(f"/verify/{public_id}")
    assert verify.status_code == 200
    page = verify.get_data(as_text=True)
    assert user["name"] in page and "Valid" in page
    data = client.get(f"/verify/{public_id}.json").get_json()
    assert data["status"] == "valid" and data["holder"] == user["name"]
    assert {o["code"] for o in data["outcomes"]} == set(codes)


def test_fail_gives_no_certificate(client, auth):
    auth.login()
    attempt_id = start_attempt(client)
    answer_all(client, attempt_id, correct=False)
    submit(client, attempt_id)
    html = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Not passed" in html
    assert "/verify/OE-" not in html
    assert "You hold no certificates yet" in client.get("/").get_data(as_text=True)


def test_double_submit_grades_once(client, auth, db_session):
    from engine.models import Attempt, Certificate

    auth.login()
    attempt_id = start_attempt(client)
    answer_all(client, attempt_id, correct=True)
    submit(client, attempt_id)
    first = db_session.get(Attempt, attempt_id)
    graded_at, earned = first.submitted_at, first.earned
    # A second submit, even with other answers posted, changes nothing.
    again = client.post(f"/attempts/{attempt_id}/save",
                        data={"action": "submit", "item-0": "zz"})
    assert again.status_code == 302
    db_session.expire_all()
    second = db_session.get(Attempt, attempt_id)
    assert (second.submitted_at, second.earned) == (graded_at, earned)
    assert db_session.query(Certificate).filter_by(attempt_id=attempt_id).count() == 1
    late = put_answer(client, attempt_id, 0, {"choices": ["a"]})
    assert late.status_code == 409


def test_resumed_attempt_keeps_saved_answers(client, auth):
    auth.login()
    attempt_id = start_attempt(client)
    saved = answer_all(client, attempt_id, correct=True, limit=5)
    assert start_attempt(client) == attempt_id  # starting again resumes
    data = client.get(f"/api/attempts/{attempt_id}").get_json()
    answered = [i for i in data["items"] if i["answer"]]
    assert len(answered) == 5
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert html.count("checked") >= 5
    assert saved["items"][0]["title"] == data["items"][0]["title"]


def test_plain_form_saves_answers_without_javascript(client, auth):
    auth.login()
    attempt_id = start_attempt(client)
    data = client.get(f"/api/attempts/{attempt_id}").get_json()
    first = data["items"][0]
    option = first["view"]["options"][0]["id"]
    response = client.post(f"/attempts/{attempt_id}/save",
                           data={"action": "save", "item-0": option, "item-0.seq": "0",
                                 "item-99": "x"})
    assert response.status_code == 302
    again = client.get(f"/api/attempts/{attempt_id}").get_json()
    assert again["items"][0]["answer"] == {"choices": [option]}
    assert again["items"][0]["sequence"] == 1
    # Unticking everything and saving clears the answer: the question is unanswered again.
    client.post(f"/attempts/{attempt_id}/save", data={"action": "save", "item-0.seq": "1"})
    cleared = client.get(f"/api/attempts/{attempt_id}").get_json()
    assert cleared["items"][0]["answer"] is None and cleared["items"][0]["sequence"] == 2


def test_a_stale_window_cannot_overwrite_a_newer_answer(client, auth):
    auth.login()
    attempt_id = start_attempt(client)
    data = client.get(f"/api/attempts/{attempt_id}").get_json()
    first, second = (o["id"] for o in data["items"][0]["view"]["options"][:2])
    # Window A saves (sequence 0 -> 1); window B still shows sequence 0.
    saved = client.put(f"/api/attempts/{attempt_id}/answers/0",
                       json={"form": {"": [first], "seq": ["0"]}})
    assert saved.get_json()["sequence"] == 1
    stale = client.put(f"/api/attempts/{attempt_id}/answers/0",
                       json={"form": {"": [second], "seq": ["0"]}})
    assert stale.status_code == 409 and stale.get_json()["stale"] is True
    page = client.post(f"/attempts/{attempt_id}/save",
                       data={"action": "save", "item-0": second, "item-0.seq": "0"},
                       follow_redirects=True)
    assert "changed in another window" in page.get_data(as_text=True)
    after = client.get(f"/api/attempts/{attempt_id}").get_json()
    assert after["items"][0]["answer"] == {"choices": [first]}


def test_saving_to_a_submitted_attempt_says_it_is_closed(client, auth):
    auth.login()
    attempt_id = start_attempt(client)
    client.post(f"/attempts/{attempt_id}/save", data={"action": "submit"})
    page = client.post(f"/attempts/{attempt_id}/save", data={"action": "save",
                                                             "item-0": "a", "item-0.seq": "0"},
                       follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "answers can no longer change" in html and "Your answers are saved" not in html


def test_double_start_gives_one_open_attempt(client, auth, db_session):
    from engine.models import Attempt

    user = auth.login()
    first = start_attempt(client)
    assert start_attempt(client) == first
    assert db_session.query(Attempt).filter_by(user_id=user["id"],
                                               status="in_progress").count() == 1


def test_malformed_answer_is_refused_and_loses_nothing(client, auth):
    auth.login()
    attempt_id = start_attempt(client)
    answer_all(client, attempt_id, correct=True, limit=1)
    bad = put_answer(client, attempt_id, 0, {"choices": ["nope"]})
    assert bad.status_code == 422 and "did not offer" in bad.get_json()["error"]
    assert bad.get_json()["fields"] == {"response": FOREIGN_MESSAGE}
    assert "nope" not in bad.get_data(as_text=True)
    data = client.get(f"/api/attempts/{attempt_id}").get_json()
    assert data["items"][0]["answer"]["choices"] != ["nope"]
    assert put_answer(client, attempt_id, 99, {"choices": []}, seq=0).status_code == 404


def test_other_learners_attempt_is_not_found(client, auth):
    auth.login()
    attempt_id = start_attempt(client)
    client.post("/logout")
    auth.login()
    assert client.get(f"/attempts/{attempt_id}").status_code == 404
    assert client.get(f"/api/attempts/{attempt_id}").status_code == 404


def test_unknown_certificate_is_reported_unknown(client):
    response = client.get("/verify/OE-0000-0000-0000")
    assert response.status_code == 404
    assert "Unknown" in response.get_data(as_text=True)
    assert client.get("/verify/OE-0000-0000-0000.json").get_json() == {"status": "unknown"}
