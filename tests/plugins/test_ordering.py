"""The ordering type: scoring, a shuffled view independent of the key, form and validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.domain.presentation import accept, present
from engine.domain.questiontypes import ItemValidationError
from engine.testing import page_tokens
from plugins.ordering import OrderingQuestionType

QT = OrderingQuestionType()
OUTCOMES = ["ESQF-E-18e"]


def payload(ids, **extra):
    return QT.validate_payload(
        {"elements": [{"id": i, "text": f"Stap {i}"} for i in ids], **extra})


ALL = payload(["a", "b", "c", "d"])
PARTIAL = payload(["a", "b", "c", "d"], scoring="partial", points=2)
TWO = payload(["x", "y"], scoring="partial")

CASES = [
    (ALL, {"order": ["a", "b", "c", "d"]}, 1.0),
    (ALL, {"order": ["b", "a", "c", "d"]}, 0.0),
    (ALL, None, 0.0),
    (PARTIAL, {"order": ["a", "b", "c", "d"]}, 2.0),
    (PARTIAL, {"order": ["b", "a", "c", "d"]}, 1.0),   # 2 of 4 in place
    (PARTIAL, {"order": ["a", "c", "d", "b"]}, 0.5),   # 1 of 4
    (PARTIAL, {"order": ["d", "c", "b", "a"]}, 0.0),
    (PARTIAL, {"order": ["b", "c", "d", "a"]}, 0.0),   # shifted by one: nothing in place
    (PARTIAL, None, 0.0),
    (TWO, {"order": ["y", "x"]}, 0.0),
    (TWO, {"order": ["x", "y"]}, 1.0),
]


@pytest.mark.parametrize(("item", "response", "expected"), CASES)
def test_score_table(item, response, expected):
    score = QT.score(item, response, OUTCOMES)
    assert score.earned == pytest.approx(expected)
    assert score.possible == item["points"]
    assert score.evidence["ESQF-E-18e"].earned == pytest.approx(expected)


@pytest.mark.parametrize(("raw", "field", "message"), [
    ({}, "payload.elements", "Missing data"),
    ({"elements": [{"id": "a", "text": "alleen"}]}, "payload.elements",
     "Length must be between 2"),
    ({"elements": [{"id": "a", "text": "x"}, {"id": "a", "text": "y"}]}, "payload.elements",
     "repeated: a"),
    ({"elements": [{"id": "a", "text": "x"}, {"id": "b c", "text": "y"}]},
     "payload.elements.1.id", "Use letters, digits"),
    ({"elements": [{"id": "a", "text": ""}, {"id": "b", "text": "y"}]},
     "payload.elements.0.text", "Shorter than minimum"),
    ({"scoring": "generous", "elements": [{"id": "a", "text": "x"}, {"id": "b", "text": "y"}]},
     "payload.scoring", "Must be one of"),
])
def test_malformed_payload_names_the_field(raw, field, message):
    with pytest.raises(ItemValidationError) as excinfo:
        QT.validate_payload(raw)
    assert field in excinfo.value.errors, excinfo.value.errors
    assert message in excinfo.value.errors[field]


@pytest.mark.parametrize(("raw", "message"), [
    ({"order": ["a", "b", "c", "z"]}, "Unknown element."),
    ({"order": ["a", "b", "c"]}, "exactly one position"),
    ({"order": ["a", "b", "c", "d", "a"]}, "exactly one position"),
    ({"order": ["a", "a", "c", "d"]}, "exactly one position"),
    ({"order": "abcd"}, "Not a valid list"),
    ({}, "Missing data"),
])
def test_load_response_refuses(raw, message):
    with pytest.raises(ItemValidationError) as excinfo:
        QT.load_response(raw, ALL)
    assert message in excinfo.value.errors["response.order"]


def test_response_from_form_reads_one_position_per_element():
    form = {"a": ["3"], "b": ["1"], "c": ["4"], "d": ["2"]}
    assert QT.response_from_form(form) == {"order": ["b", "d", "a", "c"]}
    assert QT.load_response(QT.response_from_form(form), ALL) == {"order": ["b", "d", "a", "c"]}


@pytest.mark.parametrize("form", [
    {},
    {"a": [""], "b": [""], "c": [""], "d": [""]},     # nothing chosen yet
    {"a": ["1"], "b": [""], "c": [""], "d": [""]},    # still choosing
    {"a": ["1"], "b": ["1"], "c": ["3"], "d": ["4"]},  # a position used twice
    {"a": ["1"], "b": ["2"], "c": ["3"], "d": ["5"]},  # out of range
    {"a": ["een"], "b": ["2"], "c": ["3"], "d": ["4"]},
    {"a": ["²"], "b": ["2"], "c": ["3"], "d": ["4"]},
])
def test_an_unfinished_order_is_not_saved(form):
    assert QT.response_from_form(form) is None


def test_view_is_seeded_and_does_not_depend_on_the_key():
    """The shown order is the same whatever order the author lists (the key) and varies by
    seed; it may be the correct order by chance, since ruling that out tells the answer."""
    for n in range(2, 8):
        ids = [f"s{i}" for i in range(n)]
        item, reversed_key = payload(ids), payload(list(reversed(ids)))
        orders = set()
        for seed in range(60):
            tokens = page_tokens(f"attempt-{seed}")
            view, _ = present(QT, item, tokens)
            shown = [e["id"] for e in view["elements"]]
            assert sorted(shown) == sorted(tokens.token("element", i) for i in ids)
            assert all(set(e) == {"id", "text"} for e in view["elements"])
            assert view == present(QT, item, page_tokens(f"attempt-{seed}"))[0]
            assert view == present(QT, reversed_key, page_tokens(f"attempt-{seed}"))[0]
            orders.add(tuple(e["text"] for e in view["elements"]))
        assert len(orders) > 1


def test_the_page_never_sees_the_author_ids():
    """Authors often name elements s1, s2, ... in the right order: the page gets tokens."""
    saved = {"order": ["b", "a", "c", "d"]}
    view, encoded = present(QT, ALL, page_tokens(), saved)
    assert not {e["id"] for e in view["elements"]} & {"a", "b", "c", "d"}
    assert set(encoded["order"]) == {e["id"] for e in view["elements"]}
    # A form posted with the page's tokens reads back into the author's ids.
    form = {token: [str(n)] for n, token in enumerate(encoded["order"], start=1)}
    assert accept(QT, QT.response_from_form(form), ALL, page_tokens()) == saved
    # Another attempt has other tokens; its tokens and the author's ids are refused.
    assert present(QT, ALL, page_tokens("other"), saved)[1] != encoded
    with pytest.raises(ItemValidationError, match="did not offer"):
        accept(QT, encoded, ALL, page_tokens("other"))
    with pytest.raises(ItemValidationError, match="did not offer"):
        accept(QT, saved, ALL, page_tokens())


def test_feedback_and_solution():
    fb = QT.feedback(PARTIAL, {"order": ["b", "a", "c", "d"]})
    assert fb.correct is None
    assert fb.solution == {"order": ["a", "b", "c", "d"],
                           "positions": {"a": 1, "b": 2, "c": 3, "d": 4}}
    assert QT.feedback(ALL, {"order": ["a", "b", "c", "d"]}).correct is True
    assert QT.feedback(ALL, {"order": ["d", "c", "b", "a"]}).correct is False
    assert QT.feedback(ALL, None).correct is False


@st.composite
def items_and_orders(draw):
    n = draw(st.integers(2, 8))
    ids = [f"e{i}" for i in range(n)]
    item = payload(ids, scoring=draw(st.sampled_from(["all_or_nothing", "partial"])),
                   points=draw(st.floats(0.1, 10)))
    order = draw(st.none() | st.permutations(ids))
    return item, order


@given(items_and_orders())
def test_any_valid_response_scores_within_bounds(case):
    item, order = case
    response = None if order is None else QT.load_response({"order": order}, item)
    score = QT.score(item, response, OUTCOMES)
    assert 0 <= score.earned <= score.possible == item["points"]
    assert score == QT.score(item, response, OUTCOMES)
