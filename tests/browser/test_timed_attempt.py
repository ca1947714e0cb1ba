"""In Chromium: a learner starts a timed assessment, answers half, closes the page, comes
back, finds every answer, finishes and submits; a second submit from another tab that was
still open does not change the result."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Auth
from tests.helpers import by_stem, page_stem

pytestmark = pytest.mark.browser


def _answer(fieldset, items):
    stem = page_stem(fieldset.locator(".stem").inner_text())
    item = items[stem]
    for option in item["payload"]["options"]:
        if option["correct"]:
            fieldset.get_by_label(option["text"], exact=True).check()


def test_timed_attempt_survives_a_closed_page_and_grades_once(domain_server, browser,
                                                              domain_app):
    user = Auth(domain_app, domain_app.test_client()).create()
    items = by_stem(key=page_stem)
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{domain_server}/login")
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill(user["password"])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{domain_server}/")
    page.goto(f"{domain_server}/modules/getimede-toets")
    assert page.get_by_text("Time limit: 20 minutes.").first.is_visible()
    page.get_by_role("button", name="Start the assessment").first.click()
    page.wait_for_url(re.compile(r".*/attempts/\d+$"))
    attempt_url = page.url
    assert page.locator("#timer").is_visible()
    fieldsets = page.locator("fieldset.item")
    total = fieldsets.count()
    half = total // 2
    for index in range(half + 1):
        _answer(fieldsets.nth(index), items)
    page.get_by_text("All answers saved").wait_for()
    page.close()  # the tab is closed

    page = context.new_page()  # the learner comes back
    page.goto(f"{domain_server}/modules/getimede-toets")
    page.get_by_role("button", name="Resume the assessment").click()
    page.wait_for_url(attempt_url)
    fieldsets = page.locator("fieldset.item")
    answered = sum(1 for i in range(total)
                   if fieldsets.nth(i).locator("input:checked").count() > 0)
    assert answered == half + 1
    for index in range(half + 1, total):
        _answer(fieldsets.nth(index), items)
    page.get_by_text("All answers saved").wait_for()
    page.get_by_role("button", name="Review and submit").click()
    page.wait_for_url(re.compile(r".*/review$"))
    assert page.get_by_text(f"{total} of {total} questions answered.").is_visible()

    other = context.new_page()  # a second tab on the same review page
    other.goto(page.url)
    page.get_by_role("button", name="Submit for grading").click()
    page.wait_for_url(re.compile(r".*/result$"))
    first = page.locator(".result .score").inner_text()
    assert "(100 %)" in first

    other.get_by_role("button", name="Submit for grading").click()
    other.wait_for_url(re.compile(r".*/result$"))
    assert other.get_by_text("already been submitted; its result is unchanged").is_visible()
    assert other.locator(".result .score").inner_text() == first
    context.close()
