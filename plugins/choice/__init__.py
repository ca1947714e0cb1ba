"""Built-in plugin: single-choice and multiple-response items."""

from __future__ import annotations

import random

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.domain.questiontypes import ItemValidationError, QuestionType
from engine.domain.scoring import Feedback, Score
from engine.hookspecs import hookimpl


class OptionSchema(Schema):
    id = fields.String(required=True)
    text = fields.String(required=True, validate=validate.Length(min=1))
    correct = fields.Boolean(load_default=False)
    feedback = fields.String(load_default="")


class ChoicePayloadSchema(Schema):
    multiple = fields.Boolean(load_default=False)
    scoring = fields.String(load_default="all_or_nothing",
                            validate=validate.OneOf(["all_or_nothing", "partial"]))
    shuffle = fields.Boolean(load_default=True)
    points = fields.Float(load_default=1.0, validate=validate.Range(min=0, min_inclusive=False))
    options = fields.List(fields.Nested(OptionSchema), required=True,
                          validate=validate.Length(min=2, max=26))

    @validates_schema
    def _check_key(self, data, **_kwargs):
        options = data.get("options") or []
        correct = sum(1 for o in options if o["correct"])
        if not data.get("multiple") and correct != 1:
            raise ValidationError(
                f"A single-choice item needs exactly one correct option; it has {correct}.",
                "options")
        if data.get("multiple") and correct < 1:
            raise ValidationError("A multiple-response item needs at least one correct option.",
                                  "options")


class ChoiceResponseSchema(Schema):
    choices = fields.List(fields.String(), required=True,
                          validate=validate.Length(max=26))


class ChoiceQuestionType(QuestionType):
    name = "choice"
    label = "Multiple choice (single or multiple answer)"
    payload_schema = ChoicePayloadSchema
    response_schema = ChoiceResponseSchema
    templates = {
        "deliver": "questiontypes/choice/deliver.html",
        "review": "questiontypes/choice/review.html",
        "author": "questiontypes/choice/author.html",
    }
    secret_fields = ("options.*.correct", "options.*.feedback")
    ids = {"option": "options.*.id"}
    view_ids = {"options.*.id": "option"}
    response_ids = {"choices.*": "option"}

    def load_response(self, raw, payload, *, previous=None):
        response = super().load_response(raw, payload)
        known = {o["id"] for o in payload["options"]}
        if any(c not in known for c in response["choices"]):
            raise ItemValidationError({"response.choices": "Unknown option."})
        if not payload["multiple"] and len(response["choices"]) > 1:
            raise ItemValidationError({"response.choices": "Choose one option only."})
        response["choices"] = sorted(set(response["choices"]))
        return response

    def response_from_form(self, fields):
        return {"choices": list(fields.get("", []))}

    def learner_view(self, payload, *, seed=0, response=None):
        options = [{"id": o["id"], "text": o["text"]} for o in payload["options"]]
        if payload.get("shuffle", True):
            random.Random(seed).shuffle(options)
        return {"multiple": payload["multiple"], "options": options}

    def cue_options(self, payload):
        return {"options": [{"id": o["id"], "text": o["text"],
                             "credit": 1.0 if o["correct"] else 0.0}
                            for o in payload["options"]],
                "multiple": payload["multiple"], "shuffled": payload.get("shuffle", True)}

    def response_for(self, payload, chosen):
        return {"choices": sorted(chosen)}

    def random_response(self, payload, rng):
        ids = [o["id"] for o in payload["options"]]
        if not payload["multiple"]:
            return {"choices": [rng.choice(ids)]}
        return {"choices": sorted(rng.sample(ids, rng.randint(1, len(ids))))}

    def score(self, payload, response, outcomes, *, grades=None):
        points = payload.get("points", 1.0)
        chosen = set((response or {}).get("choices") or [])
        correct = {o["id"] for o in payload["options"] if o["correct"]}
        wrong = {o["id"] for o in payload["options"] if not o["correct"]}
        if payload.get("scoring") == "partial" and payload["multiple"]:
            # Per option, with negative marking floored at 0 (Moodle's usual rule).
            share = len(chosen & correct) / len(correct)
            if wrong:
                share -= len(chosen & wrong) / len(wrong)
            earned = points * max(0.0, share)
        else:
            earned = points if chosen == correct else 0.0
        return Score.for_outcomes(earned, points, outcomes)

    def feedback(self, payload, response, *, grades=None):
        chosen = set((response or {}).get("choices") or [])
        correct = {o["id"] for o in payload["options"] if o["correct"]}
        per_choice = {o["id"]: o["feedback"] for o in payload["options"]
                      if o["id"] in chosen and o.get("feedback")}
        if chosen == correct:
            verdict = True
        elif chosen & correct and payload["multiple"]:
            verdict = None
        else:
            verdict = False
        return Feedback(correct=verdict, per_choice=per_choice,
                        solution={"correct": sorted(correct)})


@hookimpl
def register_question_types():
    return [ChoiceQuestionType]
