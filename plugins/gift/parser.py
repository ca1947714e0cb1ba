"""Reading GIFT, Moodle's plain-text question format, into Moodle questions.

The rules follow Moodle's own GIFT importer: questions are separated by blank lines; lines
starting with ``//`` are comments (``[id:...]`` and ``[tag:...]`` in them give the id number
and tags); ``$CATEGORY:`` sets the category of the questions after it; ``::name::`` names a
question and ``[html]``, ``[moodle]``, ``[plain]`` or ``[markdown]`` sets its text format;
the answer block ``{...}`` decides the kind (empty: essay, ``#``: numerical, a ``~``:
multichoice, ``=`` with ``->``: matching, ``T``/``F``: truefalse, otherwise shortanswer) and
no block at all makes a description. ``\\~ \\= \\# \\{ \\} \\:`` are literal characters,
``\\n`` is a line break.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from plugins.moodle_xml.model import (
    BadQuestion,
    ItemBuilder,
    MoodleAnswer,
    MoodleQuestion,
    first_words,
    fmt,
    number,
)
from plugins.moodle_xml.text import to_markdown, to_plain

# Escaped characters are swapped for private-use stand-ins while the markup is taken apart,
# and swapped back in each finished piece of text, as Moodle does.
BACKSLASH = "\ue000"
ESCAPES = {":": "\ue001", "#": "\ue002", "=": "\ue003", "{": "\ue004", "}": "\ue005",
           "~": "\ue006", "n": "\ue007"}
_RESTORE = str.maketrans({BACKSLASH: "\\", **{stand_in: "\n" if char == "n" else char
                                              for char, stand_in in ESCAPES.items()}})
#: where the answer block of a "missing word" question stood in its text
BLANK = "\ue008"
WEIGHT = re.compile(r"^\s*%(-?\d+(?:\.\d+)?)%")
FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]")
ID = re.compile(r"\[id:((?:\\\]|[^\]])+)\]")
TAG = re.compile(r"\[tag:((?:\\\]|[^\]])+)\]")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def protect(text: str) -> str:
    text = text.replace("\\\\", BACKSLASH)
    for char, stand_in in ESCAPES.items():
        text = text.replace("\\" + char, stand_in)
    return text


def restore(text: str) -> str:
    return text.translate(_RESTORE)


def blocks(text: str) -> Iterator[list[tuple[int, str]]]:
    """The blank-line separated blocks of a file, as (line number, line) pairs."""
    block: list[tuple[int, str]] = []
    for number_, line in enumerate(text.split("\n"), 1):
        if line.strip():
            block.append((number_, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def parse(text: str, builder: ItemBuilder) -> None:
    """Every question of a GIFT file, handed to the builder (or reported to it)."""
    category = ""
    for block in blocks(text.replace("\r\n", "\n").replace("\r", "\n")):
        comments = "\n".join(line for _, line in block if line.strip().startswith("//"))
        body = [(n, line) for n, line in block if not line.strip().startswith("//")]
        if body and body[0][1].strip().startswith("$CATEGORY:"):
            category = restore(body[0][1].strip()[len("$CATEGORY:"):]).strip()
            body = body[1:]
        if not body:
            continue
        question = MoodleQuestion("", line=body[0][0], category=category)
        question.idnumber = next((m.replace("\\]", "]").strip() for m in ID.findall(comments)),
                                 "")
        question.tags = [m.replace("\\]", "]").strip() for m in TAG.findall(comments)]
        try:
            _read(protect("\n".join(line for _, line in body).strip()), question)
        except BadQuestion as bad:
            builder.problem(bad.message, item=question.label, field=bad.field,
                            line=question.line)
            continue
        except Exception as exc:  # a reader reports, never raises, whatever the content
            builder.problem(f"This question could not be read ({exc!r}).",
                            item=question.label, line=question.line)
            continue
        builder.add(question)


def _read(text: str, q: MoodleQuestion) -> None:
    """Fill a question from the text of its block (comments removed, escapes protected)."""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end != -1:
            q.name = restore(text[2:end]).strip()
            text = text[end + 2:].strip()
    match = FORMAT.match(text)
    text_format = match.group(1) if match else "moodle"
    text = text[match.end():] if match else text
    # Names an unnamed question in problems until it is read: the words before its answers.
    q.text = first_words(restore(text.split("{", 1)[0])) or first_words(restore(text))
    start, finish = text.find("{"), text.find("}")
    if start == -1 and finish == -1:
        q.qtype, q.text = "description", _rich(text, text_format)
        return
    if finish != -1 and (start == -1 or finish < start):
        raise BadQuestion("A } closes an answer block that no { opens (write \\} for a "
                          "literal brace).", "answers")
    if finish == -1:
        raise BadQuestion("The answer block opened with { is never closed with }.", "answers")
    if "{" in text[finish:] or "}" in text[finish + 1:]:
        raise BadQuestion("A question can have only one answer block {...}; write \\{ and "
                          "\\} for literal braces.", "answers")
    after = text[finish + 1:]
    q.text = _rich(text[:start] + (BLANK + after if after.strip() else ""), text_format)
    answers = text[start + 1:finish].strip()
    general = answers.rfind("####")
    if general != -1:
        q.general_feedback = _rich(answers[general + 4:], text_format)
        answers = answers[:general].strip()
    q.qtype = _kind(answers)
    if q.qtype in READERS:
        READERS[q.qtype](answers, q, text_format)


def _kind(answers: str) -> str:
    if not answers:
        return "essay"
    if answers.startswith("#"):
        return "numerical"
    if "~" in answers:
        return "multichoice"
    if "=" in answers and "->" in answers:
        return "matching"
    if answers.split("#", 1)[0].strip() in TRUE_FALSE:
        return "truefalse"
    return "shortanswer"


def _rich(text: str, text_format: str) -> str:
    return to_markdown(restore(text).strip(), text_format).replace(BLANK, "_____")


def _plain(text: str, text_format: str) -> str:
    text = restore(text).strip()
    match = FORMAT.match(text)  # an answer may name its own format
    if match:
        text_format, text = match.group(1), text[match.end():]
    return to_plain(text, text_format)


def _chunks(answers: str, markers: str) -> Iterator[tuple[str, str]]:
    """(marker, text) for each answer; text before the first marker is an answer too, as in
    Moodle."""
    pieces = re.split(f"([{re.escape(markers)}])", answers)
    if pieces[0].strip():
        yield "", pieces[0].strip()
    for index in range(1, len(pieces), 2):
        yield pieces[index], pieces[index + 1].strip()


def _weight(chunk: str, default: float) -> tuple[float, str]:
    match = WEIGHT.match(chunk)
    return (float(match.group(1)), chunk[match.end():]) if match else (default, chunk)


def _multichoice(answers: str, q: MoodleQuestion, text_format: str) -> None:
    # As in Moodle: without any "=" answer it is a multiple-answer question.
    q.single = "=" in answers
    for marker, chunk in _chunks(answers, "~="):
        fraction, chunk = _weight(chunk, 100.0 if marker == "=" else 0.0)
        text, _, feedback = chunk.partition("#")
        q.answers.append(MoodleAnswer(_plain(text, text_format), fraction,
                                      _plain(feedback, text_format)))


def _matching(answers: str, q: MoodleQuestion, text_format: str) -> None:
    for _, chunk in _chunks(answers, "="):
        premise, arrow, response = chunk.partition("->")
        if not arrow:
            raise BadQuestion(f"The matching pair {restore(chunk)!r} has no '->'.", "answers")
        q.pairs.append((_plain(premise, text_format), restore(response).strip()))


def _true_false(answers: str, q: MoodleQuestion, text_format: str) -> None:
    key, wrong, right = (answers.split("#", 2) + ["", ""])[:3]
    q.truth = TRUE_FALSE[key.strip()]
    # The first feedback is for a wrong response, the second for a right one.
    wrong, right = _plain(wrong, text_format), _plain(right, text_format)
    q.feedback_true, q.feedback_false = (right, wrong) if q.truth else (wrong, right)


def _short_answer(answers: str, q: MoodleQuestion, text_format: str) -> None:
    for _, chunk in _chunks(answers, "="):
        fraction, chunk = _weight(chunk, 100.0)
        text, _, feedback = chunk.partition("#")
        q.answers.append(MoodleAnswer(restore(text).strip(), fraction,
                                      _plain(feedback, text_format)))


def _numerical(answers: str, q: MoodleQuestion, text_format: str) -> None:
    # After "~" comes feedback for any wrong response, which the engine has no place for.
    body = answers[1:].split("~", 1)[0]
    for _, chunk in _chunks(body, "="):
        fraction, chunk = _weight(chunk, 100.0)
        value, _, feedback = chunk.partition("#")
        value = value.strip()
        if ".." in value:
            low, _, high = value.partition("..")
            try:
                low_value, high_value = number(restore(low)), number(restore(high))
                middle = (low_value + high_value) / 2
                text, tolerance = fmt(middle), fmt(abs(high_value - middle))
            except ValueError:
                text, tolerance = value, "0"  # reported as "not a number"
        elif ":" in value[1:]:
            text, _, tolerance = value.partition(":")
        else:
            text, tolerance = value, "0"
        q.answers.append(MoodleAnswer(restore(text).strip(), fraction,
                                      _plain(feedback, text_format),
                                      restore(tolerance).strip()))


READERS = {"multichoice": _multichoice, "matching": _matching, "truefalse": _true_false,
           "shortanswer": _short_answer, "numerical": _numerical}
