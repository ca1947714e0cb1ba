"""Built-in plugin: branching interview scenarios (seed 002, the charter of the interview).

The learner walks a graph of steps; each choice carries a weight, feedback that cites the
charter principle, and the step it leads to. The learner sees only the path taken and the
choices of the current step; a step once taken cannot be undone, and the score relates the
path to the best possible path.
"""

from __future__ import annotations

import random
from functools import cache

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.domain.questiontypes import ItemValidationError, QuestionType
from engine.domain.scoring import Feedback, Score
from engine.hookspecs import hookimpl


class SourceSchema(Schema):
    document = fields.String(required=True)
    lines = fields.List(fields.Integer(validate=validate.Range(min=1)),
                        validate=validate.Length(equal=2))


class ChoiceSchema(Schema):
    id = fields.String(required=True)
    text = fields.String(required=True, validate=validate.Length(min=1))
    weight = fields.Float(required=True, validate=validate.Range(min=0, max=100))
    feedback = fields.String(required=True, validate=validate.Length(min=1))
    principle = fields.String(load_default="")
    source = fields.Nested(SourceSchema, load_default=None, allow_none=True)
    next = fields.String(load_default=None, allow_none=True)


class StepSchema(Schema):
    id = fields.String(required=True)
    situation = fields.String(required=True, validate=validate.Length(min=1))
    choices = fields.List(fields.Nested(ChoiceSchema), required=True,
                          validate=validate.Length(min=1, max=8))


class ScenarioPayloadSchema(Schema):
    start = fields.String(required=True)
    points = fields.Float(load_default=10.0, validate=validate.Range(min=0, min_inclusive=False))
    steps = fields.List(fields.Nested(StepSchema), required=True,
                        validate=validate.Length(min=1, max=60))

    @validates_schema
    def _check_graph(self, data, **_kwargs):
        check_graph(data)


def check_graph(data: dict) -> None:
    """Every step reachable from the start, every `next` known, no cycle (the engine checks
    that step ids and choice ids are unique, see ``ids``)."""
    steps = data.get("steps") or []
    ids = [s["id"] for s in steps]
    if len(ids) != len(set(ids)):
        raise ValidationError("Step ids must be unique.", "steps")
    by_id = {s["id"]: s for s in steps}
    if data.get("start") not in by_id:
        raise ValidationError(f"No step {data.get('start')!r} to start from.", "start")
    for si, step in enumerate(steps):
        for ci, choice in enumerate(step["choices"]):
            if choice["next"] is not None and choice["next"] not in by_id:
                raise ValidationError({"steps": {si: {"choices": {ci: {"next": [
                    f"No step {choice['next']!r}."]}}}}})
    # Depth-first search from the start: a grey node met again is a cycle.
    state: dict[str, str] = {}

    def visit(step_id: str, trail: list[str]) -> None:
        state[step_id] = "grey"
        for choice in by_id[step_id]["choices"]:
            nxt = choice["next"]
            if nxt is None:
                continue
            if state.get(nxt) == "grey":
                walked = [*trail, step_id, nxt]
                loop = " → ".join(walked[walked.index(nxt):])
                raise ValidationError(f"The scenario loops: {loop}. Every path must end.",
                                      "steps")
            if nxt not in state:
                visit(nxt, [*trail, step_id])
        state[step_id] = "black"

    visit(data["start"], [])
    unreachable = [s for s in ids if s not in state]
    if unreachable:
        raise ValidationError("Steps not reachable from the start: " + ", ".join(unreachable)
                              + ".", "steps")
    if best_total(_freeze(data)) <= 0:
        raise ValidationError("The best path must have a weight above 0.", "steps")


def _freeze(payload: dict) -> tuple:
    """A hashable form of the graph, so the best path is computed once per payload."""
    return (payload["start"], tuple(
        (s["id"], tuple((c["id"], c["weight"], c["next"]) for c in s["choices"]))
        for s in payload["steps"]))


@cache
def best_total(frozen: tuple) -> float:
    start, steps = frozen
    graph = {sid: choices for sid, choices in steps}

    @cache
    def best(step_id: str) -> float:
        return max(w + (best(n) if n else 0.0) for _cid, w, n in graph[step_id])

    return best(start)


