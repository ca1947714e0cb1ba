"""Scoring the choice type: tables of (payload, response, expected) and property tests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.domain.questiontypes import ItemValidationError
from plugins.choice import ChoiceQuestionType

QT = ChoiceQuestionType()


def payload(multiple=False, scoring="all_or_nothing", correct=("a",), n=4, points=1.0):
    return QT.validate_payload({
        "multiple": multiple, "scoring": scoring, "points": points,
        "options": [{"id": chr(97 + i), "text": f"option {i}", "correct": chr(97 + i) in correct,
                     "feedback": f"feedback {i}"} for i in range(n)]})


SINGLE = payload()
MULTI_ALL = payload(multiple=True, correct=("a", "b"))
MULTI_PARTIAL = payload(multiple=True, scoring="partial", correct=("a", "b"))

CASES = [
    (SINGLE, {"choices": ["a"]}, 1.0),
    (SINGLE, {"choices": ["b"]}, 0.0),
    (SINGLE, None, 0.0),
    (MULTI_ALL, {"choices": ["a", "b"]}, 1.0),
    (MULTI_ALL, {"choices": ["a"]}, 0.0),
    (MULTI_ALL, {"choices": ["a", "b", "c"]}, 0.0),
    (MULTI_PARTIAL, {"choices": ["a", "b"]}, 1.0),
    (MULTI_PARTIAL, {"choices": ["a"]}, 0.5),
    (MULTI_PARTIAL, {"choices": ["a", "c"]}, 0.0),  # 0.5 - 0.5
    (MULTI_PARTIAL, {"choices": ["a", "b", "c"]}, 0.5),  # 1 - 0.5
    (MULTI_PARTIAL, {"choices": ["c", "d"]}, 0.0),  # -1 floored at 0
    (MULTI_PARTIAL, {"choices": []}, 0.0),
    (payload(points=3), {"choices": ["a"]}, 3.0),
]


@pytest.mark.parametrize(("item", "response", "expected"), CASES)
def test_score_table(item, response, expected):
    score = QT.score(item, response, ["ESQF-E-18e", "ESQF-E-4b"])
    assert score.earned == pytest.approx(expected)
    assert score.possible == item["points"]
    assert set(score.evidence) == {"ESQF-E-18e", "ESQF-E-4b"}
    assert score.evidence["ESQF-E-4b"].earned == pytest.approx(expected)


@pytest.mark.parametrize(("raw", "field", "message"), [
    ({"options": [{"id": "a", "text": "x", "correct": True}]}, "payload.options",
     "Length must be between 2"),
    ({"options": [{"id": "a", "text": "x", "correct": True},
                  {"id": "b", "text": "y", "correct": True}]}, "payload.options",
     "exactly one correct"),
    ({"options": [{"id": "a", "text": "x"}, {"id": "a", "text": "y", "correct": True}]},
     "payload.options", "repeated: a"),
    ({"options": [{"id": "a", "text": "", "correct": True}, {"id": "b", "text": "y"}]},
     "payload.options.0.text", "Shorter than minimum"),
    ({"multiple": True, "options": [{"id": "a", "text": "x"}, {"id": "b", "text": "y"}]},
     "payload.options", "at least one correct"),
    ({"scoring": "generous", "options": [{"id": "a", "text": "x", "correct": True},
                                         {"id": "b", "text": "y"}]},
     "payload.scoring", "Must be one of"),
])
def test_malformed_payload_names_the_field(raw, field, message):
    with pytest.raises(ItemValidationError) as excinfo:
        QT.validate_payload(raw)
    assert field in excinfo.value.errors
    assert message in excinfo.value.errors[field]


def test_learner_view_has_no_key_and_is_independent_of_it():
    view = QT.learner_view(SINGLE, seed=7)
    other_key = payload(correct=("c",))
    assert view == QT.learner_view(other_key, seed=7)
    text = repr(view)
    assert "correct" not in text and "feedback" not in text


def test_shuffle_is_seeded():
    assert QT.learner_view(SINGLE, seed=1) == QT.learner_view(SINGLE, seed=1)
    orders = {tuple(o["id"] for o in QT.learner_view(SINGLE, seed=s)["options"])
              for s in range(20)}
    assert len(orders) > 1


def test_response_checked_against_the_item():
    with pytest.raises(ItemValidationError, match="Unknown option"):
        QT.load_response({"choices": ["z"]}, SINGLE)
    with pytest.raises(ItemValidationError, match="Choose one option only"):
        QT.load_response({"choices": ["a", "b"]}, SINGLE)
    assert QT.load_response({"choices": ["b", "a", "a"]}, MULTI_ALL) == {"choices": ["a", "b"]}


def test_feedback_gives_chosen_options_feedback_and_solution():
    fb = QT.feedback(MULTI_ALL, {"choices": ["a", "c"]})
    assert fb.correct is None
    assert fb.per_choice == {"a": "feedback 0", "c": "feedback 2"}
    assert fb.solution == {"correct": ["a", "b"]}
    assert QT.feedback(SINGLE, {"choices": ["a"]}).correct is True
    assert QT.feedback(SINGLE, None).correct is False


option_ids = st.sampled_from(list("abcdefgh"))


@st.composite
def items(draw):
    n = draw(st.integers(2, 8))
    multiple = draw(st.booleans())
    ids = [chr(97 + i) for i in range(n)]
    if multiple:
        correct = draw(st.sets(st.sampled_from(ids), min_size=1))
    else:
        correct = {draw(st.sampled_from(ids))}
    return payload(multiple=multiple, correct=tuple(correct), n=n,
                   scoring=draw(st.sampled_from(["all_or_nothing", "partial"])),
                   points=draw(st.floats(0.5, 10)))


@given(items(), st.one_of(st.none(), st.fixed_dictionaries(
    {"choices": st.lists(option_ids, max_size=8, unique=True)})))
def test_score_is_within_bounds_for_any_response(item, response):
    score = QT.score(item, response, ["ESQF-E-1b"])
    assert 0 <= score.earned <= score.possible == item["points"]
    assert score == QT.score(item, response, ["ESQF-E-1b"])  # deterministic


def test_outcome_codes_sort_as_printed():
    from engine.domain.outcomes import sort_key

    codes = ["ESQF-E-18e", "ESQF-E-1b", "ESQF-E-4f", "ESQF-E-4b", "ESQF-P-1a"]
    assert sorted(codes, key=sort_key) == [
        "ESQF-E-1b", "ESQF-E-4b", "ESQF-E-4f", "ESQF-E-18e", "ESQF-P-1a"]
