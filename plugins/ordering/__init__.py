"""Built-in plugin: put elements in the right order.

The author lists the elements in the correct order. The learner sees them in a seeded
shuffled order that does not depend on the key (it may, by chance, be the correct one:
excluding that would tell a learner of two elements the answer) and gives each element
its position 1..n with one select per element. ``all_or_nothing`` gives
the points for the whole order only; ``partial`` gives the share of elements in their
correct position.
"""

from __future__ import annotations

import random

from marshmallow import Schema, fields, validate

from engine.domain.questiontypes import ItemValidationError, QuestionType
from engine.domain.scoring import Feedback, Score
from engine.hookspecs import hookimpl


class ElementSchema(Schema):
    id = fields.String(required=True)
    text = fields.String(required=True, validate=validate.Length(min=1))


class OrderingPayloadSchema(Schema):
    scoring = fields.String(load_default="all_or_nothing",
                            validate=validate.OneOf(["all_or_nothing", "partial"]))
    points = fields.Float(load_default=1.0, validate=validate.Range(min=0, min_inclusive=False))
    elements = fields.List(fields.Nested(ElementSchema), required=True,
                           validate=validate.Length(min=2, max=26))


class OrderingResponseSchema(Schema):
    order = fields.List(fields.String(), required=True,
                        validate=validate.Length(max=26))


def correct_order(payload: dict) -> list[str]:
    return [e["id"] for e in payload["elements"]]


def shuffled(payload: dict, seed: int) -> list[dict]:
    """The elements in a seeded order that does not depend on the listed (correct) order:
    shuffled from their texts' order, which the learner sees anyway (the engine turns the ids
    into the attempt's tokens)."""
    elements = sorted(payload["elements"], key=lambda e: (e["text"], e["id"]))
    random.Random(seed).shuffle(elements)
    return [{"id": e["id"], "text": e["text"]} for e in elements]


class OrderingQuestionType(QuestionType):
    name = "ordering"
    label = "Ordering"
    payload_schema = OrderingPayloadSchema
    response_schema = OrderingResponseSchema
    templates = {
        "deliver": "questiontypes/ordering/deliver.html",
        "review": "questiontypes/ordering/review.html",
        "author": "questiontypes/ordering/author.html",
    }
    # The key is the order in which the elements are listed.
    secret_fields = ("elements",)
    ids = {"element": "elements.*.id"}
    view_ids = {"elements.*.id": "element"}
    response_ids = {"order.*": "element"}

    def load_response(self, raw, payload, *, previous=None):
        response = super().load_response(raw, payload)
        known = correct_order(payload)
        if any(i not in known for i in response["order"]):
            raise ItemValidationError({"response.order": "Unknown element."})
        if sorted(response["order"]) != sorted(known):
            raise ItemValidationError(
                {"response.order": "Give every element exactly one position, each position "
                                   f"from 1 to {len(known)} once."})
        return response

    def response_from_form(self, fields):
        """One select per element, named ``item-<position>.<element token>``, holding its
        position. Only a complete order (every position once) is an answer: while the
        learner is still choosing, nothing is saved."""
        positions = {}
        for element_id, values in fields.items():
            value = values[-1].strip() if values else ""
            if not element_id or not value.isdecimal():
                return None
            positions[element_id] = int(value)
        if not positions or sorted(positions.values()) != list(range(1, len(positions) + 1)):
            return None
        return {"order": sorted(positions, key=positions.get)}

    def learner_view(self, payload, *, seed=0, response=None):
        return {"elements": shuffled(payload, seed)}

    def random_response(self, payload, rng):
        order = correct_order(payload)
        rng.shuffle(order)
        return {"order": order}

    def score(self, payload, response, outcomes, *, grades=None):
        points = payload.get("points", 1.0)
        key = correct_order(payload)
        order = (response or {}).get("order") or []
        placed = sum(1 for given, right in zip(order, key, strict=False) if given == right)
        if payload.get("scoring") == "partial":
            earned = points * placed / len(key)
        else:
            earned = points if order == key else 0.0
        return Score.for_outcomes(earned, points, outcomes)

    def feedback(self, payload, response, *, grades=None):
        key = correct_order(payload)
        order = (response or {}).get("order") or []
        placed = sum(1 for given, right in zip(order, key, strict=False) if given == right)
        verdict = True if order == key else None if placed else False
        return Feedback(correct=verdict, solution={
            "order": key, "positions": {i: n for n, i in enumerate(key, start=1)}})


@hookimpl
def register_question_types():
    return [OrderingQuestionType]
