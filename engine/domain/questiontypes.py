"""The question-type contract every question-type plugin implements.

A question type is a class registered through the ``register_question_types`` hook. It owns
one stored ``type`` string and knows, for an authored payload: how to validate it, what a
learner may see of it before answering (never the key), how to score a response (a pure
function), what feedback to give, and whether a human must grade it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import Schema, ValidationError

from engine.domain.scoring import Feedback, Score


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
    #: template names by purpose: "deliver" (answer form), "review" (after grading)
    templates: ClassVar[dict[str, str]] = {}

    def validate_payload(self, payload: Any) -> dict:
        """The payload, normalised; raises ItemValidationError naming each bad field."""
        try:
            return self.payload_schema().load(payload)
        except ValidationError as exc:
            raise ItemValidationError(flatten_errors(exc.messages, "payload")) from None

    def load_response(self, raw: Any, payload: dict) -> dict:
        """A learner's raw answer, validated against the item; raises ItemValidationError."""
        try:
            return self.response_schema().load(raw)
        except ValidationError as exc:
            raise ItemValidationError(flatten_errors(exc.messages, "response")) from None

    def response_from_form(self, values: list[str]) -> dict | None:
        """The raw response posted by the plain HTML form (field ``item-<position>``);
        None when the learner gave nothing."""
        raise NotImplementedError

    def learner_view(self, payload: dict, *, seed: int = 0) -> dict:
        """What the learner's browser may receive before answering: never the key."""
        raise NotImplementedError

    def score(self, payload: dict, response: dict | None, outcomes: list[str]) -> Score:
        """Score a validated response (None: unanswered). Pure and deterministic."""
        raise NotImplementedError

    def feedback(self, payload: dict, response: dict | None) -> Feedback:
        """Feedback on a response, shown when the feedback policy allows."""
        raise NotImplementedError

    def needs_human_grading(self, payload: dict) -> bool:
        """True when a trainer must grade (part of) a response."""
        return False
