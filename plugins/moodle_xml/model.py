"""Moodle's question model, shared by the Moodle XML and GIFT formats, and its mapping to and
from the engine's bank items.

Both formats describe the same Moodle questions (multichoice, truefalse, shortanswer,
numerical, matching, and kinds the engine does not take). Each reader turns its own syntax
into ``MoodleQuestion`` objects and hands them to an ``ItemBuilder``, so the rules for what
a Moodle question means in the engine (which answer is the key, how fractions become scores,
wildcards, ids, outcomes from tags) are written once; ``from_item`` is the way back, for the
writers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from engine.domain.exchange import ImportDefaults, Problem, ReadResult, Skipped, apply_defaults
from engine.domain.exchange import slug as make_slug

#: larger files are refused unread
MAX_BYTES = 20 * 1024 * 1024
#: Moodle question type -> engine question type
SUPPORTED = {"multichoice": "choice", "truefalse": "true_false", "shortanswer": "short_text",
             "numerical": "numeric", "matching": "matching"}
ENGINE_TYPES = {engine: moodle for moodle, engine in SUPPORTED.items()}
#: the grades Moodle accepts for an answer (percent); its importers refuse others by default
GRADES = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667,
          14.28571, 12.5, 11.11111, 10, 5, 0)
FULL = 99.999  # a fraction of at least this much is full credit ("99.99999" in some exports)
LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass
class MoodleAnswer:
    text: str
    fraction: float = 0.0  # percent, as Moodle writes it: 100, 50, -33.33333
    feedback: str = ""
    tolerance: str = ""  # numerical answers only, as written


@dataclass
class MoodleQuestion:
    """One question as Moodle holds it; texts already converted (``text`` and
    ``general_feedback`` to Markdown, the others to plain text)."""

    qtype: str
    name: str = ""
    text: str = ""
    line: int | None = None
    idnumber: str = ""
    tags: list[str] = field(default_factory=list)
    category: str = ""
    general_feedback: str = ""
    points: float = 1.0
    single: bool = True
    shuffle: bool = True
    usecase: bool = False
    answers: list[MoodleAnswer] = field(default_factory=list)
    #: matching: (question text, answer text); an empty question text is a distractor
    pairs: list[tuple[str, str]] = field(default_factory=list)
    truth: bool | None = None
    feedback_true: str = ""
    feedback_false: str = ""
    unit: str = ""

    @property
    def label(self) -> str:
        return self.name or first_words(self.text)


class BadQuestion(ValueError):
    """A question that cannot become an item: what is wrong and in which field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


def first_words(text: str, count: int = 8) -> str:
    words = re.sub(r"[*`\\]", "", text or "").split()  # Markdown's emphasis and escapes
    short = " ".join(words[:count])
    return (short + " …" if len(words) > count else short)[:120]


def number(text: str) -> float:
    """A number as Moodle writes it; ValueError for anything else (and for inf or nan)."""
    value = float(str(text).strip())
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def fmt(value: float) -> str:
    """A number as short as it can be written: 1, 1.5, 33.33333."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def moodle_grade(percent: float) -> float:
    """The grade in Moodle's list nearest to a percentage, with its sign."""
    nearest = min(GRADES, key=lambda grade: abs(grade - abs(percent)))
    return -nearest if percent < 0 else nearest


def wildcard_regex(text: str) -> str | None:
    """A regex for a Moodle short answer with ``*`` wildcards (``\\*`` is a literal
    asterisk); None when it has none."""
    parts = re.split(r"(?<!\\)\*", text)
    if len(parts) == 1:
        return None
    return ".*".join(re.escape(part.replace("\\*", "*")) for part in parts)


def regex_wildcards(pattern: str) -> str | None:
    """The Moodle wildcard answer for a regex made of literal text and ``.*``; None when the
    regex is anything more than that."""
    literals = []
    for part in pattern.split(".*"):
        literal = re.sub(r"\\(.)", r"\1", part)
        if re.escape(literal) != part:
            return None
        literals.append(literal.replace("*", "\\*"))
    return "*".join(literals)


