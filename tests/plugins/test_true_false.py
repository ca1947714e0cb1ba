"""The true_false type: scoring table, payload and response validation, form, properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.domain.questiontypes import ItemValidationError
from plugins.true_false import TrueFalseQuestionType

QT = TrueFalseQuestionType()
OUTCOMES = ["ESQF-E-18e", "ESQF-E-4b"]


def payload(answer=True, points=1.0, **extra):
    return QT.validate_payload({"answer": answer, "points": points, **extra})


TRUE = payload(True, feedback_true="Juist.", feedback_false="Onjuist.")
FALSE = payload(False)

CASES = [
    (TRUE, {"value": True}, 1.0),
    (TRUE, {"value": False}, 0.0),
    (FALSE, {"value": False}, 1.0),
    (FALSE, {"value": True}, 0.0),
    (TRUE, None, 0.0),
    (FALSE, None, 0.0),  # unanswered is never right, even when the key is "false"
    (payload(True, points=2.5), {"value": True}, 2.5),
]


@pytest.mark.parametrize(("item", "response", "expected"), CASES)
def test_score_table(item, response, expected):
    score = QT.score(item, response, OUTCOMES)
    assert score.earned == pytest.approx(expected)
    assert score.possible == item["points"]
    assert {code: ev.earned for code, ev in score.evidence.items()} == \
        {code: pytest.approx(expected) for code in OUTCOMES}


@pytest.mark.parametrize(("raw", "field", "message"), [
    ({}, "payload.answer", "Missing data"),
    ({"answer": "yes"}, "payload.answer", "Not a valid boolean"),
    ({"answer": True, "points": 0}, "payload.points", "greater than 0"),
    ({"answer": True, "feedback_true": 3}, "payload.feedback_true", "Not a valid string"),
])
def test_malformed_payload_names_the_field(raw, field, message):
    with pytest.raises(ItemValidationError) as excinfo:
        QT.validate_payload(raw)
    assert field in excinfo.value.errors
    assert message in excinfo.value.errors[field]


@pytest.mark.parametrize("raw", [{}, {"value": "maybe"}, {"value": None}, {"value": "1"},
                                 {"value": True, "extra": 1}, ["value"]])
def test_load_response_refuses(raw):
    with pytest.raises(ItemValidationError) as excinfo:
        QT.load_response(raw, TRUE)
    assert any(k.startswith("response") for k in excinfo.value.errors)


def test_load_response_accepts_booleans():
    assert QT.load_response({"value": False}, TRUE) == {"value": False}


def test_response_from_form():
    assert QT.response_from_form({"": ["true"]}) == {"value": True}
    assert QT.response_from_form({"": ["false"]}) == {"value": False}
    assert QT.response_from_form({"": []}) is None
    assert QT.response_from_form({}) is None
    raw = QT.response_from_form({"": ["perhaps"]})
    with pytest.raises(ItemValidationError, match="Answer true or false"):
        QT.load_response(raw, TRUE)


def test_learner_view_holds_no_key():
    assert QT.learner_view(TRUE, seed=1) == QT.learner_view(FALSE, seed=1) == {}


def test_feedback_for_the_answer_given():
    fb = QT.feedback(TRUE, {"value": False})
    assert fb.correct is False
    assert fb.per_choice == {"false": "Onjuist."}
    assert fb.solution == {"answer": True}
    assert QT.feedback(TRUE, {"value": True}).per_choice == {"true": "Juist."}
    assert QT.feedback(TRUE, None).correct is False
    assert QT.feedback(FALSE, {"value": True}).per_choice == {}  # no feedback authored


@given(st.booleans(), st.floats(0.1, 100), st.one_of(st.none(), st.booleans()))
def test_any_valid_response_scores_within_bounds(answer, points, value):
    item = payload(answer, points=points)
    response = None if value is None else QT.load_response({"value": value}, item)
    score = QT.score(item, response, OUTCOMES)
    assert 0 <= score.earned <= score.possible == item["points"]
    assert score == QT.score(item, response, OUTCOMES)
