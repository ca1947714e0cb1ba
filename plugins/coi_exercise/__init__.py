"""Built-in plugin: country-of-origin information (COI) exercises (ESQF rows 19-22).

The learner reads a case and source excerpts that belong to the item, chooses the sources
that are relevant and reliable, judges statements as corroborated, contradicted or not
addressed by the sources (naming the supporting source), and may write a non-leading
confrontation question that a trainer grades with a rubric.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import replace

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.domain import rubrics
from engine.domain.questiontypes import ItemValidationError, QuestionType
from engine.domain.scoring import Feedback, Score
from engine.hookspecs import hookimpl

VERDICTS = ("corroborated", "contradicted", "not_addressed")


class DateText(fields.String):
    """A date as text; YAML reads an unquoted ``2025-03-01`` as a date, which is fine too."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, datetime.date):
            value = value.isoformat()[:10]
        return super()._deserialize(value, attr, data, **kwargs)


class SourceSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    publisher = fields.String(required=True, validate=validate.Length(min=1, max=200))
    date = DateText(required=True, validate=validate.Regexp(
        r"^\d{4}(-\d{2}(-\d{2})?)?$", error="Write the date as YYYY, YYYY-MM or YYYY-MM-DD."))
    text = fields.String(required=True, validate=validate.Length(min=1))
    written_for_exercise = fields.Boolean(load_default=True)


