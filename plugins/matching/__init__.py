"""Built-in plugin: match each premise to one of the responses.

Each premise names the id of its matching response (``match``); responses may include
distractors and one response may match several premises. The learner sees the premises in
the authored order and the responses shuffled by the attempt's seed, and picks a response
per premise with one select each. ``partial`` gives the share of premises matched right,
``all_or_nothing`` the points only when every premise is matched right. A premise may carry
``feedback``, shown after grading.
"""

from __future__ import annotations

import random

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.domain.questiontypes import ItemValidationError, QuestionType
from engine.domain.scoring import Feedback, Score
from engine.hookspecs import hookimpl


class PremiseSchema(Schema):
    id = fields.String(required=True)
    text = fields.String(required=True, validate=validate.Length(min=1))
    match = fields.String(required=True)
    feedback = fields.String(load_default="")


class ResponseOptionSchema(Schema):
    id = fields.String(required=True)
    text = fields.String(required=True, validate=validate.Length(min=1))


class MatchingPayloadSchema(Schema):
    scoring = fields.String(load_default="partial",
                            validate=validate.OneOf(["partial", "all_or_nothing"]))
    points = fields.Float(load_default=1.0, validate=validate.Range(min=0, min_inclusive=False))
    premises = fields.List(fields.Nested(PremiseSchema), required=True,
                           validate=validate.Length(min=1, max=26))
    responses = fields.List(fields.Nested(ResponseOptionSchema), required=True,
                            validate=validate.Length(min=2, max=26))

    @validates_schema
    def _check_links(self, data, **_kwargs):
        errors: dict = {}
        known = {r["id"] for r in data.get("responses") or []}
        unknown = {index: {"match": [f"No response with id {p['match']!r}."]}
                   for index, p in enumerate(data.get("premises") or [])
                   if p["match"] not in known}
        if unknown:
            errors["premises"] = unknown
        if errors:
            raise ValidationError(errors)


class MatchingResponseSchema(Schema):
    matches = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


def _right(payload: dict, response: dict | None) -> int:
    given = (response or {}).get("matches") or {}
    return sum(1 for p in payload["premises"] if given.get(p["id"]) == p["match"])


class MatchingQuestionType(QuestionType):
    name = "matching"
    label = "Matching"
    payload_schema = MatchingPayloadSchema
    response_schema = MatchingResponseSchema
    templates = {
        "deliver": "questiontypes/matching/deliver.html",
        "review": "questiontypes/matching/review.html",
        "author": "questiontypes/matching/author.html",
    }
    secret_fields = ("premises.*.match", "premises.*.feedback")
    ids = {"premise": "premises.*.id", "response": "responses.*.id"}
    view_ids = {"premises.*.id": "premise", "responses.*.id": "response"}
    response_ids = {"matches.~": "premise", "matches.*": "response"}

    def load_response(self, raw, payload, *, previous=None):
        response = super().load_response(raw, payload)
        premises = {p["id"] for p in payload["premises"]}
        responses = {r["id"] for r in payload["responses"]}
        for premise, chosen in response["matches"].items():
            if premise not in premises:
                raise ItemValidationError({"response.matches": "Unknown premise."})
            if chosen not in responses:
                raise ItemValidationError({f"response.matches.{premise}": "Unknown response."})
        return response

    def response_from_form(self, fields):
        """One select per premise, named ``item-<position>.<premise token>``; a premise left
        on "choose" is absent from the response."""
        matches = {premise: values[-1] for premise, values in fields.items()
                   if premise and values and values[-1]}
        if not matches and not any(fields.values()):
            return None
        return {"matches": matches}

    def learner_view(self, payload, *, seed=0, response=None):
        responses = [{"id": r["id"], "text": r["text"]} for r in payload["responses"]]
        random.Random(seed).shuffle(responses)
        return {"premises": [{"id": p["id"], "text": p["text"]} for p in payload["premises"]],
                "responses": responses}

    def random_response(self, payload, rng):
        responses = [r["id"] for r in payload["responses"]]
        return {"matches": {p["id"]: rng.choice(responses) for p in payload["premises"]}}

    def score(self, payload, response, outcomes, *, grades=None):
        points = payload.get("points", 1.0)
        right, total = _right(payload, response), len(payload["premises"])
        if payload.get("scoring", "partial") == "partial":
            earned = points * right / total
        else:
            earned = points if right == total else 0.0
        return Score.for_outcomes(earned, points, outcomes)

    def feedback(self, payload, response, *, grades=None):
        right, total = _right(payload, response), len(payload["premises"])
        verdict = True if right == total else None if right else False
        return Feedback(
            correct=verdict,
            per_choice={p["id"]: p["feedback"] for p in payload["premises"] if p["feedback"]},
            solution={"matches": {p["id"]: p["match"] for p in payload["premises"]}})


@hookimpl
def register_question_types():
    return [MatchingQuestionType]
