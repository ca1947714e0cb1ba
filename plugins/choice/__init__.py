"""Built-in plugin: single-choice and multiple-response items."""

from __future__ import annotations

import random

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.domain.questiontypes import ItemValidationError, QuestionType, Tokens
from engine.domain.scoring import Feedback, Score
from engine.hookspecs import hookimpl

ID = validate.Regexp(r"^[A-Za-z0-9_-]{1,40}$", error="Use letters, digits, - or _ (at most 40).")


class OptionSchema(Schema):
    id = fields.String(required=True, validate=ID)
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
        ids = [o["id"] for o in options]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValidationError(f"Option ids must be unique; repeated: {', '.join(duplicates)}.",
                                  "options")
        correct = sum(1 for o in options if o["correct"])
        if not data.get("multiple") and correct != 1:
            raise ValidationError(
                f"A single-choice item needs exactly one correct option; it has {correct}.",
                "options")
        if data.get("multiple") and correct < 1:
            raise ValidationError("A multiple-response item needs at least one correct option.",
                                  "options")


class ChoiceResponseSchema(Schema):
    choices = fields.List(fields.String(validate=ID), required=True,
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

    def load_response(self, raw, payload, *, previous=None):
        response = super().load_response(raw, payload)
        known = {o["id"] for o in payload["options"]}
        unknown = [c for c in response["choices"] if c not in known]
        if unknown:
            raise ItemValidationError({"response.choices": f"Unknown option: {unknown[0]}."})
        if not payload["multiple"] and len(response["choices"]) > 1:
            raise ItemValidationError({"response.choices": "Choose one option only."})
        response["choices"] = sorted(set(response["choices"]))
        return response

    def response_from_form(self, fields):
        return {"choices": list(fields.get("", []))}

    def encode_response(self, response, payload, *, seed=0):
        hide = Tokens(seed).hide
        return {**response, "choices": [hide(c) for c in response.get("choices") or []]}

    def decode_response(self, raw, payload, *, seed=0):
        if not isinstance(raw, dict) or not isinstance(raw.get("choices"), list):
            return raw
        tokens, ids = Tokens(seed), [o["id"] for o in payload["options"]]
        return {**raw, "choices": [tokens.reveal(c, ids) for c in raw["choices"]]}

    def learner_view(self, payload, *, seed=0, response=None):
        hide = Tokens(seed).hide
        options = [{"id": hide(o["id"]), "text": o["text"]} for o in payload["options"]]
        if payload.get("shuffle", True):
            random.Random(seed).shuffle(options)
        return {"multiple": payload["multiple"], "options": options}

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