class ItemBuilder:
    """Collects the result of reading one file: items, problems and skipped questions."""

    def __init__(self, filename: str, defaults: ImportDefaults, prefix: str):
        self.filename, self.defaults = filename, defaults
        self.prefix = make_slug(defaults.id_prefix, fallback="") or prefix
        self.result = ReadResult()
        self.ids: set[str] = set()

    def problem(self, message: str, *, item: str | None = None, field: str | None = None,
                line: int | None = None) -> None:
        self.result.problems.append(Problem(self.filename, message, item, field, line))

    def too_large(self, data: bytes, limit: int) -> bool:
        """Refuse a file over ``limit`` bytes with a problem (True: stop reading)."""
        if len(data) <= limit:
            return False
        self.problem(f"The file is larger than {limit // 2**20} MB; split it up.")
        return True

    def skip(self, question: MoodleQuestion, reason: str = "") -> None:
        self.result.skipped.append(Skipped(
            self.filename, question.label or "?", question.qtype,
            reason or f"the engine has no question type for Moodle {question.qtype} questions"))

    def add(self, question: MoodleQuestion) -> None:
        """The item for a question, or a problem or skipped entry saying why there is none."""
        if question.qtype not in SUPPORTED:
            self.skip(question)
            return
        try:
            if not question.text.strip():
                raise BadQuestion("The question text is empty.", "questiontext")
            if question.points <= 0:
                raise BadQuestion("The default mark must be more than 0.", "defaultgrade")
            payload = PAYLOADS[question.qtype](question)
        except BadQuestion as bad:
            self.problem(bad.message, item=question.label, field=bad.field, line=question.line)
            return
        item = {"id": self._new_id(question), "type": SUPPORTED[question.qtype],
                "language": self.defaults.language,
                "title": (question.name or first_words(question.text))[:300],
                "outcomes": [], "eqf_level": None, "stem": question.text, "payload": payload,
                "feedback": question.general_feedback, "tags": []}
        # Category paths and id numbers often carry the outcome code ("ESQF-E-18e ...").
        apply_defaults(item, self.defaults, tags=question.tags,
                       context=(question.category, question.idnumber))
        self.result.items.append(item)

    def _new_id(self, question: MoodleQuestion) -> str:
        if question.idnumber.strip():
            base = make_slug(question.idnumber)
        else:
            base = make_slug(question.name or first_words(question.text), prefix=self.prefix)
        base = base[:112].rstrip("-")
        candidate, count = base, 1
        while candidate in self.ids:
            count += 1
            candidate = f"{base}-{count}"
        self.ids.add(candidate)
        return candidate


def _choice(q: MoodleQuestion) -> dict:
    if len(q.answers) < 2:
        raise BadQuestion("A multiple-choice question needs at least two answers.", "answers")
    if len(q.answers) > len(LETTERS):
        raise BadQuestion(f"It has {len(q.answers)} answers; the engine takes at most 26.",
                          "answers")
    for number_, answer in enumerate(q.answers, 1):
        if not answer.text:
            raise BadQuestion(f"Answer {number_} has no text.", "answers")
    if q.single:
        full = [a for a in q.answers if a.fraction >= FULL]
        if len(full) != 1:
            raise BadQuestion("A one-answer multiple-choice question needs exactly one answer "
                              f"worth 100%; this one has {len(full)}.", "answers")
        correct = [a is full[0] for a in q.answers]
    else:
        correct = [a.fraction > 0 for a in q.answers]
        if not any(correct):
            raise BadQuestion("None of the answers gives any credit.", "answers")
    options = [{"id": LETTERS[index], "text": a.text, "correct": right, "feedback": a.feedback}
               for index, (a, right) in enumerate(zip(q.answers, correct, strict=True))]
    # Moodle adds up the fractions of a multiple-answer question: partial credit.
    return {"multiple": not q.single, "scoring": "all_or_nothing" if q.single else "partial",
            "shuffle": q.shuffle, "points": q.points, "options": options}


def _true_false(q: MoodleQuestion) -> dict:
    if q.truth is None:
        raise BadQuestion("It has no answer marked as right.", "answers")
    return {"answer": q.truth, "points": q.points, "feedback_true": q.feedback_true,
            "feedback_false": q.feedback_false}


def _short_text(q: MoodleQuestion) -> dict:
    answers = []
    for number_, answer in enumerate(q.answers, 1):
        if not answer.text.strip():
            raise BadQuestion(f"Answer {number_} has no text.", "answers")
        score = 100.0 if answer.fraction >= FULL else min(100.0, max(0.0, answer.fraction))
        regex = wildcard_regex(answer.text)
        if regex is not None:
            entry = {"text": regex, "match": "regex"}
        else:
            entry = {"text": answer.text.replace("\\*", "*"),
                     "match": "exact" if q.usecase else "case_insensitive"}
        answers.append({**entry, "score": score, "feedback": answer.feedback})
    if not any(a["score"] == 100 for a in answers):
        raise BadQuestion("None of the answers is worth 100%.", "answers")
    longest = max((len(a["text"]) for a in answers if a["match"] != "regex"), default=0)
    return {"points": q.points, "max_length": min(5000, max(200, longest)), "answers": answers}


def _numeric(q: MoodleQuestion) -> dict:
    # A "*" answer or a 0% answer only carries feedback for wrong responses; the engine's
    # numeric items have one key, so any answer giving credit must be the only one.
    credit = [a for a in q.answers if a.fraction > 0 and a.text.strip() != "*"]
    if len(credit) != 1:
        raise BadQuestion(
            f"It has {len(credit)} answers that give credit; the engine's numeric items "
            "take exactly one (full credit) answer with a tolerance.", "answers")
    answer = credit[0]
    if answer.fraction < FULL:
        raise BadQuestion(f"Its only answer is worth {fmt(answer.fraction)}%, not 100%.",
                          "answers")
    try:
        value = number(answer.text)
    except ValueError:
        raise BadQuestion(f"The answer {answer.text!r} is not a number.", "answers") from None
    try:
        tolerance = abs(number(answer.tolerance or "0"))
    except ValueError:
        raise BadQuestion(f"The tolerance {answer.tolerance!r} is not a number.",
                          "tolerance") from None
    return {"answer": value, "tolerance": tolerance, "tolerance_mode": "absolute",
            "unit": q.unit, "points": q.points, "feedback": answer.feedback}


