"""The hotspot_text type: marking transcript lines, negative marking, validation, form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.domain.presentation import accept, present
from engine.domain.questiontypes import ItemValidationError
from engine.testing import page_tokens
from plugins.hotspot_text import HotspotTextQuestionType

QT = HotspotTextQuestionType()
OUTCOMES = ["ESQF-E-18f", "ESQF-E-18e"]


def payload(hot, n=6, **extra):
    return QT.validate_payload({"lines": [
        {"id": f"l{i}", "speaker": "PO" if i % 2 else "V", "text": f"Regel {i}",
         "hotspot": f"l{i}" in hot, "feedback": f"Waarom l{i}" if f"l{i}" in hot else ""}
        for i in range(1, n + 1)], **extra})


PARTIAL = payload({"l2", "l4"})        # 2 hot, 4 cold
ALL = payload({"l2", "l4"}, scoring="all_or_nothing", points=3)
EVERY = payload({"l1", "l2"}, n=2)     # no cold lines: no negative marking

CASES = [
    (PARTIAL, {"marked": ["l2", "l4"]}, 1.0),
    (PARTIAL, {"marked": ["l2"]}, 0.5),
    (PARTIAL, {"marked": ["l2", "l4", "l1"]}, 0.75),       # 1 - 1/4
    (PARTIAL, {"marked": ["l2", "l1", "l3"]}, 0.0),        # 0.5 - 0.5
    (PARTIAL, {"marked": ["l1", "l3", "l5", "l6"]}, 0.0),  # -1 floored at 0
    (PARTIAL, {"marked": [f"l{i}" for i in range(1, 7)]}, 0.0),  # marking all: 1 - 1
    (PARTIAL, {"marked": []}, 0.0),
    (PARTIAL, None, 0.0),
    (ALL, {"marked": ["l4", "l2"]}, 3.0),
    (ALL, {"marked": ["l2"]}, 0.0),
    (ALL, {"marked": ["l2", "l4", "l5"]}, 0.0),
    (EVERY, {"marked": ["l1", "l2"]}, 1.0),
    (EVERY, {"marked": ["l1"]}, 0.5),
]


@pytest.mark.parametrize(("item", "response", "expected"), CASES)
def test_score_table(item, response, expected):
    score = QT.score(item, response, OUTCOMES)
    assert score.earned == pytest.approx(expected)
    assert score.possible == item["points"]
    assert score.evidence["ESQF-E-18f"].earned == pytest.approx(expected)


def _line(i, **extra):
    return {"id": f"l{i}", "speaker": "PO", "text": f"Regel {i}", **extra}


@pytest.mark.parametrize(("raw", "field", "message"), [
    ({}, "payload.lines", "Missing data"),
    ({"lines": [_line(1), _line(2)]}, "payload.lines", "at least one line"),
    ({"lines": [_line(1, hotspot=True), _line(1)]}, "payload.lines", "repeated: l1"),
    ({"lines": [_line(1, hotspot=True)]}, "payload.lines", "Length must be between 2"),
    ({"lines": [_line(1, hotspot=True), _line(2, speaker="")]}, "payload.lines.1.speaker",
     "Length must be between 1"),
    ({"lines": [_line(1, hotspot="ja"), _line(2)]}, "payload.lines.0.hotspot",
     "Not a valid boolean"),
    ({"lines": [_line(1, hotspot=True), {"id": "l2", "text": "x"}]}, "payload.lines.1.speaker",
     "Missing data"),
])
def test_malformed_payload_names_the_field(raw, field, message):
    with pytest.raises(ItemValidationError) as excinfo:
        QT.validate_payload(raw)
    assert field in excinfo.value.errors, excinfo.value.errors
    assert message in excinfo.value.errors[field]


@pytest.mark.parametrize(("raw", "message"), [
    ({"marked": ["l9"]}, "Unknown line."),
    ({"marked": "l1"}, "Not a valid list"),
    ({}, "Missing data"),
])
def test_load_response_refuses(raw, message):
    with pytest.raises(ItemValidationError) as excinfo:
        QT.load_response(raw, PARTIAL)
    assert message in excinfo.value.errors["response.marked"]


def test_load_response_dedupes_in_transcript_order():
    assert QT.load_response({"marked": ["l4", "l2", "l4"]}, PARTIAL) == {"marked": ["l2", "l4"]}


def test_response_from_form():
    assert QT.response_from_form({"": ["l2", "l5"]}) == {"marked": ["l2", "l5"]}
    assert QT.response_from_form({"": []}) == {"marked": []}  # every box unticked


def test_view_lists_every_line_without_flags_or_feedback():
    tokens = page_tokens()
    view, _ = present(QT, PARTIAL, tokens)
    assert [line["id"] for line in view["lines"]] == \
        [tokens.token("line", f"l{i}") for i in range(1, 7)]
    assert [line["text"] for line in view["lines"]] == [f"Regel {i}" for i in range(1, 7)]
    assert all(set(line) == {"id", "speaker", "text"} for line in view["lines"])
    assert view == present(QT, payload({"l1"}), page_tokens())[0]


def test_the_page_gets_tokens_that_read_back_into_line_ids():
    saved = {"marked": ["l2", "l5"]}
    _view, shown = present(QT, PARTIAL, page_tokens("attempt-2"), saved)
    assert not set(shown["marked"]) & {"l2", "l5"}
    raw = QT.response_from_form({"": shown["marked"]})
    assert accept(QT, raw, PARTIAL, page_tokens("attempt-2")) == saved
    with pytest.raises(ItemValidationError, match="did not offer"):  # another attempt's
        accept(QT, raw, PARTIAL, page_tokens("attempt-3"))
    with pytest.raises(ItemValidationError, match="did not offer"):  # the author's ids
        accept(QT, saved, PARTIAL, page_tokens("attempt-2"))


def test_feedback_for_hotspots_and_marked_lines():
    item = QT.validate_payload({"lines": [
        _line(1, feedback="Neutrale vraag."), _line(2, hotspot=True, feedback="Suggestief."),
        _line(3, hotspot=True, feedback="Twee vragen."), _line(4, feedback="Open vraag.")]})
    fb = QT.feedback(item, {"marked": ["l2", "l4"]})
    assert fb.correct is None
    assert fb.per_choice == {"l2": "Suggestief.", "l3": "Twee vragen.", "l4": "Open vraag."}
    assert fb.solution == {"hotspots": ["l2", "l3"]}
    assert QT.feedback(item, {"marked": ["l3", "l2"]}).correct is True
    assert QT.feedback(item, {"marked": ["l1"]}).correct is False
    assert QT.feedback(item, None).correct is False


@st.composite
def items_and_marks(draw):
    n = draw(st.integers(2, 10))
    ids = [f"l{i}" for i in range(1, n + 1)]
    hot = draw(st.sets(st.sampled_from(ids), min_size=1))
    item = payload(hot, n=n, points=draw(st.floats(0.1, 10)),
                   scoring=draw(st.sampled_from(["partial", "all_or_nothing"])))
    return item, draw(st.none() | st.lists(st.sampled_from(ids), unique=True))


@given(items_and_marks())
def test_any_valid_response_scores_within_bounds(case):
    item, marked = case
    response = None if marked is None else QT.load_response({"marked": marked}, item)
    score = QT.score(item, response, OUTCOMES)
    assert 0 <= score.earned <= score.possible == item["points"]
    assert score == QT.score(item, response, OUTCOMES)
