"""The conformance kit run against every built-in question type and the outside test plugin."""

from __future__ import annotations

import sys

from hypothesis import strategies as st

from engine.config import ROOT
from engine.testing import QuestionTypeConformance
from plugins.choice import ChoiceQuestionType

sys.path.insert(0, str(ROOT / "tests" / "data" / "plugins"))
from oe_yesno import YesNoQuestionType  # noqa: E402

sys.path.pop(0)


def _options(n, correct):
    return [{"id": f"o{i}", "text": f"Optie {i}", "correct": i in correct,
             "feedback": f"Uitleg bij optie {i}"} for i in range(n)]


class TestChoiceConformance(QuestionTypeConformance):
    question_type = ChoiceQuestionType
    payloads = [
        {"options": _options(4, {1})},
        {"multiple": True, "scoring": "partial", "options": _options(5, {0, 3})},
        {"multiple": True, "options": _options(3, {0, 1, 2}), "points": 2},
    ]

    @staticmethod
    def responses(payload):
        ids = [o["id"] for o in payload["options"]]
        return st.fixed_dictionaries({"choices": st.lists(st.sampled_from(ids), unique=True)})


class TestChoiceNumericIdsConformance(TestChoiceConformance):
    """Ids that look like list indices: an error path must not tell which token is "1"."""

    payloads = [{"options": [{"id": str(n), "text": f"Optie {n}", "correct": n == 3}
                             for n in range(1, 5)]}]


class TestYesNoConformance(QuestionTypeConformance):
    question_type = YesNoQuestionType
    payloads = [{"answer": "yes"}, {"answer": "no"}]
    template_dirs = [ROOT / "tests" / "data" / "plugins" / "oe_yesno" / "templates"]


from plugins.coi_exercise import CoiExerciseQuestionType  # noqa: E402
from plugins.ethics_dilemma import EthicsDilemmaQuestionType  # noqa: E402
from plugins.interview_scenario import InterviewScenarioQuestionType  # noqa: E402
from tests.plugins.samples import COI, DILEMMA, SCENARIO  # noqa: E402


class TestInterviewScenarioConformance(QuestionTypeConformance):
    question_type = InterviewScenarioQuestionType
    payloads = [SCENARIO]

    @staticmethod
    def responses(payload):
        return st.sampled_from([{"path": p} for p in
                                ([], ["c1"], ["c1", "c3"], ["c2", "c5", "c4"], ["c2", "c6"])])


class TestCoiExerciseConformance(QuestionTypeConformance):
    question_type = CoiExerciseQuestionType
    payloads = [COI]
    public_fields = ("sources.*.id",)  # the key names sources the learner sees anyway

    @staticmethod
    def responses(payload):
        return st.fixed_dictionaries({
            "sources": st.lists(st.sampled_from(["src1", "src2", "src3"]), unique=True),
            "question": st.text(max_size=30)})


class TestEthicsDilemmaConformance(QuestionTypeConformance):
    question_type = EthicsDilemmaQuestionType
    payloads = [DILEMMA]

    @staticmethod
    def responses(payload):
        return st.fixed_dictionaries({"option": st.sampled_from(["a", "b", "c"]),
                                      "justification": st.text(max_size=40)})
