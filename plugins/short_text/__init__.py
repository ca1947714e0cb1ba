"""Built-in plugin: short text answers, matched against the author's accepted answers.

The answers are tried in order and the first that matches wins; it gives ``score`` percent
of the item's points. ``match`` is ``exact`` (after trimming outer white space),
``case_insensitive`` (also folds runs of white space) or ``regex`` (``re.fullmatch``,
case-insensitive, on the trimmed answer; patterns are compiled when the bank is loaded).
"""

from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.domain.questiontypes import ItemValidationError, QuestionType
from engine.domain.scoring import Feedback, Score
from engine.hookspecs import hookimpl

MATCHES = ("exact", "case_insensitive", "regex")


class AnswerSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    match = fields.String(load_default="case_insensitive", validate=validate.OneOf(MATCHES))
    score = fields.Float(load_default=100.0, validate=validate.Range(min=0, max=100))
    feedback = fields.String(load_default="")

    @validates_schema
    def _check_pattern(self, data, **_kwargs):
        if data.get("match") == "regex":
            try:
                re.compile(data["text"], re.IGNORECASE)
            except re.error as exc:
                raise ValidationError(f"Not a valid regular expression: {exc}.", "text") from None


class ShortTextPayloadSchema(Schema):
    points = fields.Float(load_default=1.0, validate=validate.Range(min=0, min_inclusive=False))
    max_length = fields.Integer(load_default=200, validate=validate.Range(min=1, max=5000))
    answers = fields.List(fields.Nested(AnswerSchema), required=True,
                          validate=validate.Length(min=1, max=50))

    @validates_schema
    def _check_answers(self, data, **_kwargs):
        answers = data.get("answers") or []
        if not any(a["score"] == 100 for a in answers):
            raise ValidationError("At least one answer must be worth 100 (the full points).",
                                  "answers")
        errors = {}
        for index, answer in enumerate(answers):
            if answer["match"] != "regex" and len(answer["text"].strip()) > data["max_length"]:
                errors[index] = {"text": [f"Longer than max_length ({data['max_length']}): "
                                          "a learner could never type it."]}
        if errors:
            raise ValidationError({"answers": errors})


class ShortTextResponseSchema(Schema):
    text = fields.String(required=True)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def matches(answer: dict, text: str) -> bool:
    """Whether the learner's ``text`` matches one authored ``answer``."""
    given = text.strip()
    if answer["match"] == "exact":
        return given == answer["text"].strip()
    if answer["match"] == "case_insensitive":
        return _fold(given) == _fold(answer["text"])
    return re.fullmatch(answer["text"], given, re.IGNORECASE) is not None


def first_match(payload: dict, response: dict | None) -> dict | None:
    """The first authored answer the response matches, in order; None if none does."""
    if response is None:
        return None
    return next((a for a in payload["answers"] if matches(a, response["text"])), None)


class ShortTextQuestionType(QuestionType):
    name = "short_text"
    label = "Short text"
    payload_schema = ShortTextPayloadSchema
    response_schema = ShortTextResponseSchema
    templates = {
        "deliver": "questiontypes/short_text/deliver.html",
        "review": "questiontypes/short_text/review.html",
        "author": "questiontypes/short_text/author.html",
    }
    secret_fields = ("answers.*.text", "answers.*.match", "answers.*.score",
                     "answers.*.feedback")

    def load_response(self, raw, payload, *, previous=None):
        response = super().load_response(raw, payload)
        limit = payload.get("max_length", 200)
        if len(response["text"]) > limit:
            raise ItemValidationError(
                {"response.text": f"At most {limit} characters; this answer has "
                                  f"{len(response['text'])}."})
        return response

    def response_from_form(self, fields):
        values = fields.get("", [])
        return {"text": values[-1]} if values else None

    def learner_view(self, payload, *, seed=0, response=None):
        return {"max_length": payload.get("max_length", 200)}

    def score(self, payload, response, outcomes, *, grades=None):
        points = payload.get("points", 1.0)
        answer = first_match(payload, response)
        earned = points * answer["score"] / 100 if answer else 0.0
        return Score.for_outcomes(earned, points, outcomes)

    def feedback(self, payload, response, *, grades=None):
        answer = first_match(payload, response)
        share = answer["score"] if answer else 0.0
        verdict = True if share == 100 else None if share > 0 else False
        full = [a for a in payload["answers"] if a["score"] == 100]
        shown = [a["text"] for a in full if a["match"] != "regex"] or [a["text"] for a in full]
        return Feedback(correct=verdict, general=answer["feedback"] if answer else "",
                        solution={"accepted": shown, "score": share})


@hookimpl
def register_question_types():
    return [ShortTextQuestionType]
