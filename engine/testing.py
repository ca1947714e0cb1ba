"""Conformance kit for question-type plugins: pytest checks any type runs against itself.

Usage in a plugin's tests::

    from engine.testing import QuestionTypeConformance

    class TestYesNoConformance(QuestionTypeConformance):
        question_type = YesNoQuestionType
        payloads = [{"answer": "yes"}, {"answer": "no"}]
        template_dirs = [Path(__file__).parent / "templates"]  # if the plugin has its own

        @staticmethod
        def responses(payload):            # optional: a hypothesis strategy of valid answers
            return st.fixed_dictionaries({"value": st.sampled_from(["yes", "no"])})

The kit checks: every sample payload survives a round trip through the payload schema; the
learner view carries no key (the values at ``secret_fields`` never appear in it, and changing
them does not change it); the page the engine makes of it names no author id, only tokens,
and the tokens differ between attempts and between items; a response made of author ids is
refused with a message that names none of them; a response in tokens comes back as the
author's ids (the mapping round-trips); any response, valid or not, is either refused with
ItemValidationError or scored within 0 and possible, deterministically; feedback never
raises; the declared templates exist. It needs hypothesis (a test dependency).
"""

from __future__ import annotations

import copy
import json
import random
import re
from pathlib import Path
from typing import Any, ClassVar

from engine.config import ROOT
from engine.domain.presentation import accept, present
from engine.domain.questiontypes import ItemValidationError, QuestionType, call
from engine.domain.scoring import Feedback, Score
from engine.domain.tokens import (
    ItemTokens,
    author_ids,
    map_at,
    outward,
    strings_in,
    values_at,
)

SECRET_MARK = "§SECRET§"
OUTCOMES = ["ESQF-E-18e", "ESQF-E-4b"]
SECRET = b"conformance-kit-secret"


def page_tokens(salt: str = "kit-attempt-1", position: int = 0) -> ItemTokens:
    """Tokens as an attempt with this salt would give them to the item at ``position``."""
    return ItemTokens(secret=SECRET, salt=salt, position=position)


def _paths(data: Any, pattern: list[str], prefix=()) -> list[tuple]:
    """Concrete paths in ``data`` matching a dotted pattern where ``*`` is any key/index."""
    if not pattern:
        return [prefix]
    head, rest = pattern[0], pattern[1:]
    found = []
    if isinstance(data, dict):
        keys = list(data) if head == "*" else [head] if head in data else []
    elif isinstance(data, list):
        keys = list(range(len(data))) if head == "*" else \
            [int(head)] if head.isdigit() and int(head) < len(data) else []
    else:
        keys = []
    for key in keys:
        found.extend(_paths(data[key], rest, prefix + (key,)))
    return found


def _get(data: Any, path: tuple) -> Any:
    for key in path:
        data = data[key]
    return data


