"""The question-type contract every question-type plugin implements.

A question type is a class registered through the ``register_question_types`` hook. It owns
one stored ``type`` string and knows, for an authored payload: how to validate it, what a
learner may see of it before answering (never the key), how to score a response (a pure
function), what feedback to give, and whether a human must grade it.
"""

from __future__ import annotations

import inspect
import random
from collections.abc import Callable
from typing import Any, ClassVar

from marshmallow import Schema, ValidationError

from engine.domain.scoring import Feedback, Score
from engine.domain.tokens import id_problems


class ItemValidationError(ValueError):
    """An authored payload or a learner response is malformed.

    ``errors`` maps a dotted field path (``payload.options.1.text``) to a message.
    """

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{path}: {msg}" for path, msg in errors.items()))


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, str]:
    """Turn marshmallow's nested error messages into ``{"a.0.b": "message"}``."""
    flat: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                path = prefix or "(item)"
            flat.update(flatten_errors(value, path))
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        flat[prefix or "(item)"] = " ".join(messages)
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            flat.update(flatten_errors(value, f"{prefix}.{index}"))
    else:
        flat[prefix or "(item)"] = str(messages)
    return flat


class QuestionType:
    """Base class for question types. Subclasses set the class attributes and override
    ``learner_view``, ``score`` and ``feedback``."""

    #: stable lowercase id, stored with every item version
    name: ClassVar[str] = ""
    #: human label shown to trainers
    label: ClassVar[str] = ""
    #: marshmallow schema of the authored payload
    payload_schema: ClassVar[type[Schema]]
    #: marshmallow schema of a learner's response
    response_schema: ClassVar[type[Schema]]
    #: template names by purpose: "deliver" (answer form), "review" (after grading) and,
    #: optionally, "author" (the payload part of the item editor; without it trainers edit
    #: the payload as YAML)
    templates: ClassVar[dict[str, str]] = {}
    #: dotted paths into the payload (``*`` for any key or index) of what the learner must
    #: not see before grading: keys, weights, feedback. The conformance kit checks them.
    secret_fields: ClassVar[tuple[str, ...]] = ()
    #: the ids of the payload by kind: kind -> dotted path of the ids (``{"option":
    #: "options.*.id"}``). The engine checks them (well-formed, unique per kind) and maps
    #: them to per-attempt tokens wherever ``view_ids`` and ``response_ids`` say they appear.
    ids: ClassVar[dict[str, str]] = {}
    #: where the learner view shows ids: path -> kind (``{"options.*.id": "option"}``);
    #: ``learner_view`` writes the author's ids there and the page receives tokens
    view_ids: ClassVar[dict[str, str]] = {}
    #: where a response names ids: path -> kind (``{"choices.*": "option"}``; ``~`` for the
    #: keys of a mapping). A response arrives with tokens there and reaches
    #: ``load_response`` with the author's ids; one naming anything else is refused first.
    response_ids: ClassVar[dict[str, str]] = {}

    def validate_payload(self, payload: Any) -> dict:
        """The payload, normalised; raises ItemValidationError naming each bad field.

        The declared ``ids`` are checked here for every type: well-formed and unique."""
        try:
            clean = self.payload_schema().load(payload)
        except ValidationError as exc:
            errors = flatten_errors(exc.messages, "payload")
            if isinstance(payload, dict):
                for path, message in id_problems(self.ids, payload).items():
                    errors.setdefault(path, message)
            raise ItemValidationError(errors) from None
        problems = id_problems(self.ids, clean)
        if problems:
            raise ItemValidationError(problems)
        return clean

    def load_response(self, raw: Any, payload: dict, *, previous: dict | None = None) -> dict:
        """A learner's raw answer, validated against the item; raises ItemValidationError.

        ``previous`` is the answer saved before, for types whose answers only grow (a
        scenario's path cannot be walked back)."""
        try:
            return self.response_schema().load(raw)
        except ValidationError as exc:
            raise ItemValidationError(flatten_errors(exc.messages, "response")) from None

    def response_from_form(self, fields: dict[str, list[str]]) -> dict | None:
        """The raw response posted by the HTML form; None when the learner gave nothing.

        ``fields`` maps the part after ``item-<position>`` to the posted values: the inputs
        named ``item-3`` arrive under ``""``, those named ``item-3.justification`` under
        ``"justification"``."""
        raise NotImplementedError

    def learner_view(self, payload: dict, *, seed: int = 0,
                     response: dict | None = None) -> dict:
        """What the learner's browser may receive before the item is graded: never a key,
        a weight, feedback or an unreached branch. ``response`` is the answer saved so far
        (a scenario shows the step it has reached). Ids go where ``view_ids`` says, as the
        author wrote them: the engine replaces them with the attempt's tokens. ``seed``
        orders what the type shuffles; it is secret and differs per attempt and item."""
        raise NotImplementedError

    def score(self, payload: dict, response: dict | None, outcomes: list[str], *,
              grades: dict | None = None) -> Score:
        """Score a validated response (None: unanswered). Pure and deterministic.

        ``grades`` holds a trainer's rubric grades for the parts a human grades; without them
        such a type returns ``Score(pending=True)`` with the machine-scored part only."""
        raise NotImplementedError

    def feedback(self, payload: dict, response: dict | None, *,
                 grades: dict | None = None) -> Feedback:
        """Feedback on a response, shown when the feedback policy allows."""
        raise NotImplementedError

    def needs_human_grading(self, payload: dict, response: dict | None = None) -> bool:
        """True when a trainer must grade (part of) this response."""
        return False

    def from_author_form(self, payload: dict) -> dict:
        """The payload the author template's fields stand for (the fields are named by path,
        see engine.web.nested_forms). Override when the form is shaped differently from the
        payload (a box per source instead of a list of ids); the result is then validated."""
        return payload

    def to_author_form(self, payload: dict) -> dict:
        """The inverse of ``from_author_form``: a stored payload as the author form shows
        it."""
        return payload

    def author_context(self, payload: dict) -> dict:
        """Extra values for the author template, computed from the payload being edited
        (which may be incomplete or invalid): a scenario's step graph, say."""
        return {}

    def rubric(self, payload: dict) -> dict | None:
        """The rubric a trainer grades with: ``{"criteria": [{"id", "title", "levels":
        [{"id", "label", "points", "description"}]}]}``; None for machine-scored types."""
        return None

    def is_answered(self, response: dict | None) -> bool:
        """Whether a response says anything: an emptied answer (no box ticked, no text) is
        no answer, on the review page, in the navigator and in results."""
        return response is not None and _says_something(response)

    # -- the cue check (engine.domain.cues) -----------------------------------------------
    def cue_options(self, payload: dict) -> dict | None:
        """For choice-like types: the options a learner picks among, as ``{"options":
        [{"id", "text", "credit"}], "multiple": bool, "shuffled": bool}`` (credit 1 for a
        key, 0 for a distractor, between for weighted options); None for other types."""
        return None

    def response_for(self, payload: dict, chosen: list[str]) -> dict | None:
        """The response that chooses the options ``chosen`` (author ids), for choice-like
        types; the cue check scores it with ``score``."""
        return None

    def random_response(self, payload: dict, rng: random.Random) -> dict | None:
        """A blind guess (author ids), for the chance level of the cue check; None when a
        guess has no sensible form (free text), which counts as no answer."""
        return None


def _says_something(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, dict):
        return any(_says_something(v) for v in value.values())
    if isinstance(value, list):
        return any(_says_something(v) for v in value)
    return True


def call(method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a plugin's method with the keyword arguments it accepts.

    Keyword arguments are added to the contract over time; a plugin written against an older
    contract (accepting fewer of them) keeps working, as pluggy does for hooks."""
    accepted = _accepted_keywords(method)
    if accepted is not None:
        kwargs = {k: v for k, v in kwargs.items() if k in accepted}
    return method(*args, **kwargs)


def _accepted_keywords(method: Callable[..., Any]) -> set[str] | None:
    func = getattr(method, "__func__", method)
    cached = getattr(func, "_oe_accepted", _MISSING)
    if cached is not _MISSING:
        return cached
    params = inspect.signature(method).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        accepted = None
    else:
        accepted = {p.name for p in params
                    if p.kind in (inspect.Parameter.KEYWORD_ONLY,
                                  inspect.Parameter.POSITIONAL_OR_KEYWORD)}
    try:
        func._oe_accepted = accepted
    except (AttributeError, TypeError):
        pass
    return accepted


_MISSING = object()
