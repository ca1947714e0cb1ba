"""In Chromium: a learner answers every item of the question-type practice test correctly
through the real inputs (radios, text fields, selects, checkboxes; a number field first
refuses a word), finds the answers again after a reload, submits, and sees the full score
and each item's feedback."""

from __future__ import annotations

import re

import pytest

from tests.helpers import bank_items, by_stem, log_in_page

pytestmark = pytest.mark.browser

MODULE_TITLE = "Vraagtypen: oefenen met het handvest"
# What a learner types for the free-entry items (one written with a decimal comma).
# What the learner types. The browser works in English, so the items come in their English
# variants, whose short answers are English (numbers take a decimal comma or point).
TYPED = {"vt-kort-coi": "COI", "vt-kort-tolk": "Interpreter", "vt-getal-pauze": "90",
         "vt-getal-duur": "4,5"}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _answer(fieldset, item):
    p, kind = item["payload"], item["type"]
    if kind == "true_false":
        fieldset.get_by_label("True" if p["answer"] else "False", exact=True).check()
    elif kind in ("short_text", "numeric"):
        fieldset.get_by_label("Your answer").fill(TYPED[item["id"]])
    elif kind == "ordering":
        for position, element in enumerate(p["elements"], start=1):
            fieldset.get_by_label(element["text"]).select_option(str(position))
    elif kind == "matching":
        texts = {r["id"]: r["text"] for r in p["responses"]}
        for premise in p["premises"]:
            fieldset.get_by_label(premise["text"]).select_option(label=texts[premise["match"]])
    elif kind == "hotspot_text":
        for line in p["lines"]:
            if line.get("hotspot"):
                fieldset.get_by_label(line["text"]).check()
    else:
        raise AssertionError(f"unexpected type {kind}")


def _check_saved(fieldset, item):
    p, kind = item["payload"], item["type"]
    if kind == "true_false":
        assert fieldset.get_by_label("True" if p["answer"] else "False", exact=True).is_checked()
        assert not fieldset.get_by_label("False" if p["answer"] else "True",
                                         exact=True).is_checked()
    elif kind == "short_text":
        assert fieldset.get_by_label("Your answer").input_value() == TYPED[item["id"]]
    elif kind == "numeric":
        saved = fieldset.get_by_label("Your answer").input_value()
        assert float(saved.replace(",", ".")) == float(TYPED[item["id"]].replace(",", "."))
    elif kind == "ordering":
        for position, element in enumerate(p["elements"], start=1):
            assert fieldset.get_by_label(element["text"]).input_value() == str(position)
    elif kind == "matching":  # option values are opaque tokens: compare the texts
        texts = {r["id"]: r["text"] for r in p["responses"]}
        for premise in p["premises"]:
            chosen = fieldset.get_by_label(premise["text"]).evaluate(
                "select => select.options[select.selectedIndex].text")
            assert chosen == texts[premise["match"]]
    elif kind == "hotspot_text":
        for line in p["lines"]:
            assert fieldset.get_by_label(line["text"]).is_checked() == bool(line.get("hotspot"))


def _feedback_texts(item) -> list[str]:
    """The feedback the review of a fully right answer must show."""
    p, kind = item["payload"], item["type"]
    texts = [item["feedback"]]
    if kind == "true_false":
        texts.append(p["feedback_true"] if p["answer"] else p["feedback_false"])
    elif kind == "short_text":
        from plugins.short_text import first_match

        texts.append(first_match(p, {"text": TYPED[item["id"]]})["feedback"])
    elif kind == "numeric":
        texts.append(p["feedback"])
    elif kind == "matching":
        texts += [premise["feedback"] for premise in p["premises"]]
    elif kind == "hotspot_text":
        texts += [line["feedback"] for line in p["lines"] if line.get("hotspot")]
    return [_norm(t) for t in texts if t]


def test_learner_answers_every_standard_type(live_server, page, auth):
    base = live_server
    log_in_page(page, base, auth.create())
    page.get_by_role("link", name=MODULE_TITLE).click()
    page.get_by_role("button", name="Start the assessment").click()
    page.wait_for_url(re.compile(r".*/attempts/\d+$"))

    bank = {uid: item for uid, item in bank_items().items() if uid.startswith("vt-")}
    # The page shows the stem's Markdown rendered, in the attempt's language.
    stems = by_stem(bank, key=lambda stem: _norm(stem.replace("*", ""))[:60])
    fieldsets = page.locator("fieldset.item")
    assert fieldsets.count() == 12

    def item_of(fieldset):
        return stems[_norm(fieldset.locator(".stem").inner_text())[:60]]

    items = [item_of(fieldsets.nth(i)) for i in range(12)]
    assert {i["type"] for i in items} == {"true_false", "short_text", "numeric", "ordering",
                                          "matching", "hotspot_text"}
    # A number field refuses what is not a number, and says so.
    pause = next(i for i, item in enumerate(items) if item["id"] == "vt-getal-pauze")
    fieldsets.nth(pause).get_by_label("Your answer").fill("negentig")
    page.locator("#save-status", has_text="Enter a number, such as 15 or 1,5.").wait_for()

    for index, item in enumerate(items):
        _answer(fieldsets.nth(index), item)
    page.locator("h1").click()  # leave the last field, as a learner would
    page.get_by_text("All answers saved").wait_for()
    page.wait_for_load_state("networkidle")

    page.reload()  # as if the tab was closed and opened again
    fieldsets = page.locator("fieldset.item")
    for index, item in enumerate(items):
        _check_saved(fieldsets.nth(index), item)

    page.get_by_role("button", name="Review and submit").click()
    page.wait_for_url(re.compile(r".*/review$"))
    page.get_by_role("button", name="Submit for grading").click()
    page.wait_for_url(re.compile(r".*/attempts/\d+/result$"))

    possible = sum(i["payload"].get("points", 1) for i in items)
    score = _norm(page.locator(".result .score").inner_text())
    assert score.startswith(f"{possible:.1f} / {possible:g} points"), score
    assert "(100 %)" in score
    assert page.get_by_text("Passed", exact=True).is_visible()

    reviews = page.locator("section.item-review")
    assert reviews.count() == 12
    for index, item in enumerate(items):
        review = reviews.nth(index)
        text = _norm(review.inner_text())
        assert item["title"] in text
        assert f"{item['payload'].get('points', 1):.1f} / " in text, (item["id"], text)
        for feedback in _feedback_texts(item):
            assert feedback in text, (item["id"], feedback)