class ScenarioResponseSchema(Schema):
    path = fields.List(fields.String(), required=True,
                       validate=validate.Length(max=60))


def walk(payload: dict, path: list[str]) -> tuple[list[tuple[dict, dict]], dict | None]:
    """The (step, choice) pairs of a path and the step reached next (None: finished).

    Raises ValueError when the path leaves the graph."""
    by_id = {s["id"]: s for s in payload["steps"]}
    taken, step = [], by_id[payload["start"]]
    for choice_id in path:
        if step is None:
            raise ValueError("the scenario had already ended")
        choice = next((c for c in step["choices"] if c["id"] == choice_id), None)
        if choice is None:
            raise ValueError("that is not a choice of this step")
        taken.append((step, choice))
        step = by_id[choice["next"]] if choice["next"] else None
    return taken, step


class InterviewScenarioQuestionType(QuestionType):
    name = "interview_scenario"
    label = "Interview scenario (branching)"
    payload_schema = ScenarioPayloadSchema
    response_schema = ScenarioResponseSchema
    templates = {
        "deliver": "questiontypes/interview_scenario/deliver.html",
        "review": "questiontypes/interview_scenario/review.html",
        "author": "questiontypes/interview_scenario/author.html",
    }
    secret_fields = ("steps.*.choices.*.weight", "steps.*.choices.*.feedback",
                     "steps.*.choices.*.principle", "steps.*.choices.*.next")
    # Choice ids are unique across the scenario: a path is a list of them.
    ids = {"step": "steps.*.id", "choice": "steps.*.choices.*.id"}
    view_ids = {"path.*": "choice", "current.choices.*.id": "choice"}
    response_ids = {"path.*": "choice"}

    def load_response(self, raw, payload, *, previous=None):
        response = super().load_response(raw, payload)
        try:
            walk(payload, response["path"])
        except ValueError as exc:
            raise ItemValidationError({"response.path": str(exc).capitalize() + "."}) from None
        before = (previous or {}).get("path") or []
        if response["path"][:len(before)] != before:
            raise ItemValidationError({"response.path": "A step once taken cannot be changed."})
        return response

    def response_from_form(self, fields):
        return {"path": list(fields.get("", []))}

    def learner_view(self, payload, *, seed=0, response=None):
        path = (response or {}).get("path") or []
        try:
            taken, current = walk(payload, path)
        except ValueError:
            taken, current = walk(payload, [])
        view = {"autosave": False, "path": [c["id"] for _s, c in taken],
                "taken": [{"situation": s["situation"], "choice": c["text"]} for s, c in taken],
                "finished": current is None, "current": None}
        if current is not None:
            choices = [{"id": c["id"], "text": c["text"]} for c in current["choices"]]
            random.Random(seed * 101 + len(taken)).shuffle(choices)
            view["current"] = {"situation": current["situation"], "choices": choices}
        return view

    def random_response(self, payload, rng):
        path, (_taken, step) = [], walk(payload, [])
        while step is not None:
            choice = rng.choice(step["choices"])
            path.append(choice["id"])
            step = next((s for s in payload["steps"] if s["id"] == choice["next"]), None)
        return {"path": path}

    def author_context(self, payload):
        from plugins.interview_scenario.graph import layout

        return {"graph": layout(payload)}

    def score(self, payload, response, outcomes, *, grades=None):
        path = (response or {}).get("path") or []
        try:
            taken, _current = walk(payload, path)
        except ValueError:
            taken = []
        total = sum(choice["weight"] for _step, choice in taken)
        best = best_total(_freeze(payload))
        points = payload.get("points", 10.0)
        return Score.for_outcomes(points * total / best, points, outcomes)

    def feedback(self, payload, response, *, grades=None):
        path = (response or {}).get("path") or []
        try:
            taken, current = walk(payload, path)
        except ValueError:
            taken, current = [], None
        steps = []
        for step, choice in taken:
            top = max(step["choices"], key=lambda c: c["weight"])
            steps.append({"situation": step["situation"], "chosen": choice,
                          "best": top if top["weight"] > choice["weight"] else None})
        finished = bool(taken) and current is None
        return Feedback(correct=None, solution={"steps": steps, "finished": finished})


@hookimpl
def register_question_types():
    return [InterviewScenarioQuestionType]
