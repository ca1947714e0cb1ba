"""Interview scenarios: graph checks, path walking, scoring against the best path."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.domain.presentation import present
from engine.domain.questiontypes import ItemValidationError
from engine.testing import page_tokens
from plugins.interview_scenario import InterviewScenarioQuestionType
from tests.plugins.samples import SCENARIO

QT = InterviewScenarioQuestionType()
PAYLOAD = QT.validate_payload(copy.deepcopy(SCENARIO))
OUT = ["ESQF-E-18e"]


@pytest.mark.parametrize(("path", "expected"), [
    ([], 0.0),
    (["c1"], 5.0),                 # best path c1 -> c3 weighs 200
    (["c1", "c3"], 10.0),
    (["c1", "c4"], 6.0),           # 120 / 200
    (["c2", "c5", "c3"], 8.0),     # 0 + 60 + 100 = 160 / 200
    (["c2", "c6"], 0.0),
])
def test_score_relates_the_path_to_the_best_path(path, expected):
    response = QT.load_response({"path": path}, PAYLOAD)
    assert QT.score(PAYLOAD, response, OUT).earned == pytest.approx(expected)


def _broken(change):
    payload = copy.deepcopy(SCENARIO)
    change(payload)
    return payload


@pytest.mark.parametrize(("change", "field", "message"), [
    (lambda p: p.update(start="nope"), "payload.start", "No step 'nope'"),
    (lambda p: p["steps"][0]["choices"][0].update(next="ghost"),
     "payload.steps.0.choices.0.next", "No step 'ghost'"),
    (lambda p: p["steps"][1]["choices"][0].update(next="s1"), "payload.steps", "loops"),
    (lambda p: p["steps"].append({"id": "s9", "situation": "x", "choices": [
        {"id": "c9", "text": "x", "weight": 10, "feedback": "x"}]}),
     "payload.steps", "not reachable from the start: s9"),
    (lambda p: p["steps"][0]["choices"][0].update(weight=120),
     "payload.steps.0.choices.0.weight", "less than or equal to 100"),
    (lambda p: p["steps"][2]["choices"][0].update(id="c1"), "payload.steps",
     "Choice ids must be unique"),
    (lambda p: p["steps"][0]["choices"][1].pop("feedback"),
     "payload.steps.0.choices.1.feedback", "Missing data"),
])
def test_malformed_scenario_names_the_field(change, field, message):
    with pytest.raises(ItemValidationError) as excinfo:
        QT.validate_payload(_broken(change))
    assert field in excinfo.value.errors, excinfo.value.errors
    assert message in excinfo.value.errors[field]


def test_path_must_follow_the_graph_and_never_walks_back():
    with pytest.raises(ItemValidationError, match="not a choice of this step"):
        QT.load_response({"path": ["c3"]}, PAYLOAD)
    with pytest.raises(ItemValidationError, match="already ended"):
        QT.load_response({"path": ["c1", "c3", "c5"]}, PAYLOAD)
    with pytest.raises(ItemValidationError, match="cannot be changed"):
        QT.load_response({"path": ["c2"]}, PAYLOAD, previous={"path": ["c1"]})
    assert QT.load_response({"path": ["c1", "c3"]}, PAYLOAD,
                            previous={"path": ["c1"]})["path"] == ["c1", "c3"]


def test_learner_sees_only_the_path_and_the_current_choices():
    tokens = page_tokens()
    view, _ = present(QT, PAYLOAD, tokens, {"path": ["c1"]})
    assert view["taken"] == [{"situation": SCENARIO["steps"][0]["situation"],
                              "choice": SCENARIO["steps"][0]["choices"][0]["text"]}]
    assert view["current"]["situation"] == SCENARIO["steps"][1]["situation"]
    hide = tokens.token
    assert {c["id"] for c in view["current"]["choices"]} == {hide("choice", "c3"),
                                                               hide("choice", "c4")}
    assert view["path"] == [hide("choice", "c1")]
    text = repr(view)
    for step in SCENARIO["steps"]:
        for choice in step["choices"]:
            assert choice["feedback"] not in text
    assert SCENARIO["steps"][2]["situation"] not in text  # an unreached branch
    assert "weight" not in text and "next" not in text
    done = QT.learner_view(PAYLOAD, seed=1, response={"path": ["c1", "c3"]})
    assert done["finished"] and done["current"] is None


def test_feedback_names_the_better_choice():
    feedback = QT.feedback(PAYLOAD, {"path": ["c2", "c6"]})
    steps = feedback.solution["steps"]
    assert steps[0]["best"]["id"] == "c1"
    assert steps[1]["best"]["id"] == "c5"
    assert feedback.solution["finished"]


@st.composite
def walks(draw):
    path, step = [], "s1"
    by_id = {s["id"]: s for s in PAYLOAD["steps"]}
    while step and draw(st.booleans()):
        choice = draw(st.sampled_from(by_id[step]["choices"]))
        path.append(choice["id"])
        step = choice["next"]
    return {"path": path}


@given(walks())
def test_any_walk_scores_within_bounds(response):
    score = QT.score(PAYLOAD, QT.load_response(response, PAYLOAD), OUT)
    assert 0 <= score.earned <= score.possible == 10
