"""Built-in plugin: true/false items.

The learner states whether a claim is true. ``feedback_true`` is shown to a learner who
answered "true", ``feedback_false`` to one who answered "false"; ``answer`` is the key.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine.domain.questiontypes import QuestionType
from engine.domain.scoring import Feedback, Score
from engine.hookspecs import hookimpl

FORM_VALUES = {"true": True, "false": False}


class TrueFalsePayloadSchema(Schema):
    answer = fields.Boolean(required=True, truthy={True}, falsy={False})
    points = fields.Float(load_default=1.0, validate=validate.Range(min=0, min_inclusive=False))
    feedback_true = fields.String(load_default="")
    feedback_false = fields.String(load_default="")


class TrueFalseResponseSchema(Schema):
    value = fields.Boolean(required=True, truthy={True}, falsy={False},
                           error_messages={"invalid": "Answer true or false."})


class TrueFalseQuestionType(QuestionType):
    name = "true_false"
    label = "True or false"
    payload_schema = TrueFalsePayloadSchema
    response_schema = TrueFalseResponseSchema
    templates = {
        "deliver": "questiontypes/true_false/deliver.html",
        "review": "questiontypes/true_false/review.html",
        "author": "questiontypes/true_false/author.html",
    }
    secret_fields = ("answer", "feedback_true", "feedback_false")

    def response_from_form(self, fields):
        values = fields.get("", [])
        if not values:
            return None
        # An unknown value is passed on as it is, for load_response to refuse by name.
        return {"value": FORM_VALUES.get(values[-1], values[-1])}

    def learner_view(self, payload, *, seed=0, response=None):
        return {}  # the claim is the stem; the key stays on the server

    def random_response(self, payload, rng):
        return {"value": rng.random() < 0.5}

    def _right(self, payload, response) -> bool:
        return response is not None and response.get("value") is payload["answer"]

    def score(self, payload, response, outcomes, *, grades=None):
        points = payload.get("points", 1.0)
        return Score.for_outcomes(points if self._right(payload, response) else 0.0, points,
                                  outcomes)

    def feedback(self, payload, response, *, grades=None):
        per_choice = {}
        if response is not None:
            key = "true" if response["value"] else "false"
            text = payload.get(f"feedback_{key}", "")
            if text:
                per_choice[key] = text
        return Feedback(correct=self._right(payload, response), per_choice=per_choice,
                        solution={"answer": payload["answer"]})


@hookimpl
def register_question_types():
    return [TrueFalseQuestionType]
