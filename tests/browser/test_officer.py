"""In Chromium: an officer defines a scheme, sees who is eligible with the evidence,
bulk-issues with progress, downloads a PDF and a credential, revokes one, and the public
verify page shows it revoked with the reason."""

from __future__ import annotations

import re

import pytest

from engine.services import credentials
from tests.conftest import Auth, make_app, prepare_database, serving
from tests.helpers import DEMO_ASSESSMENT, answer_all, start_attempt

pytestmark = pytest.mark.browser


@pytest.fixture
def cert_app(tmp_path):
    url = "sqlite:///" + str(tmp_path / "officer.sqlite3")
    prepare_database(url)
    app = make_app(url, KEYS_PATH=str(tmp_path / "keys"))
    yield app
    app.extensions["oe_db"].engine.dispose()


def _learner_passes(app, name, correct=True):
    client = app.test_client()
    user = Auth(app, client).login(name=name, organisation="Opvang Oost")
    attempt_id = start_attempt(client, DEMO_ASSESSMENT)
    answer_all(client, attempt_id, correct=correct)
    client.post(f"/attempts/{attempt_id}/submit")
    return user


def test_officer_issues_in_bulk_and_revokes(cert_app, browser, tmp_path):
    passed = [_learner_passes(cert_app, n) for n in ("Aïcha Benali", "Jan Peeters")]
    _learner_passes(cert_app, "Kees Nog Niet", correct=False)
    officer = Auth(cert_app, cert_app.test_client()).create("officer")
    context = browser.new_context(accept_downloads=True, locale="en-GB")
    page = context.new_page()
    with serving(cert_app) as base:
        page.goto(f"{base}/login")
        page.get_by_label("Email").fill(officer["email"])
        page.get_by_label("Password").fill(officer["password"])
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("link", name="Certificates issued").click()
        page.get_by_role("link", name="Certification schemes").click()
        page.get_by_role("link", name="New scheme").click()
        page.get_by_label("Id (lowercase letters, digits and -)").fill("interviewer-basis")
        page.get_by_label("Title", exact=True).fill("Interviewer basis (gecertificeerd)")
        page.get_by_label("Certified outcomes (codes, separated by spaces)").fill(
            "ESQF-E-18e ESQF-E-18f")
        page.get_by_label("Toets: het persoonlijk onderhoud (basis)").check()
        page.get_by_label("An officer signs off each certificate").check()
        page.get_by_role("button", name="Save the scheme").click()

        page.wait_for_url(re.compile(r".*/eligibility$"))
        assert page.get_by_text("2 of 3 learners meet every requirement.").is_visible()
        assert page.get_by_text("not passed yet").is_visible()
        assert page.locator("text=passed on").count() == 2
        page.get_by_label("I have checked the evidence and sign off these certificates.").check()
        page.get_by_role("button", name="Issue to everyone eligible").click()
        page.wait_for_url(re.compile(r".*/batches/\d+$"))
        assert page.locator("#batch-progress").get_attribute("value") == "2"
        assert "done" in page.locator("#batch-status").inner_text()
        links = page.locator("a[href^='/accreditation/certificates/OE-']")
        assert links.count() == 2

        links.first.click()
        with page.expect_download() as pdf:
            page.get_by_role("link", name="PDF").click()
        pdf_path = tmp_path / "certificate.pdf"
        pdf.value.save_as(pdf_path)
        assert credentials.credential_from_pdf(pdf_path.read_bytes())
        with page.expect_download() as badge:
            page.get_by_role("link", name="Open Badges credential").click()
        token = (badge.value.path()).read_text().strip()
        assert token.count(".") == 2
        public_id = re.search(r"OE-[0-9A-Z-]+", page.url).group(0)

        page.get_by_label("Reason the public sees").select_option("improperly_obtained")
        page.get_by_label("Internal note (not public)").fill("Identiteitsfraude vastgesteld")
        page.once("dialog", lambda dialog: dialog.accept())  # "Revoke this certificate?"
        page.get_by_role("button", name="Revoke this certificate").click()
        assert page.locator(".verdict").get_attribute("data-status") == "revoked"

        page.get_by_role("button", name="Log out").click()
        page.goto(f"{base}/verify/{public_id}")
        assert page.locator(".verdict").get_attribute("data-status") == "revoked"
        assert page.get_by_text("obtained improperly").first.is_visible()
        assert page.get_by_text("Identiteitsfraude vastgesteld").count() == 0
        # The downloaded PDF, uploaded to the public page, is signed and now revoked.
        page.get_by_label("Certificate file").set_input_files(str(pdf_path))
        page.get_by_role("button", name="Check the file").click()
        assert page.locator(".verdict").get_attribute("data-verdict") == "revoked"
        assert page.get_by_text("obtained improperly").first.is_visible()
    assert {p["name"] for p in passed} == {"Aïcha Benali", "Jan Peeters"}
    context.close()
