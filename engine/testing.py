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
page's opaque ids map back to the author's (``decode_response(encode_response(r)) == r``);
the learner view carries no key (the values at ``secret_fields`` never appear in it, and changing
them does not change it); any response, valid or not, is either refused with
ItemValidationError or scored within 0 and possible, deterministically; feedback never
raises; the declared templates exist. It needs hypothesis (a test dependency).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, ClassVar

from engine.config import ROOT
from engine.domain.questiontypes import ItemValidationError, QuestionType, call
from engine.domain.scoring import Feedback, Score

SECRET_MARK = "§SECRET§"
OUTCOMES = ["ESQF-E-18e", "ESQF-E-4b"]


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
            view = call(qtype.learner_view, payload, seed=3, response=None)
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
            assert call(qtype.learner_view, changed, seed=3, response=None) == view, \
                "the learner view changes with the key"
            assert SECRET_MARK not in text

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
            encoded = call(qtype.encode_response, response, payload, seed=11)
            decoded = call(qtype.decode_response, encoded, payload, seed=11)
            assert call(qtype.load_response, decoded, payload, previous=None) == response, \
                "decode_response does not undo encode_response"
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
