"""A tiny third-party question type, installed through the entry-point group only.

It lives outside ``engine/`` and ``plugins/`` on purpose: the test that uses it proves a
plugin needs no change to the engine.
"""

from pathlib import Path

import pluggy
from marshmallow import Schema, fields, validate

from engine.domain.questiontypes import QuestionType
from engine.domain.scoring import Feedback, Score

hookimpl = pluggy.HookimplMarker("outcome_engine")


class YesNoPayload(Schema):
    answer = fields.String(required=True, validate=validate.OneOf(["yes", "no"]))


class YesNoResponse(Schema):
    value = fields.String(required=True, validate=validate.OneOf(["yes", "no"]))


class YesNoQuestionType(QuestionType):
    name = "yes_no"
    label = "Yes or no"
    payload_schema = YesNoPayload
    response_schema = YesNoResponse
    templates = {"deliver": "yes_no/deliver.html", "review": "yes_no/review.html"}
    secret_fields = ("answer",)

    def response_from_form(self, fields):
        values = fields.get("", [])
        return {"value": values[-1]} if values else None

    def learner_view(self, payload, *, seed=0):
        return {}

    def score(self, payload, response, outcomes):
        right = response is not None and response["value"] == payload["answer"]
        return Score.for_outcomes(1.0 if right else 0.0, 1.0, outcomes)

    def feedback(self, payload, response):
        right = response is not None and response["value"] == payload["answer"]
        return Feedback(correct=right, solution={"answer": payload["answer"]})


@hookimpl
def register_question_types():
    return [YesNoQuestionType]


@hookimpl
def extra_template_dirs():
    return [str(Path(__file__).parent / "templates")]
