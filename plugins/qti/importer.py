"""QTI 3.0 import: a qti-assessment-item document back to an item dict.

Items exported by this plugin come back exactly (the ``data-oe-*`` attributes carry what QTI
cannot). Items from other tools are read from the standard constructs alone; see docs/qti.md
for what they lack (outcome codes, EQF level) before the bank will accept them.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

from plugins.qti.common import (
    ANSWER_FEEDBACK,
    GENERAL_FEEDBACK,
    QTI_NS,
    STANDARD_TYPES,
    XML_LANG,
    QtiError,
    from_ident,
    load_json,
    parse_num,
    parse_xml,
    q,
    restore_payload,
)

_INTERACTIONS = {q(name): name for name in (
    "qti-choice-interaction", "qti-text-entry-interaction", "qti-order-interaction",
    "qti-match-interaction", "qti-hottext-interaction", "qti-custom-interaction")}
_FEEDBACK_TAGS = {q("qti-feedback-inline"), q("qti-feedback-block")}


def xml_to_item(xml: str | bytes, *, filename: str = "<xml>") -> dict:
    """The item dict of one qti-assessment-item document.

    Raises QtiError (a ValueError) naming the file, the item and the field when the document
    is refused (DTD, entities, over 2 MB), not well-formed or not an item this can read."""
    root = parse_xml(xml, filename)
    local = root.tag.rsplit("}", 1)[-1]
    if local == "assessmentItem":
        raise QtiError("A QTI 2.x item; only QTI 3.0 items (qti-assessment-item) can be "
                       "imported.", file=filename)
    if root.tag != q("qti-assessment-item"):
        raise QtiError(f"The root element is <{local}>; expected <qti-assessment-item> in "
                       f"{QTI_NS}.", file=filename)
    ident = root.get("identifier")
    if not ident:
        raise QtiError("The qti-assessment-item has no identifier.", file=filename,
                       field="identifier")
    uid = from_ident(ident)
    try:
        return _Reader(root).item(uid)
    except QtiError as exc:
        raise QtiError(exc.message, file=filename, item=uid, field=exc.field) from None
    except RecursionError:
        raise QtiError("Cannot be read: data nested too deeply.", file=filename,
                       item=uid) from None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise QtiError(f"Cannot be read: {exc!r}", file=filename, item=uid) from None


def _local(node: Element) -> str:
    return node.tag.rsplit("}", 1)[-1]


def _markdown(node: Element) -> str:
    """The Markdown source of a block written by the export, else its plain text."""
    for child in node.iter():
        if child.get("data-oe-markdown") is not None:
            return child.get("data-oe-markdown")
    return " ".join("".join(node.itertext()).split())


class _Reader:
    def __init__(self, root: Element):
        self.root = root
        self.body = root.find(q("qti-item-body"))
        if self.body is None:
            raise QtiError("No qti-item-body.", field="qti-item-body")
        self.ours = self.body.get("data-oe-type") is not None
        self.inter = next((n for n in self.body.iter() if n.tag in _INTERACTIONS), None)
        if self.inter is None:
            raise QtiError("No interaction this importer reads (choice, text entry, order, "
                           "match, hottext or custom).", field="qti-item-body")
        rid = self.inter.get("response-identifier")
        decls = {d.get("identifier"): d for d in root.findall(q("qti-response-declaration"))}
        if rid not in decls:
            raise QtiError(f"The interaction's response {rid!r} has no "
                           "qti-response-declaration.", field="qti-response-declaration")
        self.decl = decls[rid]
        self.rp = root.find(q("qti-response-processing"))
        self.modal = {m.get("identifier"): m for m in root.findall(q("qti-modal-feedback"))}

    def attr_json(self, name: str, item: dict, key: str) -> None:
        value = self.body.get(f"data-oe-{name}")
        if value is not None:
            item[key] = load_json(value)

    def item(self, uid: str) -> dict:
        qtype = self.qtype()
        item: dict[str, Any] = {"id": uid, "type": qtype}
        lang = self.root.get(XML_LANG)
        if lang is not None:
            item["language"] = lang if self.ours else lang.split("-")[0].lower()
        if self.root.get("title") is not None:
            item["title"] = self.root.get("title")
        self.attr_json("outcomes", item, "outcomes")
        self.attr_json("eqf-level", item, "eqf_level")
        self.attr_json("source", item, "source")
        stem = self.stem()
        if stem is not None:
            item["stem"] = stem
        if qtype in STANDARD_TYPES:
            item["payload"] = READERS[qtype](self)
            restore_payload(item["payload"], self.body.get("data-oe-omit", "").split(),
                            load_json(self.body.get("data-oe-extra") or "{}"))
        else:
            state = self.inter.get("data-oe-payload")
            if state is None:
                raise QtiError("A qti-custom-interaction without data-oe-payload cannot be "
                               "imported.", field="qti-custom-interaction")
            item["payload"] = load_json(state)
        if GENERAL_FEEDBACK in self.modal:
            item["feedback"] = _markdown(self.modal[GENERAL_FEEDBACK])
        else:
            self.attr_json("feedback", item, "feedback")
        self.attr_json("tags", item, "tags")
        return item

    def qtype(self) -> str:
        declared = self.body.get("data-oe-type")
        local = _INTERACTIONS[self.inter.tag]
        classes = (self.inter.get("class") or "").split()
        if local == "qti-custom-interaction":
            named = [c[3:] for c in classes if c.startswith("oe-")]
            if not (declared or named):
                raise QtiError("A qti-custom-interaction without an oe-<type> class cannot "
                               "be imported.", field="qti-custom-interaction")
            return declared or named[0]
        if local == "qti-text-entry-interaction":
            numeric = self.decl.get("base-type") in ("float", "integer")
            guessed = "numeric" if numeric else "short_text"
        else:
            guessed = {"qti-choice-interaction": "choice", "qti-order-interaction": "ordering",
                       "qti-match-interaction": "matching",
                       "qti-hottext-interaction": "hotspot_text"}[local]
        if guessed == "choice" and "oe-true-false" in classes:
            guessed = "true_false"
        if declared and declared != guessed:
            raise QtiError(f"data-oe-type is {declared!r}, but the item has a {local} "
                           f"({guessed}).", field="data-oe-type")
        return guessed

    def stem(self) -> str | None:
        for child in self.body:
            if child.tag == q("div") and child.get("class") == "oe-stem":
                return _markdown(child)
        if self.ours:
            return None
        parts = [" ".join("".join(child.itertext()).split()) for child in self.body
                 if child.tag not in _FEEDBACK_TAGS and self.inter not in child.iter()]
        prompt = self.inter.find(q("qti-prompt"))
        if prompt is not None:
            parts.append(" ".join("".join(prompt.itertext()).split()))
        return "\n\n".join(p for p in parts if p)

    # -- helpers for the payload readers ------------------------------------------------
    def text(self, node: Element) -> str:
        """The text of a choice, hottext or feedback: exact for our own export; for other
        tools the visible text without feedback, white space folded."""
        if self.ours:
            return node.text or ""
        parts = [node.text or ""]
        for child in node:
            if child.tag not in _FEEDBACK_TAGS:
                parts.append("".join(child.itertext()))
            parts.append(child.tail or "")
        return " ".join("".join(parts).split())

    @staticmethod
    def ident(node: Element) -> str:
        ident = node.get("identifier")
        if not ident:
            raise QtiError(f"A <{_local(node)}> has no identifier.", field=_local(node))
        return from_ident(ident)

    def correct(self) -> list[str]:
        box = self.decl.find(q("qti-correct-response"))
        return [] if box is None else [(v.text or "").strip() for v in box.findall(q("qti-value"))]

    def mapping(self) -> Element | None:
        return self.decl.find(q("qti-mapping"))

    def points(self) -> int | float:
        for decl in self.root.findall(q("qti-outcome-declaration")):
            if decl.get("identifier") == "MAXSCORE":
                value = decl.find(f"{q('qti-default-value')}/{q('qti-value')}")
                if value is not None:
                    return parse_num(value.text)
        mapping = self.mapping()
        if mapping is not None and mapping.get("upper-bound"):
            return parse_num(mapping.get("upper-bound"))
        return 1

    def inline_feedback(self, parent: Element, ident: str | None = None) -> str | None:
        for node in parent.findall(q("qti-feedback-inline")):
            if ident is None or from_ident(node.get("identifier") or "") == ident:
                return self.text(node)
        return None

    def rules(self, tag: str) -> list[Element]:
        return [] if self.rp is None else list(self.rp.iter(q(tag)))


def _read_choice(r: _Reader) -> dict:
    correct = {from_ident(v) for v in r.correct()}
    options = []
    for choice in r.inter.findall(q("qti-simple-choice")):
        ident = r.ident(choice)
        option = {"id": ident, "text": r.text(choice), "correct": ident in correct}
        feedback = r.inline_feedback(choice)
        if feedback is not None:
            option["feedback"] = feedback
        options.append(option)
    return {"multiple": r.decl.get("cardinality") == "multiple",
            "scoring": "partial" if r.mapping() is not None else "all_or_nothing",
            "shuffle": r.inter.get("shuffle") == "true", "points": r.points(),
            "options": options}


def _read_true_false(r: _Reader) -> dict:
    correct = r.correct()
    if correct not in (["TRUE"], ["FALSE"]):
        raise QtiError("A true/false item's correct response is TRUE or FALSE.",
                       field="qti-correct-response")
    payload: dict[str, Any] = {"answer": correct == ["TRUE"], "points": r.points()}
    for choice in r.inter.findall(q("qti-simple-choice")):
        feedback = r.inline_feedback(choice)
        if feedback is not None:
            payload[f"feedback_{r.ident(choice).lower()}"] = feedback
    return payload


def _read_short_text(r: _Reader) -> dict:
    payload: dict[str, Any] = {"points": r.points()}
    if r.inter.get("expected-length"):
        payload["max_length"] = parse_num(r.inter.get("expected-length"))
    answers = []
    tests = {q("qti-string-match"), q("qti-pattern-match"), q("qti-match")}
    for cond in r.rules("qti-response-condition"):
        branches = [b for b in cond if _local(b) in ("qti-response-if", "qti-response-else-if")]
        if not branches or not len(branches[0]) or branches[0][0].tag not in tests:
            continue
        for branch in branches:
            answers.append(_answer(r, branch))
        break
    else:  # another tool's item: the mapping is all there is
        mapping = r.mapping()
        upper = parse_num(mapping.get("upper-bound") or "0") if mapping is not None else 0
        for entry in [] if mapping is None else mapping.findall(q("qti-map-entry")):
            value = parse_num(entry.get("mapped-value"))
            answers.append({"text": entry.get("map-key") or "", "score": round(
                100 * value / upper if upper else 100 * value),
                "match": "exact" if entry.get("case-sensitive") == "true" else
                "case_insensitive"})
    payload["answers"] = answers
    return payload


def _answer(r: _Reader, branch: Element) -> dict:
    test = branch[0]
    if test.tag == q("qti-pattern-match"):
        answer: dict[str, Any] = {"text": test.get("pattern") or "", "match": "regex"}
    else:
        value = test.find(q("qti-base-value"))
        exact = test.tag == q("qti-match") or test.get("case-sensitive") == "true"
        answer = {"text": "" if value is None else value.text or "",
                  "match": "exact" if exact else "case_insensitive"}
    answer["score"] = 100
    for out in branch.findall(q("qti-set-outcome-value")):
        if out.get("identifier") == "SCORE":
            literal = out.find(f".//{q('qti-divide')}/{q('qti-base-value')}")
            if literal is not None:
                answer["score"] = parse_num(literal.text)
        elif out.get("identifier") == "FEEDBACK":
            ident = out.find(f".//{q('qti-base-value')}")
            if ident is not None and ident.text in r.modal:
                answer["feedback"] = _markdown(r.modal[ident.text])
    return answer


def _read_numeric(r: _Reader) -> dict:
    correct = r.correct()
    if not correct:
        raise QtiError("A numeric item needs a qti-correct-response.",
                       field="qti-correct-response")
    payload: dict[str, Any] = {"answer": parse_num(correct[0]), "tolerance": 0,
                               "tolerance_mode": "absolute"}
    equal = next(iter(r.rules("qti-equal")), None)
    if equal is not None and equal.get("tolerance-mode") in ("absolute", "relative"):
        payload["tolerance_mode"] = equal.get("tolerance-mode")
        payload["tolerance"] = parse_num((equal.get("tolerance") or "0").split()[0])
    for span in r.body.iter(q("span")):
        if span.get("class") == "oe-unit":
            payload["unit"] = span.text or ""
    payload["points"] = r.points()
    if ANSWER_FEEDBACK in r.modal:
        payload["feedback"] = _markdown(r.modal[ANSWER_FEEDBACK])
    return payload


def _read_ordering(r: _Reader) -> dict:
    texts = {r.ident(c): r.text(c) for c in r.inter.findall(q("qti-simple-choice"))}
    order = [from_ident(v) for v in r.correct()]
    if sorted(order) != sorted(texts):
        order = list(texts)
    return {"scoring": "partial" if r.rules("qti-index") else "all_or_nothing",
            "points": r.points(), "elements": [{"id": i, "text": texts[i]} for i in order]}


def _read_matching(r: _Reader) -> dict:
    sets = r.inter.findall(q("qti-simple-match-set"))
    if len(sets) != 2:
        raise QtiError("A qti-match-interaction has two qti-simple-match-set elements.",
                       field="qti-match-interaction")
    pairs = dict(tuple(from_ident(part) for part in value.split()) for value in r.correct())
    premises, responses = [], []
    for choice in sets[0].findall(q("qti-simple-associable-choice")):
        premise = {"id": r.ident(choice), "text": r.text(choice)}
        if premise["id"] in pairs:
            premise["match"] = pairs[premise["id"]]
        premises.append(premise)
    for choice in sets[1].findall(q("qti-simple-associable-choice")):
        responses.append({"id": r.ident(choice), "text": r.text(choice)})
    return {"scoring": "partial" if r.mapping() is not None else "all_or_nothing",
            "points": r.points(), "premises": premises, "responses": responses}


def _read_hotspot_text(r: _Reader) -> dict:
    hot = {from_ident(v) for v in r.correct()}
    parents = {child: parent for parent in r.inter.iter() for child in parent}
    lines = []
    for hottext in r.inter.iter(q("qti-hottext")):
        ident, parent = r.ident(hottext), parents[hottext]
        line: dict[str, Any] = {"id": ident}
        for span in parent.findall(q("span")):
            if span.get("class") == "oe-speaker":
                line["speaker"] = span.text or ""
        line.update(text=r.text(hottext), hotspot=ident in hot)
        feedback = r.inline_feedback(parent, ident)
        if feedback is not None:
            line["feedback"] = feedback
        lines.append(line)
    return {"scoring": "partial" if r.mapping() is not None else "all_or_nothing",
            "points": r.points(), "lines": lines}


READERS = {"choice": _read_choice, "true_false": _read_true_false,
           "short_text": _read_short_text, "numeric": _read_numeric,
           "ordering": _read_ordering, "matching": _read_matching,
           "hotspot_text": _read_hotspot_text}
