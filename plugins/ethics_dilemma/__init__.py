"""Built-in plugin: ethics dilemmas (seeds 001 and 004; axes from seed 003).

A situation without a single right answer: the learner chooses an option, credited by the
experts' weight for it, and writes a justification that a trainer grades with a rubric.
The result stays provisional until the justification is graded.
"""

from __future__ import annotations

import random
from dataclasses import replace

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.domain import rubrics
from engine.domain.questiontypes import ItemValidationError, QuestionType
from engine.domain.scoring import Feedback, Score
from engine.hookspecs import hookimpl

#: The three dilemma axes of the competence profiles (seed 003).
AXES = ("consolidate_renew", "task_people", "support_steer")


class OptionSchema(Schema):
    id = fields.String(required=True)
    text = fields.String(required=True, validate=validate.Length(min=1))
    weight = fields.Float(required=True, validate=validate.Range(min=0, max=100))
    feedback = fields.String(load_default="")


class JustificationSchema(Schema):
    prompt = fields.String(required=True, validate=validate.Length(min=1))
    min_words = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1000))
    rubric = fields.Nested(rubrics.RubricSchema, required=True)


class DilemmaPayloadSchema(Schema):
    options = fields.List(fields.Nested(OptionSchema), required=True,
                          validate=validate.Length(min=2, max=8))
    axes = fields.List(fields.String(validate=validate.OneOf(AXES)), load_default=list)
    points = fields.Float(load_default=4.0, validate=validate.Range(min=0))
    shuffle = fields.Boolean(load_default=True)
    justification = fields.Nested(JustificationSchema, required=True)

    @validates_schema
    def _check(self, data, **_kwargs):
        options = data.get("options") or []
        if options and max(o["weight"] for o in options) < 100:
            raise ValidationError("At least one option carries the full weight (100).",
                                  "options")


class DilemmaResponseSchema(Schema):
    option = fields.String(load_default=None, allow_none=True)
    justification = fields.String(load_default="", validate=validate.Length(max=10000))


def word_count(text: str) -> int:
    return len((text or "").split())


class EthicsDilemmaQuestionType(QuestionType):
    name = "ethics_dilemma"
    label = "Ethics dilemma (weighted options and a graded justification)"
    payload_schema = DilemmaPayloadSchema
    response_schema = DilemmaResponseSchema
    templates = {
        "deliver": "questiontypes/ethics_dilemma/deliver.html",
        "review": "questiontypes/ethics_dilemma/review.html",
        "author": "questiontypes/ethics_dilemma/author.html",
    }
    secret_fields = ("options.*.weight", "options.*.feedback", "justification.rubric")
    ids = {"option": "options.*.id"}
    view_ids = {"options.*.id": "option"}
    response_ids = {"option": "option"}

    def load_response(self, raw, payload, *, previous=None):
        response = super().load_response(raw, payload)
        if response["option"] is not None and response["option"] not in {
                o["id"] for o in payload["options"]}:
            raise ItemValidationError({"response.option": "Unknown option."})
        return response

    def response_from_form(self, fields):
        option = (fields.get("") or [None])[-1]
        return {"option": option or None,
                "justification": (fields.get("justification") or [""])[-1]}

    def learner_view(self, payload, *, seed=0, response=None):
        options = [{"id": o["id"], "text": o["text"]} for o in payload["options"]]
        if payload.get("shuffle", True):
            random.Random(seed).shuffle(options)
        justification = payload["justification"]
        return {"options": options, "prompt": justification["prompt"],
                "min_words": justification["min_words"]}

    def cue_options(self, payload):
        return {"options": [{"id": o["id"], "text": o["text"], "credit": o["weight"] / 100}
                            for o in payload["options"]],
                "multiple": False, "shuffled": payload.get("shuffle", True)}

    def response_for(self, payload, chosen):
        return {"option": chosen[0] if chosen else None, "justification": ""}

    def random_response(self, payload, rng):
        return {"option": rng.choice(payload["options"])["id"], "justification": ""}

    def needs_human_grading(self, payload, response=None):
        return bool(((response or {}).get("justification") or "").strip())

    def rubric(self, payload):
        return payload["justification"]["rubric"]

    def score(self, payload, response, outcomes, *, grades=None):
        response = response or {}
        weights = {o["id"]: o["weight"] for o in payload["options"]}
        earned = payload["points"] * weights.get(response.get("option"), 0.0) / 100
        rubric = self.rubric(payload)
        rubric_max = rubrics.max_points(rubric)
        pending = False
        if self.needs_human_grading(payload, response):
            given = rubrics.points(rubric, grades)
            pending = given is None
            earned += min(given or 0.0, rubric_max)
        score = Score.for_outcomes(earned, payload["points"] + rubric_max, outcomes)
        return replace(score, pending=True) if pending else score

    def feedback(self, payload, response, *, grades=None):
        chosen = (response or {}).get("option")
        best = max(payload["options"], key=lambda o: o["weight"])
        per_choice = {o["id"]: o["feedback"] for o in payload["options"]
                      if o["id"] == chosen and o["feedback"]}
        return Feedback(correct=None, per_choice=per_choice, solution={
            "weights": {o["id"]: o["weight"] for o in payload["options"]},
            "best": best["id"], "rubric": self.rubric(payload), "grades": grades,
            "words": word_count((response or {}).get("justification", "")),
            "min_words": payload["justification"]["min_words"]})


@hookimpl
def register_question_types():
    return [EthicsDilemmaQuestionType]