class SourceRef(fields.Field):
    """The supporting source of a statement: one id, or a list of ids when several sources
    support it equally (any of them earns the point)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return value if len(value) > 1 else value[0]
        raise ValidationError("Name a source id, or a list of source ids.")


def accepted_sources(statement: dict) -> list[str]:
    source = statement.get("source")
    return [] if not source else [source] if isinstance(source, str) else list(source)


class StatementSchema(Schema):
    id = fields.String(required=True)
    text = fields.String(required=True, validate=validate.Length(min=1))
    verdict = fields.String(required=True, validate=validate.OneOf(VERDICTS))
    source = SourceRef(load_default=None, allow_none=True)
    feedback = fields.String(load_default="")


class ConfrontationSchema(Schema):
    prompt = fields.String(required=True, validate=validate.Length(min=1))
    rubric = fields.Nested(rubrics.RubricSchema, required=True)


class PointsSchema(Schema):
    sources = fields.Float(load_default=2.0, validate=validate.Range(min=0))
    statement = fields.Float(load_default=1.0, validate=validate.Range(min=0))


class CoiPayloadSchema(Schema):
    case = fields.String(required=True, validate=validate.Length(min=1))
    sources = fields.List(fields.Nested(SourceSchema), required=True,
                          validate=validate.Length(min=2, max=12))
    relevant_sources = fields.List(fields.String(), required=True,
                                   validate=validate.Length(min=1))
    statements = fields.List(fields.Nested(StatementSchema), load_default=list,
                             validate=validate.Length(max=12))
    confrontation = fields.Nested(ConfrontationSchema, load_default=None, allow_none=True)
    points = fields.Nested(PointsSchema, load_default=lambda: {"sources": 2.0,
                                                               "statement": 1.0})

    @validates_schema
    def _check(self, data, **_kwargs):
        ids = [s["id"] for s in data.get("sources", [])]
        unknown = [s for s in data.get("relevant_sources", []) if s not in ids]
        if unknown:
            raise ValidationError(f"Unknown source: {', '.join(unknown)}.", "relevant_sources")
        for index, statement in enumerate(data.get("statements", [])):
            needs_source = statement["verdict"] != "not_addressed"
            named = accepted_sources(statement)
            if needs_source and (not named or set(named) - set(ids)):
                raise ValidationError({"statements": {index: {"source": [
                    "A corroborated or contradicted statement names one of the sources."]}}})
            if not needs_source and statement["source"]:
                raise ValidationError({"statements": {index: {"source": [
                    "A statement the sources do not address names no source."]}}})
        if not data.get("statements") and not data.get("confrontation") \
                and data["points"]["sources"] <= 0:
            raise ValidationError("The exercise has nothing to score.", "points")


class JudgementSchema(Schema):
    verdict = fields.String(load_default=None, allow_none=True,
                            validate=validate.OneOf(VERDICTS))
    source = fields.String(load_default=None, allow_none=True)


class CoiResponseSchema(Schema):
    sources = fields.List(fields.String(), load_default=list, validate=validate.Length(max=12))
    statements = fields.Dict(keys=fields.String(), values=fields.Nested(JudgementSchema),
                             load_default=dict)
    question = fields.String(load_default="", validate=validate.Length(max=3000))


class CoiExerciseQuestionType(QuestionType):
    name = "coi_exercise"
    label = "Country-of-origin information exercise"
    payload_schema = CoiPayloadSchema
    response_schema = CoiResponseSchema
    templates = {
        "deliver": "questiontypes/coi_exercise/deliver.html",
        "review": "questiontypes/coi_exercise/review.html",
        "author": "questiontypes/coi_exercise/author.html",
    }
    secret_fields = ("relevant_sources", "statements.*.verdict", "statements.*.source",
                     "statements.*.feedback", "confrontation.rubric")
    ids = {"source": "sources.*.id", "statement": "statements.*.id"}
    view_ids = {"sources.*.id": "source", "statements.*.id": "statement"}
    response_ids = {"sources.*": "source", "statements.~": "statement",
                    "statements.*.source": "source"}

    def to_author_form(self, payload):
        """A box per source for "relevant"; a statement's sources as a list."""
        relevant = set(payload.get("relevant_sources") or [])
        form = {**payload, "sources": [{**src, "relevant": src.get("id") in relevant}
                                       for src in payload.get("sources") or []]}
        form["statements"] = [{**st, "source": accepted_sources(st)}
                              for st in payload.get("statements") or []]
        form.pop("relevant_sources", None)
        return form

    def from_author_form(self, payload):
        sources = [dict(src) for src in payload.get("sources") or [] if isinstance(src, dict)]
        relevant = [src.get("id") for src in sources if src.pop("relevant", False)]
        statements = []
        for st in payload.get("statements") or []:
            if not isinstance(st, dict):
                continue
            named = st.get("source") or []
            named = [named] if isinstance(named, str) else list(named)
            statements.append({**st, "source": None if not named else
                               named[0] if len(named) == 1 else named})
        result = {**payload, "sources": sources, "relevant_sources": relevant,
                  "statements": statements}
        if not (payload.get("confrontation") or {}).get("prompt") and \
                not (payload.get("confrontation") or {}).get("rubric"):
            result["confrontation"] = None  # no confrontation question in this exercise
        return result

    def load_response(self, raw, payload, *, previous=None):
        response = super().load_response(raw, payload)
        source_ids = {s["id"] for s in payload["sources"]}
        statement_ids = {s["id"] for s in payload["statements"]}
        errors = {}
        if set(response["sources"]) - source_ids:
            errors["response.sources"] = "Unknown source."
        for sid, judgement in response["statements"].items():
            if sid not in statement_ids:
                errors["response.statements"] = "Unknown statement."
            elif judgement.get("source") and judgement["source"] not in source_ids:
                errors[f"response.statements.{sid}.source"] = "Unknown source."
        if errors:
            raise ItemValidationError(errors)
        response["sources"] = sorted(set(response["sources"]))
        return response

    def response_from_form(self, fields):
        statements = {}
        for part, values in fields.items():
            if part.startswith(("v-", "s-")) and values and values[-1]:
                key = "verdict" if part.startswith("v-") else "source"
                statements.setdefault(part[2:], {})[key] = values[-1]
        question = (fields.get("question") or [""])[-1]
        return {"sources": list(fields.get("sources", [])), "statements": statements,
                "question": question}

    def learner_view(self, payload, *, seed=0, response=None):
        rng = random.Random(seed)
        # Sources in a new order every attempt: the authored order puts relevant ones first.
        sources = [{"id": s["id"], **{k: s[k] for k in (
            "title", "publisher", "date", "text", "written_for_exercise")}}
            for s in payload["sources"]]
        rng.shuffle(sources)
        statements = [{"id": s["id"], "text": s["text"]} for s in payload["statements"]]
        rng.shuffle(statements)
        confrontation = payload.get("confrontation")
        return {
            "case": payload["case"],
            "sources": sources,
            "statements": statements,
            "confrontation": {"prompt": confrontation["prompt"]} if confrontation else None,
        }

    def random_response(self, payload, rng):
        ids = [s["id"] for s in payload["sources"]]
        return {"sources": [i for i in ids if rng.random() < 0.5],
                "statements": {st["id"]: {"verdict": rng.choice(VERDICTS),
                                          "source": rng.choice(ids)}
                               for st in payload["statements"]},
                "question": ""}

    def _machine(self, payload, response):
        response = response or {}
        relevant = set(payload["relevant_sources"])
        chosen = set(response.get("sources") or [])
        share = (len(chosen & relevant) - len(chosen - relevant)) / len(relevant)
        earned = payload["points"]["sources"] * max(0.0, share)
        per_statement = payload["points"]["statement"]
        judged = response.get("statements") or {}
        for statement in payload["statements"]:
            given = judged.get(statement["id"]) or {}
            if given.get("verdict") != statement["verdict"]:
                continue
            if statement["verdict"] == "not_addressed":
                earned += per_statement
            else:
                earned += per_statement / 2
                if given.get("source") in accepted_sources(statement):
                    earned += per_statement / 2
        possible = (payload["points"]["sources"]
                    + per_statement * len(payload["statements"]))
        return earned, possible

    def needs_human_grading(self, payload, response=None):
        return bool(payload.get("confrontation")) and bool(
            ((response or {}).get("question") or "").strip())

    def rubric(self, payload):
        confrontation = payload.get("confrontation")
        return confrontation["rubric"] if confrontation else None

    def score(self, payload, response, outcomes, *, grades=None):
        earned, possible = self._machine(payload, response)
        rubric = self.rubric(payload)
        pending = False
        if rubric:
            rubric_max = rubrics.max_points(rubric)
            possible += rubric_max
            if self.needs_human_grading(payload, response):
                given = rubrics.points(rubric, grades)
                pending = given is None
                earned += min(given or 0.0, rubric_max)
        score = Score.for_outcomes(earned, possible, outcomes)
        return replace(score, pending=True) if pending else score

    def feedback(self, payload, response, *, grades=None):
        judged = (response or {}).get("statements") or {}
        statements = [{"statement": s, "given": judged.get(s["id"]) or {},
                       "right": (judged.get(s["id"]) or {}).get("verdict") == s["verdict"]}
                      for s in payload["statements"]]
        return Feedback(correct=None, solution={
            "relevant_sources": payload["relevant_sources"], "statements": statements,
            "grades": grades, "rubric": self.rubric(payload)})


@hookimpl
def register_question_types():
    return [CoiExerciseQuestionType]
