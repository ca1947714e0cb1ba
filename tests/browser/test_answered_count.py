"""In Chromium: an emptied or skipped answer is no answer. A learner ticks a line of a
transcript and unticks it again, picks a match and puts it back on "choose", answers one
question; the navigator follows each save without a reload, and the review page, reached
through the form post of "Review and submit", counts one answered question."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Auth
from tests.helpers import log_in_page

pytestmark = pytest.mark.browser


def _nav(page, position: int):
    return page.locator(f"#nav-{position}")


def test_emptied_and_skipped_answers_count_as_unanswered(live_server, browser, app):
    user = Auth(app, app.test_client()).create()
    context = browser.new_context(locale="en-GB")  # the app's CSP applies, as for users
    page = context.new_page()
    blocked = []  # the pages must not need anything their Content-Security-Policy forbids
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    log_in_page(page, live_server, user)
    page.goto(f"{live_server}/modules/vraagtypen")
    page.get_by_role("button", name="Start the assessment").first.click()
    page.wait_for_url(re.compile(r".*/attempts/\d+$"))
    total = page.locator("fieldset.item").count()

    transcript = page.locator("fieldset.item[data-type='hotspot_text']").first
    position = int(transcript.get_attribute("data-position"))
    transcript.locator("input[type=checkbox]").first.check()
    page.get_by_text("All answers saved").wait_for()
    assert _nav(page, position).get_attribute("class") == "answered"
    transcript.locator("input[type=checkbox]").first.uncheck()
    page.locator(f"#nav-{position}.open").wait_for()
    assert "not answered yet" in _nav(page, position).inner_text()

    matching = page.locator("fieldset.item[data-type='matching']").first
    match_at = int(matching.get_attribute("data-position"))
    select = matching.locator("select").first
    select.select_option(index=1)
    page.locator(f"#nav-{match_at}.answered").wait_for()
    select.select_option(index=0)  # back to "choose"
    page.locator(f"#nav-{match_at}.open").wait_for()

    claim = page.locator("fieldset.item[data-type='true_false']").first
    answered_at = int(claim.get_attribute("data-position"))
    claim.get_by_label("True", exact=True).check()
    page.locator(f"#nav-{answered_at}.answered").wait_for()

    page.get_by_role("button", name="Review and submit").click()
    page.wait_for_url(re.compile(r".*/review$"))
    assert page.get_by_text(f"1 of {total} questions answered.").is_visible()
    rows = page.locator("tbody tr")
    statuses = [rows.nth(i).locator("td").last.inner_text() for i in range(total)]
    assert statuses.count("answered") == 1 and statuses[answered_at] == "answered"
    assert statuses[position] == statuses[match_at] == "not answered yet"

    page.get_by_role("link", name="Back to the questions").click()  # after a reload, too
    assert _nav(page, position).get_attribute("class") == "open"
    assert _nav(page, answered_at).get_attribute("class") == "answered"
    assert not blocked, blocked
    context.close()
