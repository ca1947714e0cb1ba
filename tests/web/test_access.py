"""Roles, anonymous users and CSRF: clear pages, never a stack trace."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("path", ["/", "/modules/persoonlijk-onderhoud", "/author/items",
                                  "/accreditation/certificates"])
def test_anonymous_user_is_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_json_api_answers_401_with_the_way_to_log_in(client):
    """An autosave must not mistake the login page for a saved answer."""
    response = client.get("/api/attempts/1")
    assert response.status_code == 401
    assert response.get_json()["login"] == "/login"


@pytest.mark.parametrize(("role", "path"), [("learner", "/author/items"),
                                            ("learner", "/accreditation/certificates"),
                                            ("trainer", "/accreditation/certificates"),
                                            ("officer", "/author/items")])
def test_wrong_role_gets_a_403_page(client, auth, role, path):
    auth.login(role)
    response = client.get(path)
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "Not allowed" in html and "Traceback" not in html


@pytest.mark.parametrize(("role", "path", "text"), [
    ("trainer", "/author/items?text=po-basis", "po-basis-001"),
    ("officer", "/accreditation/certificates", "Certificates issued"),
    ("admin", "/author/items?outcome=ESQF-E-18e", "po-basis-001"),
])
def test_right_role_sees_the_page(client, auth, role, path, text):
    auth.login(role)
    response = client.get(path)
    assert response.status_code == 200
    assert text in response.get_data(as_text=True)


def test_wrong_password_is_refused(client, auth):
    user = auth.create()
    response = client.post("/login", data={"email": user["email"], "password": "wrong-one"})
    assert response.status_code == 400
    assert "Unknown email or wrong password" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_login_redirects_only_to_local_pages(client, auth):
    user = auth.create()
    response = client.post("/login?next=https://evil.example/", data={
        "email": user["email"], "password": user["password"]})
    assert response.headers["Location"] == "/"


def test_passwords_are_stored_as_argon2(app, auth):
    from engine.models import User

    user = auth.create()
    with app.app_context():
        stored = app.extensions["oe_db"].session().get(User, user["id"]).password_hash
    assert stored.startswith("$argon2id$") and user["password"] not in stored


def test_forms_without_csrf_token_are_refused(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": "x@example.org", "password": "whatever"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    api = client.put("/api/attempts/1/answers/0", json={"choices": []})
    assert api.status_code == 400


def test_unknown_page_is_a_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


def test_certificate_of_another_learner_is_forbidden(client, auth):
    from tests.helpers import answer_all, start_attempt

    auth.login()
    attempt_id = start_attempt(client)
    answer_all(client, attempt_id)
    client.post(f"/attempts/{attempt_id}/save", data={"action": "submit"})
    html = client.get("/").get_data(as_text=True)
    public_id = re.search(r"(OE-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", html).group(1)
    client.post("/logout")
    auth.login()
    assert client.get(f"/certificates/{public_id}.pdf").status_code == 403
    client.post("/logout")
    auth.login("officer")
    assert client.get(f"/certificates/{public_id}.pdf").status_code == 200
    assert client.get(f"/certificates/{public_id}.docx").status_code == 404