def _matching(q: MoodleQuestion) -> dict:
    responses: dict[str, str] = {}  # text -> id; Moodle merges answers with the same text
    premises = []
    for premise, response in q.pairs:
        if not response.strip():
            raise BadQuestion(f"The pair {premise!r} has no answer.", "subquestions")
        response_id = responses.setdefault(response, f"r{len(responses) + 1}")
        if premise.strip():
            premises.append({"id": f"p{len(premises) + 1}", "text": premise,
                             "match": response_id, "feedback": ""})
    if not premises or len(responses) < 2:
        raise BadQuestion("A matching question needs at least one question and two answers.",
                          "subquestions")
    if len(premises) > 26 or len(responses) > 26:
        raise BadQuestion("The engine takes at most 26 questions and 26 answers.",
                          "subquestions")
    return {"scoring": "partial", "points": q.points, "premises": premises,
            "responses": [{"id": rid, "text": text} for text, rid in responses.items()]}


PAYLOADS = {"multichoice": _choice, "truefalse": _true_false, "shortanswer": _short_text,
            "numerical": _numeric, "matching": _matching}


def from_item(item: dict) -> tuple[MoodleQuestion | None, str]:
    """The Moodle question for an engine item, or None and the reason it has none."""
    kind = item.get("type", "")
    if kind not in ENGINE_TYPES:
        return None, f"Moodle has no question type for {kind} items"
    payload = item.get("payload") or {}
    level = item.get("eqf_level")
    tags = [*item.get("outcomes", []), *([f"EQF-{level}"] if level else []),
            *item.get("tags", [])]
    question = MoodleQuestion(
        ENGINE_TYPES[kind], name=(item.get("title") or item.get("id", ""))[:255],
        text=item.get("stem", ""), idnumber=item.get("id", ""), tags=tags,
        general_feedback=item.get("feedback") or "", points=float(payload.get("points", 1.0)))
    reason = EXPORTS[kind](question, payload)
    return (None, reason) if reason else (question, "")


def _export_choice(q: MoodleQuestion, payload: dict) -> str:
    options = payload.get("options", [])
    q.single, q.shuffle = not payload.get("multiple"), payload.get("shuffle", True)
    right = [o for o in options if o.get("correct")]
    wrong = [o for o in options if not o.get("correct")]
    for option in options:
        if q.single:
            fraction = 100.0 if option.get("correct") else 0.0
        elif option.get("correct"):
            fraction = moodle_grade(100 / len(right))
        elif payload.get("scoring") == "partial":
            fraction = moodle_grade(-100 / len(wrong))
        else:
            fraction = -100.0  # the nearest Moodle has to all-or-nothing
        q.answers.append(MoodleAnswer(option["text"], fraction, option.get("feedback", "")))
    return ""


def _export_true_false(q: MoodleQuestion, payload: dict) -> str:
    q.truth = bool(payload.get("answer"))
    q.feedback_true = payload.get("feedback_true", "")
    q.feedback_false = payload.get("feedback_false", "")
    return ""


def _export_short_text(q: MoodleQuestion, payload: dict) -> str:
    answers = payload.get("answers", [])
    plain = [a for a in answers if a.get("match", "case_insensitive") != "regex"]
    q.usecase = bool(plain) and all(a.get("match") == "exact" for a in plain)
    for answer in answers:
        if answer.get("match") == "regex":
            text = regex_wildcards(answer["text"])
            if text is None:
                return (f"Moodle short answers cannot hold the regular expression "
                        f"{answer['text']!r} (only * wildcards)")
        else:
            text = answer["text"].replace("*", "\\*")
        q.answers.append(MoodleAnswer(text, moodle_grade(answer.get("score", 100.0)),
                                      answer.get("feedback", "")))
    return ""


def _export_numeric(q: MoodleQuestion, payload: dict) -> str:
    value, tolerance = float(payload["answer"]), float(payload.get("tolerance", 0.0))
    if payload.get("tolerance_mode") == "relative":
        tolerance = abs(value) * tolerance / 100  # Moodle's tolerance is absolute
    q.unit = payload.get("unit", "")
    q.answers.append(MoodleAnswer(fmt(value), 100.0, payload.get("feedback", ""),
                                  tolerance=fmt(tolerance)))
    return ""


def _export_matching(q: MoodleQuestion, payload: dict) -> str:
    texts = {r["id"]: r["text"] for r in payload.get("responses", [])}
    q.pairs = [(p["text"], texts.get(p["match"], "")) for p in payload.get("premises", [])]
    used = {p["match"] for p in payload.get("premises", [])}
    q.pairs += [("", text) for rid, text in texts.items() if rid not in used]
    return ""


EXPORTS = {"choice": _export_choice, "true_false": _export_true_false,
           "short_text": _export_short_text, "numeric": _export_numeric,
           "matching": _export_matching}
