"""Certification by officers: schemes, eligibility with evidence, bulk issuing that survives
an interruption, revocation, renewal, reminders, and a tamper-evident audit log."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from engine.models import Attempt, AuditEntry, Certificate, IssueBatch, Scheme, User, utcnow
from engine.services import audit, batches, certification
from tests.conftest import Auth
from tests.helpers import DEMO_ASSESSMENT, answer_all, start_attempt

SCHEME = "po-basis-certificaat"


@pytest.fixture
def app(own_app):
    """A database of its own: these tests change schemes and issue in bulk."""
    return own_app


@pytest.fixture
def session(db_session):
    return db_session


def _pass_demo(app, auth, organisation="Opvang West", correct=True):
    client = app.test_client()
    user = Auth(app, client).login(organisation=organisation)
    attempt_id = start_attempt(client, DEMO_ASSESSMENT)
    answer_all(client, attempt_id, correct=correct)
    client.post(f"/attempts/{attempt_id}/submit")
    return user


def _officer_scheme(client, auth, sign_off=True):
    """An officer's own scheme on the demo assessment, with a sign-off."""
    auth.login("officer")
    data = {"id": "po-gecertificeerd", "title": "Gecertificeerd interviewer (basis)",
            "eqf_level": "6", "outcomes": "ESQF-E-18e ESQF-E-18f",
            "assessments": DEMO_ASSESSMENT, "validity_months": "24",
            "renewal_window": "90", "renewal_rule": "reassess"}
    if sign_off:
        data["sign_off"] = "on"
    response = client.post("/accreditation/schemes/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)


def test_scheme_form_refuses_unknown_outcomes(client, auth):
    auth.login("officer")
    response = client.post("/accreditation/schemes/new", data={
        "id": "fout", "title": "Fout", "eqf_level": "6", "outcomes": "ESQF-E-99z",
        "assessments": DEMO_ASSESSMENT})
    assert response.status_code == 400
    assert "ESQF-E-99z is not a non-empty educational outcome" in response.get_data(as_text=True)


def test_eligibility_shows_evidence_and_what_is_missing(app, client, auth):
    passed = _pass_demo(app, auth)
    failed = _pass_demo(app, auth, correct=False)
    _officer_scheme(client, auth)
    html = client.get("/accreditation/schemes/po-gecertificeerd/eligibility").get_data(
        as_text=True)
    assert "1 of 2 learners meet every requirement." in html
    assert passed["name"] in html and failed["name"] in html
    assert "passed on" in html and "not passed yet" in html


def test_bulk_issue_with_sign_off_and_progress(app, client, auth, session):
    learners = [_pass_demo(app, auth) for _ in range(3)]
    _pass_demo(app, auth, correct=False)
    _officer_scheme(client, auth)
    url = "/accreditation/schemes/po-gecertificeerd/eligibility"
    refused = client.post(url, data={"scope": "all"}, follow_redirects=True)
    assert "needs your sign-off" in refused.get_data(as_text=True)
    response = client.post(url, data={"scope": "all", "sign_off": "on"})
    assert response.status_code == 302 and "/accreditation/batches/" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "done" in page and page.count('href="/accreditation/certificates/OE-') == 3
    scheme = session.scalar(select(Scheme).where(Scheme.uid == "po-gecertificeerd"))
    certs = session.scalars(select(Certificate).where(Certificate.scheme_id == scheme.id)).all()
    assert sorted(c.user.email for c in certs) == sorted(u["email"] for u in learners)
    assert all(c.evidence["sign_off"] for c in certs)


def test_an_interrupted_batch_resumes_without_issuing_twice(app, client, auth, session):
    learners = [_pass_demo(app, auth) for _ in range(5)]
    _officer_scheme(client, auth, sign_off=False)
    officer = session.scalar(select(User).where(User.role == "officer"))
    scheme = session.scalar(select(Scheme).where(Scheme.uid == "po-gecertificeerd"))
    batch = batches.create_batch(session, scheme, officer)
    assert len(batch.user_ids) == 5
    batches.run_batch(session, batch.id, stop_after=2)  # the worker dies part-way
    assert session.get(IssueBatch, batch.id).status == "running"
    assert session.query(Certificate).filter_by(batch_id=batch.id).count() == 2
    batches.run_batch(session, batch.id)  # restarted
    batches.run_batch(session, batch.id)  # and once more, harmlessly
    done = session.get(IssueBatch, batch.id)
    assert done.status == "done" and done.issued == 5 and done.skipped == 0
    for learner in learners:
        held = session.scalars(select(Certificate).where(
            Certificate.scheme_id == scheme.id,
            Certificate.user_id == learner["id"])).all()
        assert len(held) == 1
    # A second batch for the same learners issues nobody twice either.
    again = batches.run_batch(session, batches.create_batch(
        session, scheme, officer, [u["id"] for u in learners]).id)
    assert again.issued == 0 and again.skipped == 5


def test_revocation_shows_on_the_verify_page_with_the_reason(app, client, auth, session):
    _pass_demo(app, auth)
    cert = session.scalar(select(Certificate))
    auth.login("officer")
    client.post(f"/accreditation/certificates/{cert.public_id}",
                data={"action": "revoke", "reason": "Fraude bij de toets vastgesteld",
                      "public_reason": "improperly_obtained"})
    officer_page = client.get(f"/accreditation/certificates/{cert.public_id}")
    assert "Fraude bij de toets vastgesteld" in officer_page.get_data(as_text=True)
    client.post("/logout")
    page = client.get(f"/verify/{cert.public_id}").get_data(as_text=True)
    assert "Revoked" in page and "obtained improperly" in page
    assert "Fraude" not in page  # the officer's note stays internal
    data = client.get(f"/verify/{cert.public_id}.json").get_json()
    assert data["status"] == "revoked" and data["revoke_reason"] == "improperly_obtained"
    assert "Fraude" not in json.dumps(data)


def test_renewal_needs_new_evidence_and_links_the_certificates(app, client, auth, session):
    learner = _pass_demo(app, auth)
    cert = session.scalar(select(Certificate))
    cert.expires_at = utcnow() + timedelta(days=10)  # inside the renewal window
    session.commit()
    officer = Auth(app, app.test_client()).create("officer")
    officer_user = session.get(User, officer["id"])
    with pytest.raises(certification.CertificationError, match="does not meet"):
        certification.renew(session, cert, officer_user)  # nothing new since it was issued
    # The next attempt is possible a day after the last one (the demo's cooling-off period).
    session.execute(update(Attempt).values(submitted_at=utcnow() - timedelta(hours=25)))
    session.commit()
    client2 = app.test_client()
    client2.post("/login", data={"email": learner["email"], "password": learner["password"]})
    attempt_id = start_attempt(client2, DEMO_ASSESSMENT)
    answer_all(client2, attempt_id)
    client2.post(f"/attempts/{attempt_id}/submit")
    renewed = certification.renew(session, cert, officer_user)
    assert renewed.renewed_from_id == cert.id and renewed.public_id != cert.public_id
    assert [c.public_id for c in certification.expiring(session, 30)] == [cert.public_id]


def test_audit_check_detects_a_changed_or_removed_entry(app, client, auth, session, runner):
    for _ in range(3):
        _pass_demo(app, auth)
    assert audit.check(session) == []
    result = app.test_cli_runner().invoke(args=["audit", "check"])
    assert result.exit_code == 0 and "intact" in result.output
    everything = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    entries = [e for e in everything if e.action == "issue"]
    assert len(entries) == 3 and {e.action for e in everything} == {"issue", "login"}
    with app.extensions["oe_db"].engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET reason = 'vervalst' WHERE id = :id"),
                     {"id": entries[1].id})
    result = app.test_cli_runner().invoke(args=["audit", "check"])
    assert result.exit_code == 1 and f"entry {entries[1].id}" in result.output
    with app.extensions["oe_db"].engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET reason = '' WHERE id = :id"),
                     {"id": entries[1].id})
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": entries[1].id})
    problems = app.test_cli_runner().invoke(args=["audit", "check"]).output
    assert "removed or changed" in problems
