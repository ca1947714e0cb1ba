"""In Chromium: a learner logs in, takes the demo assessment, reloads mid-way and finds the
saved answers, submits, downloads the certificate and opens its public verify page."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tests.helpers import DEMO_MODULE, by_stem, log_in_page, page_stem, start_button

pytestmark = pytest.mark.browser


def _answer(page, fieldset, item):
    correct = {o["text"] for o in item["payload"]["options"] if o["correct"]}
    for label in correct:
        fieldset.get_by_label(label, exact=True).check()


def test_learner_passes_and_verifies_the_certificate(live_server, page, auth, tmp_path):
    base = live_server
    user = auth.create(name="Łucja Ørsted-Müller")
    log_in_page(page, base, user)
    page.get_by_role("link", name="Het persoonlijk onderhoud: basis").click()
    page.wait_for_url(f"{base}/modules/{DEMO_MODULE}")
    start_button(page).click()
    page.wait_for_url(re.compile(r".*/attempts/\d+$"))

    items = by_stem(key=page_stem)
    fieldsets = page.locator("fieldset.item")
    assert fieldsets.count() == 16

    def item_of(fieldset):
        stem = page_stem(fieldset.locator(".stem").inner_text())
        return items[stem]

    for index in range(6):  # answer half, let autosave store them
        _answer(page, fieldsets.nth(index), item_of(fieldsets.nth(index)))
    page.get_by_text("All answers saved").wait_for()

    page.reload()  # as if the tab was closed and opened again
    checked = page.locator("fieldset.item input:checked")
    assert checked.count() >= 6

    for index in range(6, 16):
        _answer(page, fieldsets.nth(index), item_of(fieldsets.nth(index)))
    page.get_by_text("All answers saved").wait_for()
    page.get_by_role("button", name="Review and submit").click()
    page.wait_for_url(re.compile(r".*/review$"))
    page.get_by_role("button", name="Submit for grading").click()
    page.wait_for_url(re.compile(r".*/attempts/\d+/result$"))
    assert page.get_by_text("Passed", exact=True).is_visible()
    assert page.locator("table.outcomes tbody tr").count() >= 5

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    pdf_path = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf_path)
    text = re.sub(r"\s+", " ", "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages))
    assert user["name"] in text

    public_id = re.search(r"OE-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", text).group(0)
    page.get_by_role("button", name="Log out").click()
    page.goto(f"{base}/verify/{public_id}")
    assert page.locator(".verdict").get_attribute("data-status") == "valid"
    assert page.get_by_text(user["name"]).first.is_visible()
    page.screenshot(path=str(tmp_path / "verify.png"), full_page=True)
