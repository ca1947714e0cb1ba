"""Built-in plugin: mark the lines of a transcript that break a rule.

Lines flagged ``hotspot: true`` are the key; their ``feedback`` says which rule they break.
``partial`` scoring gives +1/nhot per hotspot marked and -1/ncold per other line marked,
floored at 0; ``all_or_nothing`` gives the points only for exactly the hotspots. The
learner sees every line with its speaker and text, in transcript order, without the flags.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.domain.questiontypes import ItemValidationError, QuestionType
from engine.domain.scoring import Feedback, Score
from engine.hookspecs import hookimpl


class LineSchema(Schema):
    id = fields.String(required=True)
    speaker = fields.String(required=True, validate=validate.Length(min=1, max=60))
    text = fields.String(required=True, validate=validate.Length(min=1))
    hotspot = fields.Boolean(load_default=False)
    feedback = fields.String(load_default="")


class HotspotTextPayloadSchema(Schema):
    scoring = fields.String(load_default="partial",
                            validate=validate.OneOf(["partial", "all_or_nothing"]))
    points = fields.Float(load_default=1.0, validate=validate.Range(min=0, min_inclusive=False))
    lines = fields.List(fields.Nested(LineSchema), required=True,
                        validate=validate.Length(min=2, max=200))

    @validates_schema
    def _check_lines(self, data, **_kwargs):
        lines = data.get("lines") or []
        if not any(line["hotspot"] for line in lines):
            raise ValidationError("Flag at least one line with `hotspot: true`.", "lines")


class HotspotTextResponseSchema(Schema):
    marked = fields.List(fields.String(), required=True,
                         validate=validate.Length(max=200))


def _sets(payload: dict, response: dict | None) -> tuple[set, set, set]:
    hot = {line["id"] for line in payload["lines"] if line["hotspot"]}
    cold = {line["id"] for line in payload["lines"] if not line["hotspot"]}
    marked = set((response or {}).get("marked") or [])
    return hot, cold, marked


class HotspotTextQuestionType(QuestionType):
    name = "hotspot_text"
    label = "Transcript: mark the lines"
    payload_schema = HotspotTextPayloadSchema
    response_schema = HotspotTextResponseSchema
    templates = {
        "deliver": "questiontypes/hotspot_text/deliver.html",
        "review": "questiontypes/hotspot_text/review.html",
        "author": "questiontypes/hotspot_text/author.html",
    }
    secret_fields = ("lines.*.hotspot", "lines.*.feedback")
    ids = {"line": "lines.*.id"}
    view_ids = {"lines.*.id": "line"}
    response_ids = {"marked.*": "line"}

    def load_response(self, raw, payload, *, previous=None):
        response = super().load_response(raw, payload)
        order = [line["id"] for line in payload["lines"]]
        if any(i not in order for i in response["marked"]):
            raise ItemValidationError({"response.marked": "Unknown line."})
        response["marked"] = [i for i in order if i in set(response["marked"])]
        return response

    def response_from_form(self, fields):
        return {"marked": list(fields.get("", []))}

    def learner_view(self, payload, *, seed=0, response=None):
        # The transcript's order is its meaning; author ids such as "hot1" become tokens.
        return {"lines": [{"id": line["id"], "speaker": line["speaker"], "text": line["text"]}
                          for line in payload["lines"]]}

    def random_response(self, payload, rng):
        return {"marked": [line["id"] for line in payload["lines"] if rng.random() < 0.5]}

    def score(self, payload, response, outcomes, *, grades=None):
        points = payload.get("points", 1.0)
        hot, cold, marked = _sets(payload, response)
        if payload.get("scoring", "partial") == "partial":
            share = len(marked & hot) / len(hot)
            if cold:
                share -= len(marked & cold) / len(cold)
            earned = points * max(0.0, share)
        else:
            earned = points if marked == hot else 0.0
        return Score.for_outcomes(earned, points, outcomes)

    def feedback(self, payload, response, *, grades=None):
        hot, _cold, marked = _sets(payload, response)
        verdict = True if marked == hot else None if marked & hot else False
        per_line = {line["id"]: line["feedback"] for line in payload["lines"]
                    if line["feedback"] and (line["hotspot"] or line["id"] in marked)}
        order = [line["id"] for line in payload["lines"]]
        return Feedback(correct=verdict, per_choice=per_line,
                        solution={"hotspots": [i for i in order if i in hot]})


@hookimpl
def register_question_types():
    return [HotspotTextQuestionType]
