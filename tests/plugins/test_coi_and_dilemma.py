"""COI exercises and ethics dilemmas: scoring tables, validation, human-graded parts."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.domain.questiontypes import ItemValidationError
from plugins.coi_exercise import CoiExerciseQuestionType
from plugins.ethics_dilemma import EthicsDilemmaQuestionType
from tests.plugins.samples import COI, DILEMMA

COI_QT, DIL_QT = CoiExerciseQuestionType(), EthicsDilemmaQuestionType()
COI_P = COI_QT.validate_payload(copy.deepcopy(COI))
DIL_P = DIL_QT.validate_payload(copy.deepcopy(DILEMMA))
OUT = ["ESQF-E-21e"]
GOOD = {"criteria": {"belang": "2", "kader": "1"}, "comment": "Goed"}


@pytest.mark.parametrize(("response", "earned"), [
    ({}, 0.0),
    ({"sources": ["src1"]}, 2.0),
    ({"sources": ["src1", "src2"]}, 0.0),          # (1 - 1) / 1
    ({"sources": ["src2"]}, 0.0),                  # floored at 0
    ({"statements": {"st1": {"verdict": "corroborated"}}}, 0.5),
    ({"statements": {"st1": {"verdict": "corroborated", "source": "src1"}}}, 1.0),
    ({"statements": {"st1": {"verdict": "contradicted", "source": "src1"}}}, 0.0),
    ({"statements": {"st2": {"verdict": "not_addressed"}}}, 1.0),
    ({"sources": ["src1"], "statements": {"st1": {"verdict": "corroborated", "source": "src1"},
                                          "st2": {"verdict": "not_addressed"}}}, 4.0),
])
def test_coi_machine_scoring(response, earned):
    loaded = COI_QT.load_response(response, COI_P)
    score = COI_QT.score(COI_P, loaded, OUT)
    assert score.earned == pytest.approx(earned)
    assert score.possible == 2 + 2 + 4  # sources + 2 statements + rubric max
    assert not score.pending


def test_coi_question_waits_for_a_trainer_then_counts():
    response = COI_QT.load_response({"sources": ["src1"], "question": "Kunt u uitleggen ...?"},
                                    COI_P)
    assert COI_QT.needs_human_grading(COI_P, response)
    provisional = COI_QT.score(COI_P, response, OUT)
    assert provisional.pending and provisional.earned == 2.0
    final = COI_QT.score(COI_P, response, OUT, grades=GOOD)
    assert not final.pending and final.earned == 5.0


@pytest.mark.parametrize(("change", "field"), [
    (lambda p: p.update(relevant_sources=["srcX"]), "payload.relevant_sources"),
    (lambda p: p["statements"][0].update(source=None), "payload.statements.0.source"),
    (lambda p: p["statements"][1].update(source="src1"), "payload.statements.1.source"),
    (lambda p: p["sources"][0].update(date="maart 2024"), "payload.sources.0.date"),
    (lambda p: p["confrontation"]["rubric"]["criteria"][0].update(levels=[]),
     "payload.confrontation.rubric.criteria.0.levels"),
])
def test_malformed_coi_names_the_field(change, field):
    payload = copy.deepcopy(COI)
    change(payload)
    with pytest.raises(ItemValidationError) as excinfo:
        COI_QT.validate_payload(payload)
    assert field in excinfo.value.errors, excinfo.value.errors


def test_coi_form_fields_become_a_response():
    raw = COI_QT.response_from_form({"sources": ["src1"], "v-st1": ["corroborated"],
                                     "s-st1": ["src1"], "v-st2": ["not_addressed"],
                                     "s-st2": [""], "question": ["Waarom?"]})
    assert raw == {"sources": ["src1"], "question": "Waarom?",
                   "statements": {"st1": {"verdict": "corroborated", "source": "src1"},
                                  "st2": {"verdict": "not_addressed"}}}
    with pytest.raises(ItemValidationError):
        COI_QT.load_response({"sources": ["nope"]}, COI_P)


@pytest.mark.parametrize(("option", "text", "grades", "earned", "pending"), [
    ("a", "", None, 4.0, False),
    ("b", "", None, 1.0, False),
    ("c", "", None, 0.0, False),
    (None, "", None, 0.0, False),
    ("a", "Omdat de minderjarige beschermd moet worden.", None, 4.0, True),
    ("a", "Omdat de minderjarige beschermd moet worden.", GOOD, 7.0, False),
    ("b", "Omdat ...", {"criteria": {"belang": "0", "kader": "0"}}, 1.0, False),
])
def test_dilemma_scoring(option, text, grades, earned, pending):
    response = DIL_QT.load_response({"option": option, "justification": text}, DIL_P)
    score = DIL_QT.score(DIL_P, response, OUT, grades=grades)
    assert score.earned == pytest.approx(earned)
    assert score.possible == 8.0
    assert score.pending is pending


def test_dilemma_needs_a_full_weight_option_and_known_axes():
    payload = copy.deepcopy(DILEMMA)
    payload["options"][0]["weight"] = 90
    with pytest.raises(ItemValidationError, match="full weight"):
        DIL_QT.validate_payload(payload)
    payload = copy.deepcopy(DILEMMA)
    payload["axes"] = ["left_right"]
    with pytest.raises(ItemValidationError) as excinfo:
        DIL_QT.validate_payload(payload)
    assert "payload.axes.0" in excinfo.value.errors


def test_grades_from_another_rubric_leave_the_answer_pending():
    response = DIL_QT.load_response({"option": "a", "justification": "Tekst"}, DIL_P)
    assert DIL_QT.score(DIL_P, response, OUT, grades={"criteria": {"x": "1"}}).pending


@given(st.sampled_from(["a", "b", "c", None]), st.text(max_size=50),
       st.one_of(st.none(), st.fixed_dictionaries({"criteria": st.fixed_dictionaries({
           "belang": st.sampled_from(["0", "1", "2"]),
           "kader": st.sampled_from(["0", "1", "2"])})})))
def test_dilemma_score_bounds(option, text, grades):
    response = DIL_QT.load_response({"option": option, "justification": text}, DIL_P)
    score = DIL_QT.score(DIL_P, response, OUT, grades=grades)
    assert 0 <= score.earned <= score.possible


@given(st.lists(st.sampled_from(["src1", "src2", "src3"]), unique=True),
       st.dictionaries(st.sampled_from(["st1", "st2"]), st.fixed_dictionaries({
           "verdict": st.sampled_from(["corroborated", "contradicted", "not_addressed"]),
           "source": st.sampled_from(["src1", "src2", "src3"])})))
def test_coi_score_bounds(sources, statements):
    response = COI_QT.load_response({"sources": sources, "statements": statements}, COI_P)
    score = COI_QT.score(COI_P, response, OUT)
    assert 0 <= score.earned <= score.possible


def test_a_statement_may_accept_several_supporting_sources():
    payload = copy.deepcopy(COI)
    payload["statements"][0]["source"] = ["src1", "src3"]
    loaded = COI_QT.validate_payload(payload)
    for source in ("src1", "src3"):
        response = COI_QT.load_response(
            {"statements": {"st1": {"verdict": "corroborated", "source": source}}}, loaded)
        assert COI_QT.score(loaded, response, OUT).earned == pytest.approx(1.0)
    payload["statements"][0]["source"] = ["src1", "nope"]
    with pytest.raises(ItemValidationError):
        COI_QT.validate_payload(payload)
