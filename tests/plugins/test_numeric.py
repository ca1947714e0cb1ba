"""The numeric type: tolerances, decimal comma, validation and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.domain.questiontypes import ItemValidationError
from plugins.numeric import NumericQuestionType

QT = NumericQuestionType()
OUTCOMES = ["ESQF-E-18e", "ESQF-E-4b"]


def payload(answer, **extra):
    return QT.validate_payload({"answer": answer, **extra})


EXACT = payload(15, unit="minuten", feedback="Een kwartier.")
ABSOLUTE = payload(1.5, tolerance=0.25, points=2)
RELATIVE = payload(4, tolerance=10, tolerance_mode="relative")
NEGATIVE = payload(-20, tolerance=5, tolerance_mode="relative")
DECIMAL = payload(0.3)

CASES = [
    (EXACT, {"value": 15.0}, 1.0),
    (EXACT, {"value": 15.0000000001}, 1.0),   # float noise is not a wrong answer
    (EXACT, {"value": 15.01}, 0.0),
    (EXACT, {"value": 14}, 0.0),
    (EXACT, None, 0.0),
    (ABSOLUTE, {"value": 1.5}, 2.0),
    (ABSOLUTE, {"value": 1.75}, 2.0),         # the bounds are inclusive
    (ABSOLUTE, {"value": 1.25}, 2.0),
    (ABSOLUTE, {"value": 1.76}, 0.0),
    (RELATIVE, {"value": 4.4}, 1.0),          # 10 % of 4
    (RELATIVE, {"value": 3.6}, 1.0),
    (RELATIVE, {"value": 4.41}, 0.0),
    (NEGATIVE, {"value": -21}, 1.0),          # relative to |answer|
    (NEGATIVE, {"value": -18.9}, 0.0),
    (DECIMAL, {"value": 0.1 + 0.2}, 1.0),
    (EXACT, {"value": 1e300}, 0.0),
]


@pytest.mark.parametrize(("item", "response", "expected"), CASES)
def test_score_table(item, response, expected):
    score = QT.score(item, response, OUTCOMES)
    assert score.earned == pytest.approx(expected)
    assert score.possible == item["points"]
    assert score.evidence["ESQF-E-4b"].earned == pytest.approx(expected)


@pytest.mark.parametrize(("raw", "field", "message"), [
    ({}, "payload.answer", "Missing data"),
    ({"answer": "vijftien"}, "payload.answer", "Not a valid number"),
    ({"answer": float("nan")}, "payload.answer", "Special numeric values"),
    ({"answer": 15, "tolerance": -1}, "payload.tolerance", "Must be 0 or more"),
    ({"answer": 15, "tolerance_mode": "percent"}, "payload.tolerance_mode", "Must be one of"),
    ({"answer": 15, "tolerance": 150, "tolerance_mode": "relative"}, "payload.tolerance",
     "at most 100"),
    ({"answer": 15, "points": -2}, "payload.points", "greater than 0"),
])
def test_malformed_payload_names_the_field(raw, field, message):
    with pytest.raises(ItemValidationError) as excinfo:
        QT.validate_payload(raw)
    assert field in excinfo.value.errors, excinfo.value.errors
    assert message in excinfo.value.errors[field]


@pytest.mark.parametrize(("typed", "value"), [
    ("15", 15.0), ("1,5", 1.5), ("1.5", 1.5), (" 1,5 ", 1.5), ("-0,25", -0.25),
    ("+4", 4.0), (",5", 0.5), ("1 500", 1500.0), ("15,", 15.0)])
def test_form_accepts_a_decimal_comma(typed, value):
    raw = QT.response_from_form({"": [typed]})
    assert raw == {"value": value}
    assert QT.load_response(raw, EXACT) == {"value": value}


@pytest.mark.parametrize("typed", ["vijftien", "1,5,0", "1.000,5", "15 min", "1e3", "--1",
                                   "nan", "inf", "½"])
def test_form_refuses_what_is_not_a_number(typed):
    raw = QT.response_from_form({"": [typed]})
    with pytest.raises(ItemValidationError) as excinfo:
        QT.load_response(raw, EXACT)
    assert excinfo.value.errors == {"response.value": "Enter a number, such as 15 or 1,5."}


def test_empty_form_field_is_no_answer():
    assert QT.response_from_form({"": [""]}) is None
    assert QT.response_from_form({"": ["  "]}) is None
    assert QT.response_from_form({}) is None


@pytest.mark.parametrize("raw", [{}, {"value": None}, {"value": True}, {"value": [1]},
                                 {"value": float("inf")}, {"value": 10 ** 400},
                                 {"value": 1, "unit": "uur"}])
def test_load_response_refuses(raw):
    with pytest.raises(ItemValidationError) as excinfo:
        QT.load_response(raw, EXACT)
    assert all(k.startswith("response") for k in excinfo.value.errors)


def test_learner_view_shows_the_unit_only():
    assert QT.learner_view(EXACT, seed=2) == {"unit": "minuten"}
    assert QT.learner_view(payload(90, unit="minuten", tolerance=5), seed=2) == \
        {"unit": "minuten"}


def test_feedback_and_solution():
    fb = QT.feedback(EXACT, {"value": 14.0})
    assert fb.correct is False and fb.general == "Een kwartier."
    assert fb.solution == {"answer": 15.0, "tolerance": 0.0, "tolerance_mode": "absolute",
                           "unit": "minuten"}
    assert QT.feedback(RELATIVE, {"value": 4.2}).correct is True
    assert QT.feedback(RELATIVE, None).correct is False


finite = st.floats(-1e9, 1e9, allow_nan=False)


@given(finite, st.floats(0, 1e6), st.sampled_from(["absolute", "relative"]),
       st.floats(0.1, 10), st.one_of(st.none(), st.floats(allow_nan=False,
                                                          allow_infinity=False)))
def test_any_valid_response_scores_within_bounds(answer, tolerance, mode, points, value):
    if mode == "relative":
        tolerance = min(tolerance, 100)
    item = payload(answer, tolerance=tolerance, tolerance_mode=mode, points=points)
    response = None if value is None else QT.load_response({"value": value}, item)
    score = QT.score(item, response, OUTCOMES)
    assert 0 <= score.earned <= score.possible == item["points"]
    # Right or wrong; scores are rounded to six decimals.
    assert score.earned == 0 or score.earned == pytest.approx(item["points"], abs=1e-6)
    assert score == QT.score(item, response, OUTCOMES)
