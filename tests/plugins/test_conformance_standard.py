"""The conformance kit run against the six standard question types."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st

from engine.domain.presentation import present
from engine.testing import QuestionTypeConformance, page_tokens
from plugins.hotspot_text import HotspotTextQuestionType
from plugins.matching import MatchingQuestionType
from plugins.numeric import NumericQuestionType
from plugins.ordering import OrderingQuestionType
from plugins.short_text import ShortTextQuestionType
from plugins.true_false import TrueFalseQuestionType


class TestTrueFalseConformance(QuestionTypeConformance):
    question_type = TrueFalseQuestionType
    payloads = [
        {"answer": True, "feedback_true": "Juist, zo staat het in het Handvest.",
         "feedback_false": "Onjuist: lees beginsel 3 opnieuw."},
        {"answer": False, "points": 2},
    ]

    @staticmethod
    def responses(payload):
        return st.fixed_dictionaries({"value": st.booleans()})


class TestShortTextConformance(QuestionTypeConformance):
    question_type = ShortTextQuestionType
    payloads = [
        {"answers": [{"text": "tolk", "match": "case_insensitive", "score": 100,
                      "feedback": "Juist: de tolk vertaalt alles integraal."},
                     {"text": "^tolk(en)?$", "match": "regex", "score": 100},
                     {"text": "vertaler", "match": "exact", "score": 50,
                      "feedback": "Bijna: het Handvest spreekt van de tolk."}]},
        {"max_length": 40, "points": 2,
         "answers": [{"text": r"vertrouwelijk(heid)?", "match": "regex"}]},
    ]

    @staticmethod
    def responses(payload):
        texts = [a["text"] for a in payload["answers"]]
        return st.fixed_dictionaries({"text": st.sampled_from(texts) | st.text(max_size=40)})


class TestNumericConformance(QuestionTypeConformance):
    question_type = NumericQuestionType
    payloads = [
        {"answer": 15, "unit": "minuten", "feedback": "Een kwartier pauze na anderhalf uur."},
        {"answer": 4, "tolerance": 10, "tolerance_mode": "relative", "unit": "uur"},
        {"answer": 1.5, "tolerance": 0.25, "points": 3},
    ]

    @staticmethod
    def responses(payload):
        return st.fixed_dictionaries(
            {"value": st.floats(allow_nan=False, allow_infinity=False)
             | st.just(payload["answer"])
             | st.sampled_from(["1,5", "15", "abc", "-4.0", ""])})


def _ordering(n):
    return [{"id": f"stap-{chr(97 + i)}", "text": f"Stap {i + 1} van de opening"}
            for i in range(n)]


class TestOrderingConformance(QuestionTypeConformance):
    question_type = OrderingQuestionType
    payloads = [
        {"elements": _ordering(4)},
        {"scoring": "partial", "points": 2, "elements": _ordering(6)},
        {"elements": [{"id": "z", "text": "Eerst"}, {"id": "m", "text": "Dan"},
                      {"id": "a", "text": "Tot slot"}]},
    ]
    # The key is the order of the elements; their texts are shown (shuffled).
    public_fields = ("elements.*.text",)

    @staticmethod
    def responses(payload):
        ids = [e["id"] for e in payload["elements"]]
        return st.fixed_dictionaries({"order": st.permutations(ids)})


class TestMatchingConformance(QuestionTypeConformance):
    question_type = MatchingQuestionType
    payloads = [
        {"premises": [{"id": "p1", "text": "Geen naam van de tolk", "match": "beginsel-3",
                       "feedback": "Beginsel 3."},
                      {"id": "p2", "text": "Een kwartier pauze", "match": "beginsel-11"}],
         "responses": [{"id": "beginsel-3", "text": "De opening"},
                       {"id": "beginsel-11", "text": "Pauzes"},
                       {"id": "beginsel-4", "text": "Afwezigheid van kinderen"}]},
        {"scoring": "all_or_nothing", "points": 3,
         "premises": [{"id": f"p{i}", "text": f"Regel {i}", "match": f"r{i % 2}"}
                      for i in range(4)],
         "responses": [{"id": f"r{i}", "text": f"Beginsel {i}"} for i in range(3)]},
    ]
    @staticmethod
    def responses(payload):
        premises = [p["id"] for p in payload["premises"]]
        answers = [r["id"] for r in payload["responses"]]
        return st.fixed_dictionaries({"matches": st.dictionaries(
            st.sampled_from(premises), st.sampled_from(answers))})


class TestHotspotTextConformance(QuestionTypeConformance):
    question_type = HotspotTextQuestionType
    payloads = [
        {"lines": [{"id": "l1", "speaker": "PO", "text": "Waar woonde u?"},
                   {"id": "l2", "speaker": "V", "text": "In de hoofdstad."},
                   {"id": "l3", "speaker": "PO", "text": "U was toch lid van de partij?",
                    "hotspot": True, "feedback": "Suggestieve vraag (beginsel 8)."}]},
        {"scoring": "all_or_nothing", "points": 2,
         "lines": [{"id": "a", "speaker": "PO", "text": "Wanneer en waarom vertrok u?",
                    "hotspot": True, "feedback": "Twee vragen tegelijk."},
                   {"id": "b", "speaker": "V", "text": "In maart.", "hotspot": True}]},
    ]

    @staticmethod
    def responses(payload):
        ids = [line["id"] for line in payload["lines"]]
        return st.fixed_dictionaries({"marked": st.lists(st.sampled_from(ids), unique=True)})


STANDARD = [TestTrueFalseConformance, TestShortTextConformance, TestNumericConformance,
            TestOrderingConformance, TestMatchingConformance, TestHotspotTextConformance]

# Per type: a right and a wrong (or partly right) answer to a payload.
SAMPLE_ANSWERS = {
    "true_false": lambda p: [{"value": p["answer"]}, {"value": not p["answer"]}],
    "short_text": lambda p: [{"text": "tolk"}, {"text": "iets anders"}, {"text": ""}],
    "numeric": lambda p: [{"value": p["answer"]}, {"value": p["answer"] + 1000}],
    "ordering": lambda p: [{"order": [e["id"] for e in p["elements"]]},
                           {"order": [e["id"] for e in reversed(p["elements"])]}],
    "matching": lambda p: [{"matches": {x["id"]: x["match"] for x in p["premises"]}},
                           {"matches": {p["premises"][0]["id"]: p["responses"][-1]["id"]}},
                           {"matches": {}}],
    "hotspot_text": lambda p: [{"marked": [x["id"] for x in p["lines"] if x["hotspot"]]},
                               {"marked": [x["id"] for x in p["lines"]]}, {"marked": []}],
}


@pytest.mark.parametrize("kit", STANDARD, ids=lambda k: k.question_type.name)
def test_templates_render_for_any_answer(app, kit):
    """The deliver and review templates render for unanswered, right and wrong answers."""
    from types import SimpleNamespace

    qtype = kit.question_type()
    with app.test_request_context("/"):
        deliver = app.jinja_env.get_template(qtype.templates["deliver"])
        review = app.jinja_env.get_template(qtype.templates["review"])
        for payload in kit().payloads:
            payload = qtype.validate_payload(payload)
            answers = [qtype.load_response(a, payload)
                       for a in SAMPLE_ANSWERS[qtype.name](payload)]
            for index, answer in enumerate([None, *answers]):
                view, shown = present(qtype, payload, page_tokens(), answer)
                html = deliver.render(item=SimpleNamespace(position=3, view=view, answer=shown))
                assert 'name="item-3' in html and "<label" in html
                if index == 1 and qtype.name not in ("short_text", "numeric"):
                    assert " checked" in html or " selected" in html  # the right answer
                score = qtype.score(payload, answer, ["ESQF-E-18e"])
                row = {"answer": answer, "payload": payload, "earned": score.earned,
                       "possible": score.possible, "feedback": qtype.feedback(payload, answer)}
                assert review.render(row=row).strip()
