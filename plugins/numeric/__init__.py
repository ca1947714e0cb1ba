"""Built-in plugin: numeric answers with an absolute or relative tolerance.

A response is right when |value - answer| <= tolerance (``absolute``) or when it is within
``tolerance`` percent of the answer (``relative``). The form accepts a decimal comma
("1,5") as well as a decimal point.
"""

from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.domain.questiontypes import ItemValidationError, QuestionType
from engine.domain.scoring import Feedback, Score
from engine.hookspecs import hookimpl

NOT_A_NUMBER = "Enter a number, such as 15 or 1,5."
# An optional sign, digits, and at most one decimal separator (point or comma).
FORM_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")


class NumericPayloadSchema(Schema):
    answer = fields.Float(required=True, allow_nan=False)
    tolerance = fields.Float(load_default=0.0, allow_nan=False,
                             validate=validate.Range(min=0, error="Must be 0 or more."))
    tolerance_mode = fields.String(load_default="absolute",
                                   validate=validate.OneOf(["absolute", "relative"]))
    unit = fields.String(load_default="", validate=validate.Length(max=40))
    points = fields.Float(load_default=1.0, validate=validate.Range(min=0, min_inclusive=False))
    feedback = fields.String(load_default="")

    @validates_schema
    def _check_relative(self, data, **_kwargs):
        if data.get("tolerance_mode") == "relative" and data.get("tolerance", 0) > 100:
            raise ValidationError("A relative tolerance is a percentage: at most 100.",
                                  "tolerance")


class NumericResponseSchema(Schema):
    value = fields.Float(required=True, allow_nan=False,
                         error_messages={"invalid": NOT_A_NUMBER, "special": NOT_A_NUMBER})


def parse_number(text: str) -> float | None:
    """A number typed by a learner ("15", "1,5", "-0.25"); None when it is not one."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if not FORM_NUMBER.fullmatch(cleaned):
        return None
    return float(cleaned.replace(",", "."))


def within(payload: dict, value: float) -> bool:
    """Whether ``value`` is within the item's tolerance of its answer."""
    answer, tolerance = payload["answer"], payload.get("tolerance", 0.0)
    if payload.get("tolerance_mode") == "relative":
        tolerance = abs(answer) * tolerance / 100
    # A little slack for binary floating point: 0.1 + 0.2 is not quite 0.3.
    return abs(value - answer) <= tolerance + 1e-9 * max(1.0, abs(answer))


class NumericQuestionType(QuestionType):
    name = "numeric"
    label = "Numeric answer"
    payload_schema = NumericPayloadSchema
    response_schema = NumericResponseSchema
    templates = {
        "deliver": "questiontypes/numeric/deliver.html",
        "review": "questiontypes/numeric/review.html",
        "author": "questiontypes/numeric/author.html",
    }
    secret_fields = ("answer", "tolerance", "feedback")

    def response_from_form(self, fields):
        values = fields.get("", [])
        if not values or not values[-1].strip():
            return None
        number = parse_number(values[-1])
        # Not a number: passed on as typed, for load_response to refuse with a clear message.
        return {"value": values[-1] if number is None else number}

    def load_response(self, raw, payload, *, previous=None):
        if isinstance(raw, dict) and isinstance(raw.get("value"), str):
            number = parse_number(raw["value"])
            if number is None:
                raise ItemValidationError({"response.value": NOT_A_NUMBER})
            raw = {**raw, "value": number}
        return super().load_response(raw, payload)

    def learner_view(self, payload, *, seed=0, response=None):
        return {"unit": payload.get("unit", "")}

    def _right(self, payload, response) -> bool:
        return response is not None and within(payload, response["value"])

    def score(self, payload, response, outcomes, *, grades=None):
        points = payload.get("points", 1.0)
        return Score.for_outcomes(points if self._right(payload, response) else 0.0, points,
                                  outcomes)

    def feedback(self, payload, response, *, grades=None):
        return Feedback(correct=self._right(payload, response),
                        general=payload.get("feedback", ""),
                        solution={"answer": payload["answer"],
                                  "tolerance": payload.get("tolerance", 0.0),
                                  "tolerance_mode": payload.get("tolerance_mode", "absolute"),
                                  "unit": payload.get("unit", "")})


@hookimpl
def register_question_types():
    return [NumericQuestionType]
