"""What a learner's page calls the parts of an item: per-attempt tokens, never author ids.

Authors name options ``a, b, c``, steps ``s1``, sources ``src1``; often the first is the
right one, and the ids of a matching item can spell its key. A question type therefore
declares where its ids are (``QuestionType.ids``: kind -> payload path of the ids), where
its learner view shows them (``view_ids``) and where a response names them
(``response_ids``), and the engine maps them: every id leaves as a token and every token
comes back as the id, on the way in and out of the plugin.

A token is ``HMAC-SHA256(secret, salt | position | kind | id)``, truncated to 96 bits: the
secret stays on the server, the salt is random per attempt (128 bits), so a token can be
neither recomputed from the page nor carried to another item or attempt. A response naming
anything but a token of its own item and attempt is refused before the plugin sees it, with
a message that names no id. The same secret also seeds the option order, so the order a
page shows tells nothing of the authored order.

Paths are dotted; ``*`` stands for every element of a list or every value of a mapping,
``~`` for every key of a mapping (``matches.~`` the premises, ``matches.*`` the responses).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

#: what an author id may look like (every question type's ids)
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
ID_MESSAGE = "Use letters, digits, - or _ (at most 40)."
#: the refusal of a response that names something its page did not offer; it names nothing
FOREIGN_MESSAGE = "This answer names a choice that this question did not offer on your page."


class ForeignTokenError(ValueError):
    """A response named something other than a token of its item and attempt."""


def derive_secret(secret_key: str | bytes) -> bytes:
    """The token secret, derived from the app's secret key (one key to keep and rotate)."""
    key = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return hmac.new(key, b"outcome-engine/attempt-tokens/v1", hashlib.sha256).digest()


def _segments(path: str) -> list[str]:
    return path.split(".") if path else []


def located_at(data: Any, path: str) -> list[tuple[str, Any]]:
    """(concrete dotted path, value) at a dotted path; for a ``~`` segment, the keys."""
    found: list[tuple[str, Any]] = []

    def walk(node: Any, rest: list[str], where: list[str]) -> None:
        if not rest:
            found.append((".".join(where), node))
            return
        head, tail = rest[0], rest[1:]
        if head == "*":
            children = list(enumerate(node)) if isinstance(node, list) else \
                list(node.items()) if isinstance(node, dict) else []
            for key, child in children:
                walk(child, tail, [*where, str(key)])
        elif head == "~":
            if isinstance(node, dict):
                found.extend((".".join([*where, str(key)]), key) for key in node)
        elif isinstance(node, dict) and head in node:
            walk(node[head], tail, [*where, head])
        elif isinstance(node, list) and head.isdigit() and int(head) < len(node):
            walk(node[int(head)], tail, [*where, head])

    walk(data, _segments(path), [])
    return found


def values_at(data: Any, path: str) -> list[Any]:
    """The values (or, for a ``~`` segment, the keys) at a dotted path."""
    return [value for _where, value in located_at(data, path)]


def map_at(data: Any, path: str, convert: Callable[[Any], Any]) -> Any:
    """A copy of ``data`` with ``convert`` applied to every value (or key) at ``path``."""

    def walk(node: Any, rest: list[str]) -> Any:
        if not rest:
            return convert(node)
        head, tail = rest[0], rest[1:]
        if head == "*":
            if isinstance(node, list):
                return [walk(child, tail) for child in node]
            if isinstance(node, dict):
                return {key: walk(child, tail) for key, child in node.items()}
            return node
        if head == "~":
            if not isinstance(node, dict):
                return node
            converted = {}
            for key, child in node.items():
                new_key = convert(key)
                if new_key in converted:  # two names of one thing: the page sent no such pair
                    raise ForeignTokenError(FOREIGN_MESSAGE)
                converted[new_key] = child
            return converted
        if isinstance(node, dict) and head in node:
            return {**node, head: walk(node[head], tail)}
        return node

    return walk(data, _segments(path))


def id_problems(declared: dict[str, str], payload: dict) -> dict[str, str]:
    """Ids of a payload that are malformed (by the id's own path) or repeated (by the list
    they sit in)."""
    problems: dict[str, str] = {}
    for kind, path in declared.items():
        located = located_at(payload, path)
        bad = False
        for where, value in located:
            if not isinstance(value, str) or not ID_PATTERN.match(value):
                problems["payload." + where] = ID_MESSAGE
                bad = True
        ids = [value for _where, value in located]
        repeated = sorted({i for i in ids if ids.count(i) > 1}) if not bad else []
        if repeated:
            problems["payload." + path.split(".*", 1)[0]] = (
                f"{kind.capitalize()} ids must be unique; repeated: {', '.join(repeated)}.")
    return problems


@dataclass
class ItemTokens:
    """The tokens of one item in one attempt (or one preview)."""

    secret: bytes
    salt: str
    position: int
    _to_id: dict[str, dict[str, str]] = field(default_factory=dict)

    def token(self, kind: str, real_id: str) -> str:
        message = f"{self.salt}|{self.position}|{kind}|{real_id}".encode()
        digest = hmac.new(self.secret, message, hashlib.sha256).hexdigest()
        return "t" + digest[:24]

    def order_seed(self) -> int:
        """A seed for the option order of this item: unpredictable without the secret."""
        message = f"{self.salt}|{self.position}|order".encode()
        return int.from_bytes(hmac.new(self.secret, message, hashlib.sha256).digest()[:8],
                              "big")

    def learn(self, declared: dict[str, str], payload: dict) -> ItemTokens:
        """Remember the tokens of every id the payload declares."""
        for kind, path in declared.items():
            table = self._to_id.setdefault(kind, {})
            for real_id in values_at(payload, path):
                if isinstance(real_id, str):
                    table[self.token(kind, real_id)] = real_id
        return self

    def tables(self) -> dict[str, dict[str, str]]:
        """token -> id, by kind, of what has been learnt."""
        return self._to_id

    def hide(self, kind: str, value: Any) -> Any:
        if value is None:
            return None
        return self.token(kind, str(value))

    def reveal(self, kind: str, value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, str) or value not in self._to_id.get(kind, {}):
            raise ForeignTokenError(FOREIGN_MESSAGE)
        return self._to_id[kind][value]


def outward(paths: dict[str, str], data: Any, tokens: ItemTokens) -> Any:
    """``data`` (a learner view or a saved response) with every declared id as a token."""
    for path, kind in paths.items():
        data = map_at(data, path, lambda value, kind=kind: tokens.hide(kind, value))
    return data


def inward(paths: dict[str, str], data: Any, tokens: ItemTokens) -> Any:
    """A response from the page with every token as the author's id again; raises
    ForeignTokenError when it names anything else."""
    for path, kind in paths.items():
        data = map_at(data, path, lambda value, kind=kind: tokens.reveal(kind, value))
    return data


def author_ids(declared: dict[str, str], payload: dict) -> set[str]:
    return {i for path in declared.values() for i in values_at(payload, path)
            if isinstance(i, str)}


def strings_in(value: Any) -> Iterable[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield str(key)
            yield from strings_in(child)
    elif isinstance(value, list):
        for child in value:
            yield from strings_in(child)
