"""Personal data: a learner takes away everything stored about them; an administrator
erases a person and the register keeps verifying; revoked means revoked everywhere."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import Attempt, AuditEntry, Certificate, User
from engine.services import certification
from tests.conftest import Auth
from tests.helpers import answer_all, start_attempt


def _pass_demo(client):
    attempt_id = start_attempt(client)
    answer_all(client, attempt_id)
    client.post(f"/attempts/{attempt_id}/submit")
    return attempt_id


def test_a_learner_downloads_everything_stored_about_them(client, auth, db_session):
    user = auth.login(name="Noor Haddad")
    _pass_demo(client)
    page = client.get("/account/data").get_data(as_text=True)
    assert "Noor Haddad" in page and "po-basis-toets" in page
    assert client.get("/account/data.json").status_code == 405  # not from a link
    response = client.post("/account/data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["account"]["email"] == user["email"]
    assert "password_hash" not in str(data) and "$argon2" not in str(data)
    attempt = data["attempts"][0]
    assert attempt["assessment"] == "po-basis-toets" and attempt["per_outcome"]
    # The certification test releases no answers: no per-question score in the export.
    assert attempt["answers_released"] is False
    assert all("earned" not in a for a in attempt["answers"])
    # ... and its answers in the page's tokens, not in the author's ids.
    choices = [c for a in attempt["answers"] if isinstance(a["answer"], dict)
               for c in a["answer"].get("choices", [])]
    assert choices and all(c.startswith("t") and len(c) == 25 for c in choices)
    assert data["certificates"] and data["sessions"]
    assert any(e["action"] == "login" for e in data["audit_entries"])
    exported = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
    assert exported is not None and exported.subject == user["email"]


def test_an_administrator_erases_a_person_and_the_register_keeps_verifying(app, client,
                                                                          auth, db_session):
    learner = auth.login(name="Zeynep Kaya")
    attempt_id = _pass_demo(client)
    public_id = db_session.scalar(select(Certificate.public_id))
    client.post("/logout")
    auth.login("admin")
    found = client.get("/admin/people?q=zeynep").get_data(as_text=True)
    assert "Zeynep Kaya" in found
    wrong = client.post(f"/admin/people/{learner['id']}", data={
        "action": "erase", "confirm_email": "someone@else.org"}, follow_redirects=True)
    assert "Type the person's email address" in wrong.get_data(as_text=True)
    client.post(f"/admin/people/{learner['id']}", data={
        "action": "erase", "confirm_email": learner["email"]})
    db_session.expire_all()
    person = db_session.get(User, learner["id"])
    assert person.erased_at is not None and "Zeynep" not in person.name
    assert learner["email"] not in person.email and not person.active
    # The attempt stays, for item statistics, without identity.
    assert db_session.get(Attempt, attempt_id).user_id == person.id
    # The register still knows the certificate, without the name.
    client.post("/logout")
    page = client.get(f"/verify/{public_id}").get_data(as_text=True)
    assert 'data-verdict="genuine"' in page and "erased at the holder" in page
    assert "Zeynep" not in page
    # The erased person cannot log in.
    again = app.test_client()
    response = again.post("/login", data={"email": learner["email"],
                                          "password": learner["password"]})
    assert response.status_code == 400
    assert db_session.scalar(select(AuditEntry).where(AuditEntry.action == "erasure"))


def test_revoked_means_revoked_everywhere(app, client, auth, db_session):
    learner = auth.login()
    _pass_demo(client)
    cert = db_session.scalar(select(Certificate))
    officer = db_session.get(User, Auth(app, app.test_client()).create("officer")["id"])
    certification.revoke(db_session, cert, officer, "Identiteitsfraude",
                         public_reason="improperly_obtained")
    home = client.get("/").get_data(as_text=True)
    assert 'data-certificate-status="revoked"' in home and "obtained improperly" in home
    assert f"/certificates/{cert.public_id}.pdf" not in home
    assert "Identiteitsfraude" not in home
    refused = client.get(f"/certificates/{cert.public_id}.pdf")
    assert refused.status_code == 410 and "revoked" in refused.get_data(as_text=True)
    assert client.get(f"/certificates/{cert.public_id}.jwt").status_code == 410
    # The officer can still fetch it: stamped as revoked.
    officer_client = app.test_client()
    Auth(app, officer_client).login("officer")
    stamped = officer_client.get(f"/certificates/{cert.public_id}.pdf")
    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(BytesIO(stamped.data)).pages)
    assert "REVOKED" in text
    del learner


def test_security_events_can_be_filtered(client, auth):
    learner = auth.create()
    client.post("/login", data={"email": learner["email"], "password": "wrong wrong wrong"})
    auth.login("officer")
    page = client.get(f"/accreditation/audit?kind=security&who={learner['email']}")
    html = page.get_data(as_text=True)
    assert "login-failed" in html and learner["email"] in html
    only = client.get("/accreditation/audit?action=login").get_data(as_text=True)
    assert "login-failed</td>" not in only


def test_an_administrator_logs_a_person_out_everywhere_and_changes_roles(app, client, auth,
                                                                       db_session):
    learner = auth.create()
    other = app.test_client()
    other.post("/login", data={"email": learner["email"], "password": learner["password"]})
    assert other.get("/").status_code == 200
    auth.login("admin")
    client.post(f"/admin/people/{learner['id']}", data={"action": "logout-everywhere"})
    assert other.get("/").status_code == 302
    client.post(f"/admin/people/{learner['id']}", data={"action": "role", "role": "trainer"})
    db_session.expire_all()
    assert db_session.get(User, learner["id"]).role == "trainer"
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "role-change"))
    assert entry.data == {"from": "learner", "to": "trainer"}
    learner_client = app.test_client()
    Auth(app, learner_client).login()
    assert learner_client.get("/admin/people").status_code == 403
