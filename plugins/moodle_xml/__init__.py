"""Built-in plugin: the Moodle XML exchange format (``<quiz><question type="...">``).

Reads multichoice (one or several answers), truefalse, shortanswer, numerical and matching
questions into bank items, category pseudo-questions as context for the questions after
them, and reports every other kind (essay, description, cloze, calculated...) as skipped by
name. Writes the same five engine types back as Moodle XML, which Moodle imports as they
are: ids as ``<idnumber>``, outcomes and the EQF level as tags.

Files are parsed with defusedxml: a DTD or an entity declaration is refused, as is anything
over 20 MB, with a problem rather than an exception.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # only to build the files this plugin writes

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from engine.domain.exchange import ExchangeFormat, ImportDefaults, ReadResult, Skipped, WriteResult
from engine.hookspecs import hookimpl

from .model import (
    MAX_BYTES,
    SUPPORTED,
    BadQuestion,
    ItemBuilder,
    MoodleAnswer,
    MoodleQuestion,
    fmt,
    from_item,
    number,
)
from .text import markdown_to_html, text_to_html, to_markdown, to_plain

FILENAME = "items.xml"
_TRUE = {"1", "true", "yes"}
_FALSE = {"0", "false", "no"}
#: control characters XML 1.0 cannot hold at all
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _node_text(node: ET.Element | None) -> str:
    if node is None:
        return ""
    inner = node.find("text")
    return ((inner.text if inner is not None else node.text) or "").strip()


def _value(element: ET.Element, path: str) -> str:
    return _node_text(element.find(path))


def _rich(element: ET.Element, path: str) -> str:
    node = element.find(path)
    return to_markdown(_node_text(node), node.get("format", "html")) if node is not None else ""


def _plain(node: ET.Element | None, default_format: str = "html") -> str:
    return to_plain(_node_text(node), node.get("format", default_format)) if node is not None \
        else ""


def _flag(element: ET.Element, path: str, default: bool) -> bool:
    value = _value(element, path).lower()
    return True if value in _TRUE else False if value in _FALSE else default


def _fraction(answer: ET.Element) -> float:
    raw = answer.get("fraction", "0")
    try:
        return number(raw)
    except ValueError:
        raise BadQuestion(f"The answer fraction {raw!r} is not a number.", "answers") from None


def _answers(element: ET.Element, text_format: str) -> list[MoodleAnswer]:
    answers = []
    for node in element.findall("answer"):
        text = _node_text(node)
        if text_format == "html":
            text = to_plain(text, node.get("format", "html"))
        answers.append(MoodleAnswer(text, _fraction(node), _plain(node.find("feedback")),
                                    _value(node, "tolerance")))
    return answers


def _question(element: ET.Element, qtype: str, category: str,
              line: int | None) -> MoodleQuestion:
    q = MoodleQuestion(qtype, name=_value(element, "name"), line=line, category=category)
    q.text = _rich(element, "questiontext")
    q.general_feedback = _rich(element, "generalfeedback")
    q.idnumber = _value(element, "idnumber")
    q.tags = [t.text.strip() for t in element.findall("tags/tag/text") if (t.text or "").strip()]
    if qtype not in SUPPORTED:
        return q  # skipped by name; its content is not needed
    grade = _value(element, "defaultgrade")
    try:
        q.points = number(grade) if grade else 1.0
    except ValueError:
        raise BadQuestion(f"The default mark {grade!r} is not a number.", "defaultgrade") \
            from None
    q.shuffle = _flag(element, "shuffleanswers", True)
    if qtype == "multichoice":
        q.single = _flag(element, "single", True)
        q.answers = _answers(element, "html")
    elif qtype == "truefalse":
        for answer in _answers(element, "raw"):
            side = answer.text.strip().lower()
            if side in ("true", "false"):
                setattr(q, f"feedback_{side}", answer.feedback)
                if answer.fraction >= 99.999:
                    q.truth = side == "true"
    elif qtype == "shortanswer":
        q.usecase = _flag(element, "usecase", False)
        q.answers = _answers(element, "raw")
    elif qtype == "numerical":
        q.answers = _answers(element, "raw")
        q.unit = _unit(element)
    else:
        q.pairs = [(_plain(sub), _value(sub, "answer")) for sub in element.findall("subquestion")]
    return q


def _unit(element: ET.Element) -> str:
    """The unit Moodle shows for multiplier 1 (the unit the answer is in)."""
    for unit in element.findall("units/unit"):
        try:
            if number(_value(unit, "multiplier") or "1") == 1:
                return _value(unit, "unit_name")
        except ValueError:
            continue
    return ""


def _question_lines(data: bytes) -> list[int]:
    """The line of each ``<question`` tag, in order; comments and CDATA (which may hold that
    text) are blanked first, keeping their line breaks."""
    masked = re.sub(rb"<!\[CDATA\[.*?\]\]>|<!--.*?-->",
                    lambda m: b"\n" * m.group().count(b"\n"), data, flags=re.S)
    return [masked.count(b"\n", 0, m.start()) + 1
            for m in re.finditer(rb"<question[\s>/]", masked)]


class MoodleXmlFormat(ExchangeFormat):
    name = "moodle_xml"
    label = "Moodle XML"
    extensions = (".xml",)
    media_type = "application/xml"

    def sniff(self, data: bytes, filename: str) -> bool:
        # QTI packages are XML too: only a <quiz> root is Moodle's.
        return b"<quiz" in data[:1024]

    def read(self, data: bytes, *, filename: str, defaults: ImportDefaults) -> ReadResult:
        builder = ItemBuilder(filename, defaults, prefix="moodle")
        if builder.too_large(data, MAX_BYTES):
            return builder.result
        try:
            root = fromstring(data, forbid_dtd=True)
        except DefusedXmlException:
            builder.problem("The file declares a DTD or entities, which are refused for "
                            "safety; Moodle's own exports never do.")
            return builder.result
        except ParseError as exc:
            builder.problem(f"This is not well-formed XML ({exc}).",
                            line=getattr(exc, "position", (None,))[0])
            return builder.result
        if root.tag != "quiz":
            builder.problem(f"This is not a Moodle XML quiz file: its root is <{root.tag}>, "
                            "not <quiz>.")
            return builder.result
        lines, category = _question_lines(data), ""
        for index, element in enumerate(root.findall("question")):
            qtype = (element.get("type") or "").strip().lower()
            line = lines[index] if index < len(lines) else None
            if qtype == "category":
                category = _value(element, "category")
                continue
            if not qtype:
                builder.problem("The question has no type attribute.",
                                item=_value(element, "name") or None, field="type", line=line)
                continue
            label = _value(element, "name") or f"question {index + 1}"
            try:
                builder.add(_question(element, qtype, category, line))
            except BadQuestion as bad:
                builder.problem(bad.message, item=label, field=bad.field, line=line)
            except Exception as exc:  # a reader reports, never raises, whatever the content
                builder.problem(f"This question could not be read ({exc!r}).", item=label,
                                line=line)
        return builder.result

    def write(self, items: list[dict]) -> WriteResult:
        quiz, skipped = ET.Element("quiz"), []
        for item in items:
            question, reason = from_item(item)
            if question is None:
                skipped.append(Skipped(FILENAME, item.get("id") or item.get("title") or "?",
                                       item.get("type") or "?", reason))
                continue
            quiz.append(_element(question))
        ET.indent(quiz, space="  ")
        body = ET.tostring(quiz, encoding="unicode", short_empty_elements=False)
        return WriteResult(f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode(),
                           FILENAME, skipped)


def _sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)
    if text:
        node.text = _NOT_XML.sub("", text)
    return node


def _text_el(parent: ET.Element, tag: str, text: str, text_format: str | None = None):
    node = _sub(parent, tag, **({"format": text_format} if text_format else {}))
    _sub(node, "text", text)
    return node


def _answer_el(parent: ET.Element, text: str, fraction: float, feedback: str,
               text_format: str = "moodle_auto_format") -> ET.Element:
    node = _sub(parent, "answer", fraction=fmt(fraction), format=text_format)
    _sub(node, "text", text)
    _text_el(node, "feedback", text_to_html(feedback), "html")
    return node


def _element(q: MoodleQuestion) -> ET.Element:
    el = ET.Element("question", type=q.qtype)
    _text_el(el, "name", q.name)
    _text_el(el, "questiontext", markdown_to_html(q.text), "html")
    _text_el(el, "generalfeedback", markdown_to_html(q.general_feedback), "html")
    _sub(el, "defaultgrade", fmt(q.points))
    _sub(el, "penalty", "1" if q.qtype == "truefalse" else "0.3333333")
    _sub(el, "hidden", "0")
    _sub(el, "idnumber", q.idnumber)
    if q.qtype == "multichoice":
        _sub(el, "single", "true" if q.single else "false")
        _sub(el, "shuffleanswers", "true" if q.shuffle else "false")
        _sub(el, "answernumbering", "abc")
        for answer in q.answers:
            _answer_el(el, text_to_html(answer.text), answer.fraction, answer.feedback, "html")
    elif q.qtype == "truefalse":
        _answer_el(el, "true", 100 if q.truth else 0, q.feedback_true)
        _answer_el(el, "false", 0 if q.truth else 100, q.feedback_false)
    elif q.qtype == "shortanswer":
        _sub(el, "usecase", "1" if q.usecase else "0")
        for answer in q.answers:
            _answer_el(el, answer.text, answer.fraction, answer.feedback)
    elif q.qtype == "numerical":
        for answer in q.answers:
            _sub(_answer_el(el, answer.text, answer.fraction, answer.feedback), "tolerance",
                 answer.tolerance)
        if q.unit:
            unit = _sub(_sub(el, "units"), "unit")
            _sub(unit, "multiplier", "1")
            _sub(unit, "unit_name", q.unit)
        # Units shown but not graded, as the engine does.
        for tag, value in (("unitgradingtype", "0"), ("unitpenalty", "0.1"),
                           ("showunits", "3"), ("unitsleft", "0")):
            _sub(el, tag, value)
    elif q.qtype == "matching":
        _sub(el, "shuffleanswers", "true")
        for premise, response in q.pairs:
            sub = _text_el(el, "subquestion", text_to_html(premise), "html")
            _text_el(sub, "answer", response)
    if q.tags:
        tags = _sub(el, "tags")
        for tag in q.tags:
            _text_el(tags, "tag", tag)
    return el


@hookimpl
def register_exchange_formats():
    return [MoodleXmlFormat]
