"""An item on a learner's page and back: the engine's side of the question-type contract.

``present`` asks the type for its learner view and replaces every declared id with the
item's token (and shows the saved answer the same way); ``accept`` turns a response from
the page back into author ids, refusing anything that is not a token of this item, and only
then lets the type validate it. Messages that reach the page name tokens, never ids.
"""

from __future__ import annotations

import re
from typing import Any

from engine.domain.questiontypes import ItemValidationError, QuestionType, call
from engine.domain.tokens import ForeignTokenError, ItemTokens, inward, outward


def present(qtype: QuestionType, payload: dict, tokens: ItemTokens,
            answer: dict | None = None) -> tuple[dict, dict | None]:
    """The learner view and the saved answer (author ids) as the page shows them."""
    tokens.learn(qtype.ids, payload)
    view = call(qtype.learner_view, payload, seed=tokens.order_seed(), response=answer)
    view = outward(qtype.view_ids, view, tokens)
    shown = outward(qtype.response_ids, answer, tokens) if answer is not None else None
    return view, shown


def accept(qtype: QuestionType, raw: Any, payload: dict, tokens: ItemTokens, *,
           previous: dict | None = None) -> dict:
    """A response sent by the page, validated, in author ids; raises ItemValidationError."""
    tokens.learn(qtype.ids, payload)
    try:
        raw = inward(qtype.response_ids, raw, tokens)
    except ForeignTokenError as exc:
        raise ItemValidationError({"response": str(exc)}) from None
    try:
        return call(qtype.load_response, raw, payload, previous=previous)
    except ItemValidationError as exc:
        raise ItemValidationError(scrub(exc.errors, tokens)) from None


def scrub(errors: dict[str, str], tokens: ItemTokens) -> dict[str, str]:
    """Error paths and messages with every author id replaced by its token: a plugin's
    message must not tell the learner what the author called things.

    A path segment that is a number may be a list index as well as an id ("1"): it becomes
    "…", so that neither tells the authored order. In messages, ids are replaced where they
    stand as words (two characters or more) or in quotes (any length: 'a')."""
    names: dict[str, str] = {}
    for table in tokens.tables().values():
        for token, real_id in table.items():
            names[real_id] = token if real_id not in names else "…"
    clean = {}
    ordered = sorted(names, key=len, reverse=True)
    for path, message in errors.items():
        path = ".".join("…" if part in names and part.isdecimal() else names.get(part, part)
                        for part in path.split("."))
        for real_id in ordered:
            quoted = rf"(?<=['\"‘“]){re.escape(real_id)}(?=['\"’”])"
            message = re.sub(quoted, names[real_id], message)
            if len(real_id) >= 2:
                message = re.sub(rf"(?<![\w-]){re.escape(real_id)}(?![\w-])", names[real_id],
                                 message)
        clean[path] = f"{clean[path]} {message}" if path in clean else message
    return clean
