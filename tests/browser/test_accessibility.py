"""axe-core finds no serious or critical violation on the learner's pages, and the attempt
can be taken with the keyboard alone."""

from __future__ import annotations

import re

import pytest

from tests.helpers import DEMO_MODULE, answer_all, log_in_page, start_attempt, start_button

pytestmark = pytest.mark.browser


def test_learner_pages_pass_axe(live_server, page, auth, axe, client):
    base = live_server
    page.goto(f"{base}/login")
    axe(page, "login")
    page.goto(f"{base}/frameworks/ESQF?band=6")
    axe(page, "framework")
    user = auth.create()
    # Evidence for the dashboard, through the API (as the page's autosave would).
    client.post("/login", data={"email": user["email"], "password": user["password"]})
    attempt_id = start_attempt(client)
    answer_all(client, attempt_id)
    client.post(f"/attempts/{attempt_id}/submit")

    log_in_page(page, base, user)
    axe(page, "home")
    page.goto(f"{base}/modules/{DEMO_MODULE}")
    axe(page, "module")
    page.locator("main ol a").first.click()
    axe(page, "lesson")
    page.goto(f"{base}/modules/{DEMO_MODULE}")
    # The certification test waits a day after an attempt: the practice test is open.
    start_button(page, "Oefentoets: het persoonlijk onderhoud").click()
    page.wait_for_url(re.compile(r".*/attempts/\d+$"))
    axe(page, "attempt")
    page.get_by_role("button", name="Review and submit").click()
    page.wait_for_url(re.compile(r".*/review$"))
    axe(page, "review")
    page.get_by_role("button", name="Submit for grading").click()
    page.wait_for_url(re.compile(r".*/result$"))
    axe(page, "result")
    page.goto(f"{base}/dashboard")
    axe(page, "dashboard")
    page.get_by_role("link", name=re.compile("Gesprekken, EQF 6")).click()
    axe(page, "dashboard cell")


def test_an_item_can_be_answered_with_the_keyboard(live_server, page, auth):
    base = live_server
    user = auth.create()
    log_in_page(page, base, user)
    page.goto(f"{base}/modules/{DEMO_MODULE}")
    start_button(page).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/attempts/\d+$"))
    first = page.locator("fieldset.item input[type=radio]").first
    first.focus()
    page.keyboard.press("Space")
    assert first.is_checked()
    page.get_by_text("All answers saved").wait_for()
    # Focus is visible: the outline style of the focused control is not "none".
    outline = first.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
