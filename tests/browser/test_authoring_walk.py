"""In Chromium: a trainer writes a new ethics dilemma with a rubric, previews and answers it,
and submits it for review; a second trainer sends it back with a comment; the author fixes
it; the reviewer publishes it; an assessment's blueprint then draws it for a learner."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Auth, serving
from tests.helpers import log_in_page

pytestmark = pytest.mark.browser
OUTCOME = "ESQF-E-6e"  # no other ethics dilemma is tagged to it
TITLE = "Een late melding van spanningen"


def test_write_review_fix_publish_and_draw(own_app, browser, axe):
    # A database of its own: the test publishes an item and changes a blueprint.
    authoring_app = own_app
    auth = Auth(authoring_app, authoring_app.test_client())
    author = auth.create("trainer", name="Karim El Amrani")
    reviewer = auth.create("trainer", name="Joanna Nowak")
    learner = auth.create("learner", name="Sanne de Vries")
    with serving(authoring_app) as base:
        context = browser.new_context(locale="en-GB", bypass_csp=True)
        page = context.new_page()
        log_in_page(page, base, author)
        page.get_by_role("link", name="Item bank").click()
        page.get_by_role("link", name="New item").click()
        page.get_by_role("link", name=re.compile("Ethics dilemma")).click()

        page.get_by_label("Title", exact=True).fill(TITLE)
        page.get_by_label("Question (stem)").fill(
            "Een begeleider merkt pas na drie weken dat twee jongeren in de opvang elkaar "
            "bedreigen. De teamleider vraagt u het voorval in het teamoverleg te bespreken.")
        page.get_by_label("Search by code or words").fill(OUTCOME)
        page.locator(f"#o-{OUTCOME}").check()
        page.get_by_label("EQF level").select_option("6")
        axe(page, "the item editor")

        options = page.locator("fieldset[data-rows='payload.options']")
        texts = ["U bespreekt het voorval en zoekt met het team naar de oorzaak.",
                 "U noteert het voorval en sluit het dossier.",
                 "U wacht af of het opnieuw gebeurt."]
        options.get_by_role("button", name="Add an option").click()
        for index, (text, weight) in enumerate(zip(texts, ("100", "20", "0"), strict=True)):
            page.locator(f"#f-payload-options-{index}-text").fill(text)
            page.locator(f"#f-payload-options-{index}-weight").fill(weight)
        page.get_by_label("Prompt").fill("Licht uw keuze toe.")
        page.locator("#f-payload-justification-rubric-criteria-0-title").fill("Oorzaak")
        for index, (label, points) in enumerate((("Niet benoemd", "0"), ("Benoemd", "2"))):
            page.locator(f"#f-payload-justification-rubric-criteria-0-levels-{index}-label") \
                .fill(label)
            page.locator(f"#f-payload-justification-rubric-criteria-0-levels-{index}-points") \
                .fill(points)
        page.get_by_role("button", name="Save and preview").click()

        # The preview: the item as a learner sees it, answered and scored.
        page.wait_for_url(re.compile(r".*/preview\?version=1$"))
        assert "expert weight" not in page.content()
        page.get_by_label(texts[0]).check()
        page.get_by_label("Licht uw keuze toe.").fill("Spanningen vragen om een analyse.")
        page.get_by_role("button", name="Check my answer").click()
        assert re.search(r"Score:\s*4 / 6", page.locator("#preview-result h2").inner_text())
        page.get_by_label("Oorzaak").select_option(label="Benoemd (2)")
        page.get_by_role("button", name="Score with these levels").click()
        assert page.locator("#preview-result .figure").inner_text() == "6 / 6"
        uid = re.search(r"/author/items/([^/]+)/preview", page.url).group(1)

        page.goto(f"{base}/author/items/{uid}")
        page.get_by_role("button", name="Submit for review").click()
        assert "four eyes" in page.content()  # the author may not publish it
        assert page.get_by_role("button", name="Publish").count() == 0

        # The reviewer sends it back with a comment.
        other = browser.new_context(locale="en-GB", bypass_csp=True).new_page()
        log_in_page(other, base, reviewer)
        other.goto(f"{base}/author/reviews")
        other.get_by_role("link", name=uid).click()
        other.get_by_label("What should change?").fill(
            "Optie b verdient feedback: een dossier sluiten lost niets op.")
        other.get_by_role("button", name="Send back with this comment").click()
        assert "sent back" in other.content()

        # The author sees the comment, fixes the option and submits again.
        page.reload()
        assert "Optie b verdient feedback" in page.content()
        page.get_by_role("link", name="Edit", exact=True).click()
        page.locator("#f-payload-options-1-feedback").fill(
            "Het dossier sluiten lost de oorzaak niet op.")
        page.get_by_role("button", name="Save draft").click()
        page.get_by_role("button", name="Submit for review").click()
        history = page.locator("#history").inner_text()
        assert "Het dossier sluiten lost de oorzaak niet op." in history

        # The reviewer publishes it.
        other.goto(f"{base}/author/items/{uid}")
        other.get_by_role("button", name="Publish").click()
        assert "The item is published." in other.content()

        # An assessment's blueprint draws it: one dilemma on its outcome.
        other.goto(f"{base}/author/assessments/ethiek-toets")
        rows = other.locator("input[id$='-count']").count()
        for index in range(rows):
            other.locator(f"#row-{index}-count").fill("")
        last = rows - 1
        other.locator(f"#row-{last}-count").fill("1")
        other.locator(f"#row-{last}-outcomes").fill(OUTCOME)
        other.locator(f"#row-{last}-t-ethics_dilemma").check()
        other.get_by_role("button", name="Save the assessment").click()
        assert "The assessment is saved." in other.content()

        learner_page = browser.new_context(locale="en-GB", bypass_csp=True).new_page()
        log_in_page(learner_page, base, learner)
        learner_page.goto(f"{base}/modules/ethiek-en-kwetsbaarheid")
        learner_page.get_by_role("button", name="Start the assessment").click()
        learner_page.wait_for_url(re.compile(r".*/attempts/\d+$"))
        assert "Een begeleider merkt pas na drie weken" in learner_page.content()
        assert learner_page.get_by_label(texts[0]).count() == 1
        context.close()
