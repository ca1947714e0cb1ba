"""The matching type: scoring, links between premises and responses, form and view."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.domain.presentation import accept, present
from engine.domain.questiontypes import ItemValidationError
from engine.testing import page_tokens
from plugins.matching import MatchingQuestionType

QT = MatchingQuestionType()
OUTCOMES = ["ESQF-E-18f"]


def payload(matches, responses=("r1", "r2", "r3"), **extra):
    return QT.validate_payload({
        "premises": [{"id": p, "text": f"Regel {p}", "match": r, "feedback": f"Uitleg {p}"}
                     for p, r in matches.items()],
        "responses": [{"id": r, "text": f"Beginsel {r}"} for r in responses], **extra})


PARTIAL = payload({"p1": "r1", "p2": "r2", "p3": "r2", "p4": "r3"}, points=2)
ALL = payload({"p1": "r1", "p2": "r2"}, scoring="all_or_nothing")

CASES = [
    (PARTIAL, {"matches": {"p1": "r1", "p2": "r2", "p3": "r2", "p4": "r3"}}, 2.0),
    (PARTIAL, {"matches": {"p1": "r1", "p2": "r2", "p3": "r2", "p4": "r1"}}, 1.5),
    (PARTIAL, {"matches": {"p1": "r1"}}, 0.5),                 # unmatched premises absent
    (PARTIAL, {"matches": {"p1": "r2", "p2": "r1"}}, 0.0),
    (PARTIAL, {"matches": {}}, 0.0),
    (PARTIAL, None, 0.0),
    (ALL, {"matches": {"p1": "r1", "p2": "r2"}}, 1.0),
    (ALL, {"matches": {"p1": "r1", "p2": "r3"}}, 0.0),
    (ALL, {"matches": {"p1": "r1"}}, 0.0),
]


@pytest.mark.parametrize(("item", "response", "expected"), CASES)
def test_score_table(item, response, expected):
    score = QT.score(item, response, OUTCOMES)
    assert score.earned == pytest.approx(expected)
    assert score.possible == item["points"]
    assert score.evidence["ESQF-E-18f"].earned == pytest.approx(expected)


def _raw(premises, responses=({"id": "r1", "text": "a"}, {"id": "r2", "text": "b"}), **extra):
    return {"premises": list(premises), "responses": list(responses), **extra}


@pytest.mark.parametrize(("raw", "field", "message"), [
    ({}, "payload.premises", "Missing data"),
    (_raw([{"id": "p1", "text": "x", "match": "r9"}]), "payload.premises.0.match",
     "No response with id 'r9'"),
    (_raw([{"id": "p1", "text": "x", "match": "r1"}, {"id": "p2", "text": "y", "match": "r7"}]),
     "payload.premises.1.match", "No response with id 'r7'"),
    (_raw([{"id": "p1", "text": "x", "match": "r1"}, {"id": "p1", "text": "y", "match": "r2"}]),
     "payload.premises", "repeated: p1"),
    (_raw([{"id": "p1", "text": "x", "match": "r1"}],
          [{"id": "r1", "text": "a"}, {"id": "r1", "text": "b"}]),
     "payload.responses", "repeated: r1"),
    (_raw([{"id": "p1", "text": "x"}]), "payload.premises.0.match", "Missing data"),
    (_raw([{"id": "p1", "text": "x", "match": "r1"}], [{"id": "r1", "text": "a"}]),
     "payload.responses", "Length must be between 2"),
    (_raw([]), "payload.premises", "Length must be between 1"),
    (_raw([{"id": "p1", "text": "x", "match": "r1"}], scoring="some"), "payload.scoring",
     "Must be one of"),
])
def test_malformed_payload_names_the_field(raw, field, message):
    with pytest.raises(ItemValidationError) as excinfo:
        QT.validate_payload(raw)
    assert field in excinfo.value.errors, excinfo.value.errors
    assert message in excinfo.value.errors[field]


@pytest.mark.parametrize(("raw", "field", "message"), [
    ({"matches": {"p9": "r1"}}, "response.matches", "Unknown premise."),
    ({"matches": {"p1": "r9"}}, "response.matches.p1", "Unknown response."),
    ({"matches": {"p1": 3}}, "response.matches.p1.value", "Not a valid string"),
    ({"matches": ["p1", "r1"]}, "response.matches", "Not a valid mapping"),
    ({}, "response.matches", "Missing data"),
])
def test_load_response_refuses(raw, field, message):
    with pytest.raises(ItemValidationError) as excinfo:
        QT.load_response(raw, PARTIAL)
    assert field in excinfo.value.errors, excinfo.value.errors
    assert message in excinfo.value.errors[field]


def test_response_from_form_reads_one_select_per_premise():
    form = {"p1": ["r2"], "p2": [""], "p3": ["r1"], "p4": [""]}
    assert QT.response_from_form(form) == {"matches": {"p1": "r2", "p3": "r1"}}
    # Setting every select back to "choose" saves that nothing is matched.
    assert QT.response_from_form({"p1": [""], "p2": [""]}) == {"matches": {}}
    assert QT.response_from_form({}) is None


def test_view_shuffles_responses_by_seed_and_hides_the_matches():
    item = payload({f"p{i}": f"r{i}" for i in range(6)},
                   responses=[f"r{i}" for i in range(8)])
    tokens = page_tokens()
    view, _ = present(QT, item, tokens)
    assert view == present(QT, item, page_tokens())[0]
    assert [p["id"] for p in view["premises"]] == \
        [tokens.token("premise", f"p{i}") for i in range(6)]
    assert [p["text"] for p in view["premises"]] == [f"Regel p{i}" for i in range(6)]
    assert all(set(p) == {"id", "text"} for p in view["premises"])
    assert sorted(r["id"] for r in view["responses"]) == \
        sorted(tokens.token("response", f"r{i}") for i in range(8))
    orders = {tuple(r["text"] for r in present(QT, item, page_tokens(f"a{s}"))[0]["responses"])
              for s in range(10)}
    assert len(orders) > 1
    rewired = payload({f"p{i}": f"r{(i + 1) % 8}" for i in range(6)},
                      responses=[f"r{i}" for i in range(8)])
    assert present(QT, rewired, page_tokens())[0] == view


def test_the_page_never_sees_the_author_ids():
    """Premise p1 matching response r1 would give the key away: the page gets tokens."""
    item = payload({"p1": "r1", "p2": "r2"})
    saved = {"matches": {"p1": "r1", "p2": "r3"}}
    view, encoded = present(QT, item, page_tokens(), saved)
    shown = {x["id"] for x in view["premises"] + view["responses"]}
    assert not shown & {"p1", "p2", "r1", "r2", "r3"}
    assert not set(encoded["matches"]) & {"p1", "p2"}
    form = {premise: [response] for premise, response in encoded["matches"].items()}
    assert accept(QT, QT.response_from_form(form), item, page_tokens()) == saved
    with pytest.raises(ItemValidationError):
        accept(QT, encoded, item, page_tokens("another-attempt"))
    with pytest.raises(ItemValidationError):
        accept(QT, saved, item, page_tokens())


def test_feedback_per_premise_and_solution():
    fb = QT.feedback(ALL, {"matches": {"p1": "r1", "p2": "r3"}})
    assert fb.correct is None
    assert fb.per_choice == {"p1": "Uitleg p1", "p2": "Uitleg p2"}
    assert fb.solution == {"matches": {"p1": "r1", "p2": "r2"}}
    assert QT.feedback(ALL, {"matches": {"p1": "r1", "p2": "r2"}}).correct is True
    assert QT.feedback(ALL, None).correct is False


@st.composite
def items_and_matches(draw):
    responses = [f"r{i}" for i in range(draw(st.integers(2, 6)))]
    premises = {f"p{i}": draw(st.sampled_from(responses))
                for i in range(draw(st.integers(1, 6)))}
    item = payload(premises, responses=responses, points=draw(st.floats(0.1, 10)),
                   scoring=draw(st.sampled_from(["partial", "all_or_nothing"])))
    matches = draw(st.none() | st.dictionaries(st.sampled_from(list(premises)),
                                               st.sampled_from(responses)))
    return item, matches


@given(items_and_matches())
def test_any_valid_response_scores_within_bounds(case):
    item, matches = case
    response = None if matches is None else QT.load_response({"matches": matches}, item)
    score = QT.score(item, response, OUTCOMES)
    assert 0 <= score.earned <= score.possible == item["points"]
    assert score == QT.score(item, response, OUTCOMES)
