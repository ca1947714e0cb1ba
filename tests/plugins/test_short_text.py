"""The short_text type: matching rules, scoring table, validation, form and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.domain.questiontypes import ItemValidationError
from plugins.short_text import ShortTextQuestionType

QT = ShortTextQuestionType()
OUTCOMES = ["ESQF-E-18e"]


def payload(answers, **extra):
    return QT.validate_payload({"answers": answers, **extra})


TOLK = payload([
    {"text": "tolk", "match": "case_insensitive", "score": 100, "feedback": "Juist."},
    {"text": "^tolk(en)?$", "match": "regex", "score": 100},
    {"text": "vertaler", "match": "exact", "score": 50, "feedback": "Bijna."},
    {"text": ".*", "match": "regex", "score": 0, "feedback": "Nee: de tolk."},
])
EXACT = payload([{"text": "Handvest", "match": "exact"}], points=2)
WHITESPACE = payload([{"text": "persoonlijk   onderhoud", "match": "case_insensitive"}])
REGEX = payload([{"text": r"(het )?persoonlijk onderhoud", "match": "regex"}])

CASES = [
    (TOLK, {"text": "tolk"}, 1.0),
    (TOLK, {"text": "  TOLK \n"}, 1.0),        # case and outer white space
    (TOLK, {"text": "Tolken"}, 1.0),           # the regex, case-insensitive
    (TOLK, {"text": "vertaler"}, 0.5),         # exact, half the points
    (TOLK, {"text": " vertaler "}, 0.5),       # exact trims outer white space
    (TOLK, {"text": "Vertaler"}, 0.0),         # exact is case-sensitive: falls to ".*"
    (TOLK, {"text": ""}, 0.0),
    (TOLK, None, 0.0),
    (EXACT, {"text": "Handvest"}, 2.0),
    (EXACT, {"text": "handvest"}, 0.0),
    (EXACT, {"text": "Handvest."}, 0.0),
    (WHITESPACE, {"text": "Persoonlijk onderhoud"}, 1.0),  # white space runs folded
    (WHITESPACE, {"text": "persoonlijk\tonderhoud"}, 1.0),
    (WHITESPACE, {"text": "persoonlijkonderhoud"}, 0.0),
    (REGEX, {"text": "Het persoonlijk onderhoud"}, 1.0),
    (REGEX, {"text": "persoonlijk onderhoud!"}, 0.0),   # fullmatch, not search
    (REGEX, {"text": "het persoonlijk onderhoud "}, 1.0),  # trimmed first
]


@pytest.mark.parametrize(("item", "response", "expected"), CASES)
def test_score_table(item, response, expected):
    score = QT.score(item, response, OUTCOMES)
    assert score.earned == pytest.approx(expected)
    assert score.possible == item["points"]
    assert score.evidence["ESQF-E-18e"].earned == pytest.approx(expected)


def test_first_match_wins():
    item = payload([{"text": "tolk", "score": 50, "feedback": "eerste"},
                    {"text": "tolk", "score": 100, "feedback": "tweede"}])
    assert QT.score(item, {"text": "tolk"}, OUTCOMES).earned == 0.5
    assert QT.feedback(item, {"text": "tolk"}).general == "eerste"


@pytest.mark.parametrize(("raw", "field", "message"), [
    ({}, "payload.answers", "Missing data"),
    ({"answers": []}, "payload.answers", "Length must be between 1"),
    ({"answers": [{"text": "(tolk", "match": "regex"}]}, "payload.answers.0.text",
     "Not a valid regular expression"),
    ({"answers": [{"text": "tolk"}, {"text": "[a-", "match": "regex", "score": 50}]},
     "payload.answers.1.text", "Not a valid regular expression"),
    ({"answers": [{"text": "tolk", "match": "fuzzy"}]}, "payload.answers.0.match",
     "Must be one of"),
    ({"answers": [{"text": "tolk", "score": 120}]}, "payload.answers.0.score",
     "less than or equal to 100"),
    ({"answers": [{"text": "", "score": 100}]}, "payload.answers.0.text",
     "Length must be between 1"),
    ({"answers": [{"text": "tolk", "score": 50}]}, "payload.answers", "worth 100"),
    ({"max_length": 3, "answers": [{"text": "tolk"}]}, "payload.answers.0.text",
     "Longer than max_length"),
    ({"max_length": 0, "answers": [{"text": "tolk"}]}, "payload.max_length",
     "greater than or equal to 1"),
])
def test_malformed_payload_names_the_field(raw, field, message):
    with pytest.raises(ItemValidationError) as excinfo:
        QT.validate_payload(raw)
    assert field in excinfo.value.errors, excinfo.value.errors
    assert message in excinfo.value.errors[field]


def test_max_length_is_enforced():
    item = payload([{"text": "tolk"}], max_length=10)
    assert QT.load_response({"text": "x" * 10}, item) == {"text": "x" * 10}
    with pytest.raises(ItemValidationError) as excinfo:
        QT.load_response({"text": "x" * 11}, item)
    assert "At most 10 characters" in excinfo.value.errors["response.text"]


@pytest.mark.parametrize("raw", [{}, {"text": 5}, {"text": None}, {"text": ["tolk"]},
                                 {"text": "tolk", "more": 1}])
def test_load_response_refuses(raw):
    with pytest.raises(ItemValidationError) as excinfo:
        QT.load_response(raw, TOLK)
    assert all(k.startswith("response") for k in excinfo.value.errors)


def test_response_from_form():
    assert QT.response_from_form({"": ["Tolk"]}) == {"text": "Tolk"}
    assert QT.response_from_form({"": [""]}) == {"text": ""}  # clearing the field saves it
    assert QT.response_from_form({}) is None


def test_learner_view_holds_no_answers():
    view = QT.learner_view(TOLK, seed=4)
    assert view == {"max_length": 200}
    assert view == QT.learner_view(EXACT, seed=4)


def test_feedback_and_solution():
    fb = QT.feedback(TOLK, {"text": "vertaler"})
    assert fb.correct is None and fb.general == "Bijna."
    assert fb.solution == {"accepted": ["tolk"], "score": 50}
    assert QT.feedback(TOLK, {"text": "tolk"}).correct is True
    assert QT.feedback(TOLK, {"text": "iets"}).correct is False
    assert QT.feedback(TOLK, None).general == ""
    assert QT.feedback(REGEX, None).solution["accepted"] == [r"(het )?persoonlijk onderhoud"]


answers = st.lists(st.fixed_dictionaries({
    "text": st.sampled_from(["tolk", "Tolk", "vertaler", "^t.*", "[a-z]+", "x?"]),
    "match": st.sampled_from(["exact", "case_insensitive", "regex"]),
    "score": st.sampled_from([0, 25, 50, 100])}), min_size=1, max_size=5)


@given(answers, st.floats(0.1, 10), st.one_of(st.none(), st.text(max_size=30)))
def test_any_valid_response_scores_within_bounds(items, points, text):
    items[0]["score"] = 100
    item = payload(items, points=points)
    response = None if text is None else QT.load_response({"text": text}, item)
    score = QT.score(item, response, OUTCOMES)
    assert 0 <= score.earned <= score.possible == item["points"]
    assert score == QT.score(item, response, OUTCOMES)
