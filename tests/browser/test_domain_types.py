"""In Chromium: a learner walks an interview scenario, reloads in the middle and resumes at
the same step, finishes it, answers the COI exercise and the dilemma, submits; a trainer
grades the justification; the learner sees the final result."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Auth
from tests.helpers import log_in_page

pytestmark = pytest.mark.browser


def _fieldset(page, kind):
    return page.locator(f"fieldset.item[data-type='{kind}']")


def test_scenario_resumes_after_reload_and_dilemma_is_graded(domain_server, page, domain_app):
    auth = Auth(domain_app, domain_app.test_client())
    learner = auth.create(name="Dariusz Wiśniewski")
    trainer = auth.create("trainer")
    log_in_page(page, domain_server, learner)
    page.goto(f"{domain_server}/modules/domein-test")
    page.get_by_role("button", name="Start the assessment").click()
    page.wait_for_url(re.compile(r".*/attempts/\d+$"))

    scenario = _fieldset(page, "interview_scenario")
    scenario.get_by_label("U stelt iedereen voor met zijn rol, zonder de naam van de tolk.").check()
    scenario.get_by_role("button", name="Confirm this choice").click()
    page.wait_for_url(re.compile(r".*/attempts/\d+#item-\d+$"))
    scenario = _fieldset(page, "interview_scenario")
    assert scenario.get_by_text("De advocaat onderbreekt uw eerste vraag.").is_visible()
    assert scenario.get_by_text("Step 2").is_visible()

    page.reload()  # a new tab or device resumes at the same step
    scenario = _fieldset(page, "interview_scenario")
    assert scenario.get_by_text("Step 2").is_visible()
    assert scenario.get_by_text("→ U stelt iedereen voor").is_visible()
    assert "De tolk aarzelt" not in scenario.inner_text()  # the unreached branch
    scenario.get_by_label("U legt uit dat de advocaat aan het einde het woord krijgt.").check()
    scenario.get_by_role("button", name="Confirm this choice").click()
    page.wait_for_url(re.compile(r".*#item-\d+$"))
    assert _fieldset(page, "interview_scenario").get_by_text(
        "You have reached the end of this scenario.").is_visible()

    coi = _fieldset(page, "coi_exercise")
    coi.get_by_label("Veiligheidsrapport Noord-Arland").check()
    statement = coi.locator("fieldset.coi-statement", has_text="De markt brandde af")
    statement.get_by_label("corroborated").check()
    statement.get_by_label("Supporting source").select_option(
        label="Veiligheidsrapport Noord-Arland")
    page.get_by_text("All answers saved").wait_for()

    dilemma = _fieldset(page, "ethics_dilemma")
    dilemma.get_by_label("U meldt het incident vandaag nog.").check()
    dilemma.get_by_label("Licht uw keuze toe.").fill(
        "De veiligheid van de minderjarige gaat voor; melden is een plicht.")
    page.get_by_text("All answers saved").wait_for()
    page.get_by_role("button", name="Review and submit").click()
    page.wait_for_url(re.compile(r".*/review$"))
    page.get_by_role("button", name="Submit for grading").click()
    page.wait_for_url(re.compile(r".*/result$"))
    assert page.get_by_text("Provisional result").is_visible()

    page.get_by_role("button", name="Log out").click()
    log_in_page(page, domain_server, trainer)
    page.get_by_role("link", name="Grading").first.click()
    page.get_by_role("link", name=re.compile("Grade")).first.click()
    page.get_by_label(re.compile("^Goed")).first.check()
    page.locator("fieldset.criterion").nth(1).get_by_label(re.compile("^Voldoende")).check()
    page.get_by_label("Comment for the learner").fill("Helder en concreet.")
    page.get_by_role("button", name="Save grades").click()
    page.get_by_text("Nothing to grade.").wait_for()

    page.get_by_role("button", name="Log out").click()
    log_in_page(page, domain_server, learner)
    page.goto(f"{domain_server}/modules/domein-test")
    page.get_by_role("link", name=re.compile(r"\d")).first.click()
    page.wait_for_url(re.compile(r".*/result$"))
    assert page.get_by_text("Passed", exact=True).is_visible()
    assert page.get_by_text("Helder en concreet.").is_visible()