def _set(data: Any, path: tuple, value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def secret_values(qtype: QuestionType, payload: dict) -> list[tuple[tuple, Any]]:
    """(path, value) of every secret field of a payload."""
    return [(path, _get(payload, path))
            for pattern in qtype.secret_fields
            for path in _paths(payload, pattern.split("."))]


def _perturb(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 7 if value < 50 else value - 7
    if isinstance(value, str):
        return SECRET_MARK
    if isinstance(value, list):
        return list(reversed(value)) if len(value) > 1 else value
    return value


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _assert_names_no_id(exc: ItemValidationError, ids: set[str],
                        tokens: ItemTokens | None = None) -> None:
    """A refusal names no author id: not in its messages, not in its field paths, and not
    as the token standing where a list index would (ids such as "1" would give it away)."""
    text = " ".join([*exc.errors, *exc.errors.values()])
    leaked = {i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)
              and (len(i) >= 2 or re.search(rf"['\"‘“]{re.escape(i)}['\"’”]", text))}
    numeric = {i for i in ids if i.isdecimal()}
    segments = {part for path in exc.errors for part in path.split(".")}
    leaked |= numeric & segments
    if tokens is not None:
        leaked |= {real for table in tokens.tables().values()
                   for token, real in table.items() if real.isdecimal() and token in segments}
    assert not leaked, f"the refusal names author ids {sorted(leaked)}: {exc.errors}"


class QuestionTypeConformance:
    """Subclass as ``Test<Name>Conformance`` and set the class attributes."""

    question_type: ClassVar[type[QuestionType]]
    payloads: ClassVar[list[dict]] = []
    template_dirs: ClassVar[list[Path]] = []
    #: strings that may appear in both the key and the view (e.g. option texts quoted in
    #: feedback); the view check ignores secret strings that occur in the public payload
    public_fields: ClassVar[tuple[str, ...]] = ()

    @staticmethod
    def responses(payload: dict):
        """A hypothesis strategy of valid responses for ``payload``; None: only fuzz."""
        return None

    # -- helpers ---------------------------------------------------------------------
    def _type(self) -> QuestionType:
        return self.question_type()

    def _valid(self) -> list[dict]:
        assert self.payloads, "set `payloads` to at least one valid payload"
        return [self._type().validate_payload(copy.deepcopy(p)) for p in self.payloads]

    # -- checks ----------------------------------------------------------------------
    def test_declares_the_contract(self):
        qtype = self._type()
        assert qtype.name and qtype.name == qtype.name.lower()
        assert qtype.label
        assert {"deliver", "review"} <= set(qtype.templates)
        assert qtype.secret_fields is not None

    def test_payload_round_trip(self):
        qtype = self._type()
        schema = qtype.payload_schema()
        for payload in self._valid():
            dumped = json.loads(json.dumps(schema.dump(payload)))
            assert qtype.validate_payload(dumped) == payload

    def test_learner_view_carries_no_key(self):
        qtype = self._type()
        for payload in self._valid():
            view, _ = present(qtype, payload, page_tokens())
            text = json.dumps(view, ensure_ascii=False)
            public = json.dumps([_get(payload, p) for pattern in self.public_fields
                                 for p in _paths(payload, pattern.split("."))],
                                ensure_ascii=False)
            secrets = secret_values(qtype, payload)
            for path, value in secrets:
                for s in _strings(value):
                    if len(s) >= 4 and s not in public:
                        assert s not in text, f"secret {path} leaks into the learner view"
            changed = copy.deepcopy(payload)
            for path, value in secrets:
                _set(changed, path, _perturb(value))
            assert present(qtype, changed, page_tokens())[0] == view, \
                "the learner view changes with the key"
            assert SECRET_MARK not in text

    def test_page_names_no_author_id(self):
        """The view the page receives names options, steps, sources... by tokens only."""
        qtype = self._type()
        for payload in self._valid():
            ids = author_ids(qtype.ids, payload)
            for response in [None, *self._sample_responses(qtype, payload)]:
                view, shown = present(qtype, payload, page_tokens(), response)
                found = ids & set(strings_in(view)) | ids & set(strings_in(shown))
                assert not found, f"author ids {sorted(found)} reach the page"

    def test_tokens_differ_between_attempts_and_items(self):
        qtype = self._type()
        for payload in self._valid():
            if not author_ids(qtype.ids, payload):
                continue
            pages = [present(qtype, payload, tokens)[0] for tokens in (
                page_tokens("attempt-1", 0), page_tokens("attempt-2", 0),
                page_tokens("attempt-1", 1))]
            tokens = [{t for path in qtype.view_ids for t in values_at(view, path)
                       if isinstance(t, str)} for view in pages]
            assert tokens[0], "the view shows none of the declared ids"
            assert not tokens[0] & tokens[1], "two attempts share tokens"
            assert not tokens[0] & tokens[2], "two items of an attempt share tokens"

    def test_responses_of_author_ids_are_refused(self):
        """A response naming the author's ids (or another attempt's tokens) is refused with
        a message that names no id; the same response in this page's tokens is accepted."""
        qtype = self._type()
        for payload in self._valid():
            ids = author_ids(qtype.ids, payload)
            for response in self._sample_responses(qtype, payload):
                named = {v for path in qtype.response_ids for v in values_at(response, path)
                         if isinstance(v, str)}
                if not named:
                    continue
                foreign = outward(qtype.response_ids, response,
                                  page_tokens("other-attempt").learn(qtype.ids, payload))
                for raw in (response, foreign):
                    try:
                        accept(qtype, raw, payload, page_tokens())
                    except ItemValidationError as exc:
                        _assert_names_no_id(exc, ids)
                    else:
                        raise AssertionError(f"a response of foreign ids was accepted: {raw}")
                shown = outward(qtype.response_ids, response,
                                page_tokens().learn(qtype.ids, payload))
                assert accept(qtype, shown, payload, page_tokens()) == call(
                    qtype.load_response, response, payload, previous=None)
                # The page's tokens in a wrong shape (a null among them): refused or not,
                # the answer names no id, not even by the position of a list entry.
                for path in qtype.response_ids:
                    if path.endswith("~"):
                        continue  # keys cannot be null
                    broken = map_at(shown, path, lambda _value: None)
                    if isinstance(broken, dict):
                        for key, value in list(broken.items()):
                            if isinstance(value, list):
                                broken[key] = [*value, None]
                    try:
                        accept(qtype, broken, payload, page_tokens())
                    except ItemValidationError as exc:
                        _assert_names_no_id(exc, ids, page_tokens().learn(qtype.ids, payload))

    def test_declares_where_responses_name_what_the_page_shows(self):
        """Every kind of id the page shows is one a response names (or the engine would
        let the author's ids through unmapped)."""
        qtype = self._type()
        shown = set(qtype.view_ids.values())
        named = set(qtype.response_ids.values())
        assert set(qtype.ids) >= shown | named, "view_ids or response_ids name an undeclared kind"
        assert shown <= named | set(getattr(self, "view_only_kinds", ())), \
            f"the page shows {sorted(shown - named)} that no response names"

    def _sample_responses(self, qtype, payload) -> list[dict]:
        """Valid responses (author ids): blind guesses and examples of ``responses``."""
        found = []
        rng = random.Random(5)
        for _ in range(5):
            guess = call(qtype.random_response, payload, rng)
            if guess is not None:
                found.append(guess)
        strategy = self.responses(payload)
        if strategy is not None:
            from hypothesis import HealthCheck, given, settings

            @settings(max_examples=10, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(strategy)
            def collect(raw):
                found.append(copy.deepcopy(raw))

            collect()
        valid = []
        for raw in found:
            try:
                valid.append(call(qtype.load_response, raw, payload, previous=None))
            except ItemValidationError:
                continue
        return valid

    def test_any_response_is_refused_or_scored_within_bounds(self):
        from hypothesis import strategies as st

        qtype = self._type()
        json_values = st.recursive(
            st.none() | st.booleans() | st.integers(-5, 100) | st.floats(-1e6, 1e6)
            | st.text(max_size=12),
            lambda inner: st.lists(inner, max_size=5)
            | st.dictionaries(st.text(max_size=8), inner, max_size=5),
            max_leaves=12)
        for payload in self._valid():
            strategy = st.dictionaries(st.text(max_size=12), json_values, max_size=4)
            valid = self.responses(payload)
            if valid is not None:
                strategy = strategy | valid
            self._check_responses(qtype, payload, strategy)

    @staticmethod
    def _check_responses(qtype, payload, strategy):
        from hypothesis import HealthCheck, given, settings

        @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(strategy)
        def check(raw):
            try:
                response = call(qtype.load_response, raw, payload, previous=None)
            except ItemValidationError:
                return
            tokens = page_tokens("fuzz").learn(qtype.ids, payload)
            shown = outward(qtype.response_ids, response, tokens)
            assert accept(qtype, shown, payload, tokens) == response, \
                "the page's tokens do not map back to the response"
            score = call(qtype.score, payload, response, OUTCOMES, grades=None)
            assert isinstance(score, Score)
            assert 0 <= score.earned <= score.possible
            assert score == call(qtype.score, payload, response, OUTCOMES, grades=None)
            assert isinstance(call(qtype.feedback, payload, response, grades=None), Feedback)

        check()

    def test_unanswered_scores_zero(self):
        qtype = self._type()
        for payload in self._valid():
            score = call(qtype.score, payload, None, OUTCOMES, grades=None)
            assert score.earned == 0 and score.possible > 0

    def test_templates_exist(self):
        dirs = [*self.template_dirs, ROOT / "themes" / "default" / "templates"]
        for purpose, name in self._type().templates.items():
            assert any((Path(d) / name).is_file() for d in dirs), f"{purpose}: {name} missing"
