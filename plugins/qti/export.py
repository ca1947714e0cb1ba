"""QTI 3.0 export: an item dict (the shape of an item in a bank YAML file) to a
qti-assessment-item document. See docs/qti.md for the mapping of each type."""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

from plugins.qti.common import (
    ANSWER_FEEDBACK,
    GENERAL_FEEDBACK,
    MAP_RESPONSE,
    MATCH_CORRECT,
    NOT_XML,
    QTI_NS,
    QTI_XSD,
    STANDARD_TYPES,
    TRUE_FALSE_LABELS,
    XML_LANG,
    XSI_LOCATION,
    QtiError,
    dump_json,
    el,
    fmt_bool,
    fmt_num,
    markdown_block,
    payload_extras,
    q,
    serialise,
    to_ident,
    value_el,
)


class _Writer:
    """Collects the parts of one qti-assessment-item while a type's writer runs."""

    def __init__(self, item: dict):
        self.item, self.payload = item, item["payload"]
        self.omit: list[str] = []   # payload paths absent in the source, written as defaults
        self.decl: Element | None = None
        self.interaction: list[Element] = []
        self.rules: list[Element] = []
        self.template: str | None = None
        self.modal: list[Element] = []
        self.feedback = False
        self.points: Any = None

    def get(self, obj: dict, key: str, default: Any, path: str) -> Any:
        if key in obj:
            return obj[key]
        self.omit.append(path)
        return default

    @staticmethod
    def req(obj: Any, key: str, path: str) -> Any:
        if not isinstance(obj, dict) or key not in obj:
            raise QtiError("Missing; QTI export needs it.", field=f"payload.{path}")
        return obj[key]

    def text(self, obj: Any, key: str, path: str) -> str:
        value = self.req(obj, key, f"{path}.{key}")
        if not isinstance(value, str):
            raise QtiError("Must be text.", field=f"payload.{path}.{key}")
        return value

    def one_of(self, key: str, default: str, allowed: tuple[str, ...]) -> str:
        value = self.get(self.payload, key, default, key)
        if value not in allowed:
            raise QtiError(f"Must be one of {', '.join(allowed)}.", field=f"payload.{key}")
        return value

    def items(self, key: str) -> list:
        value = self.req(self.payload, key, key)
        if not isinstance(value, list):
            raise QtiError("Must be a list.", field=f"payload.{key}")
        return value

    def ident(self, obj: dict, path: str) -> str:
        return to_ident(self.req(obj, "id", f"{path}.id"), f"payload.{path}.id")

    def take_points(self) -> Any:
        self.points = self.get(self.payload, "points", 1, "points")
        fmt_num(self.points, "payload.points")
        return self.points

    def declare(self, cardinality: str, base_type: str | None, correct: list[str]) -> Element:
        attrs = {"identifier": "RESPONSE", "cardinality": cardinality}
        if base_type:
            attrs["base-type"] = base_type
        self.decl = Element(q("qti-response-declaration"), attrs)
        if correct:
            box = el(self.decl, "qti-correct-response")
            for value in correct:
                el(box, "qti-value", value)
        return self.decl

    def mapping(self, entries: list[tuple[str, float]], case: dict | None = None) -> None:
        mapping = el(self.decl, "qti-mapping", lower_bound="0", default_value="0",
                     upper_bound=fmt_num(self.points, "payload.points"))
        for key, value in entries:
            entry = el(mapping, "qti-map-entry", map_key=key, mapped_value=repr(float(value)))
            if case is not None:
                entry.set("case-sensitive", fmt_bool(case[key]))

    def score_rules(self, partial: bool) -> None:
        """The rules of the match_correct or map_response template, scaled to MAXSCORE."""
        self.template = MAP_RESPONSE if partial else MATCH_CORRECT
        cond = Element(q("qti-response-condition"))
        branch = el(cond, "qti-response-if")
        if partial:
            el(el(branch, "qti-is-null"), "qti-variable", identifier="RESPONSE")
            self.set_score(branch, None)
            self.set_score(el(cond, "qti-response-else"), "map")
        else:
            match = el(branch, "qti-match")
            el(match, "qti-variable", identifier="RESPONSE")
            el(match, "qti-correct", identifier="RESPONSE")
            self.set_score(branch, "max")
            self.set_score(el(cond, "qti-response-else"), None)
        self.rules.append(cond)

    def set_score(self, parent: Element | None, how: Any) -> Element:
        """SCORE := 0 (None), MAXSCORE ("max"), the mapped response ("map") or an element;
        a top-level rule when ``parent`` is None."""
        out = el(parent, "qti-set-outcome-value", identifier="SCORE")
        if parent is None:
            self.rules.append(out)
        if how is None:
            value_el(out, "qti-base-value", "float", "0")
        elif how == "max":
            el(out, "qti-variable", identifier="MAXSCORE")
        elif how == "map":
            el(out, "qti-map-response", identifier="RESPONSE")
        else:
            out.append(how)
        return out

    def feedback_rule(self, parent: Element | None, value: str | None = None) -> None:
        """FEEDBACK := FEEDBACK plus the identifier ``value`` (None: the chosen ones, which
        shows their inline feedback); a top-level rule when ``parent`` is None."""
        self.feedback = True
        out = el(parent, "qti-set-outcome-value", identifier="FEEDBACK")
        if parent is None:
            self.rules.append(out)
        multiple = el(out, "qti-multiple")
        el(multiple, "qti-variable", identifier="FEEDBACK")
        if value is None:
            el(multiple, "qti-variable", identifier="RESPONSE")
        else:
            value_el(multiple, "qti-base-value", "identifier", value)

    def inline_feedback(self, parent: Element, ident: str, text: Any, path: str) -> None:
        if not isinstance(text, str):
            raise QtiError("Feedback must be text.", field=f"payload.{path}")
        self.feedback = True
        el(parent, "qti-feedback-inline", text, outcome_identifier="FEEDBACK",
           identifier=ident, show_hide="show")

    def modal_feedback(self, ident: str, text: Any, css: str, field: str) -> None:
        if not isinstance(text, str):
            raise QtiError("Feedback must be text.", field=field)
        self.feedback = True
        modal = Element(q("qti-modal-feedback"), {"outcome-identifier": "FEEDBACK",
                                                  "identifier": ident, "show-hide": "show"})
        el(modal, "qti-content-body").append(markdown_block(text, css))
        self.modal.append(modal)


def _write_choice(w: _Writer) -> None:
    p = w.payload
    multiple = w.get(p, "multiple", False, "multiple")
    partial = w.one_of("scoring", "all_or_nothing", ("all_or_nothing", "partial")) == "partial"
    inter = el(None, "qti-choice-interaction", response_identifier="RESPONSE",
               shuffle=fmt_bool(w.get(p, "shuffle", True, "shuffle")),
                max_choices="0" if multiple else "1")
    w.take_points()
    right, wrong = [], []
    for i, option in enumerate(w.items("options")):
        ident = w.ident(option, f"options.{i}")
        correct = w.get(option, "correct", False, f"options.{i}.correct")
        fmt_bool(correct)
        (right if correct else wrong).append(ident)
        choice = el(inter, "qti-simple-choice", w.text(option, "text", f"options.{i}"),
                    identifier=ident)
        if "feedback" in option:
            w.inline_feedback(choice, ident, option["feedback"], f"options.{i}.feedback")
    w.declare("multiple" if fmt_bool(multiple) == "true" else "single", "identifier", right)
    if partial:
        w.mapping([(i, w.points / len(right)) for i in right]
                  + [(i, -w.points / len(wrong)) for i in wrong])
    w.score_rules(partial)
    if w.feedback:
        w.feedback_rule(None)
    w.interaction.append(inter)


def _write_true_false(w: _Writer) -> None:
    p = w.payload
    answer = fmt_bool(w.req(p, "answer", "answer")) == "true"
    w.take_points()
    labels = TRUE_FALSE_LABELS.get(w.item.get("language"), TRUE_FALSE_LABELS["en"])
    inter = el(None, "qti-choice-interaction", class_="oe-true-false", shuffle="false",
               response_identifier="RESPONSE", max_choices="1")
    for ident, label, key in (("TRUE", labels[0], "feedback_true"),
                              ("FALSE", labels[1], "feedback_false")):
        choice = el(inter, "qti-simple-choice", label, identifier=ident)
        if key in p:
            w.inline_feedback(choice, ident, p[key], key)
    w.declare("single", "identifier", ["TRUE" if answer else "FALSE"])
    w.score_rules(False)
    if w.feedback:
        w.feedback_rule(None)
    w.interaction.append(inter)


def _write_short_text(w: _Writer) -> None:
    p = w.payload
    w.take_points()
    para = el(None, "p", class_="oe-answer")
    entry = el(para, "qti-text-entry-interaction", response_identifier="RESPONSE")
    if "max_length" in p:
        entry.set("expected-length", fmt_num(p["max_length"], "payload.max_length"))
    cond = el(None, "qti-response-condition")
    entries: dict[str, float] = {}
    case: dict[str, bool] = {}
    best: tuple[str, Any] | None = None
    for i, answer in enumerate(w.items("answers")):
        path = f"answers.{i}"
        text = w.text(answer, "text", path)
        match = w.get(answer, "match", "exact", f"{path}.match")
        score = w.get(answer, "score", 100, f"{path}.score")
        literal = fmt_num(score, f"payload.{path}.score")
        branch = el(cond, "qti-response-if" if i == 0 else "qti-response-else-if")
        if match == "regex":
            test = el(branch, "qti-pattern-match", pattern=text)
        elif match in ("exact", "case_insensitive"):
            test = el(branch, "qti-string-match", case_sensitive=fmt_bool(match == "exact"))
        else:
            raise QtiError("Must be exact, case_insensitive or regex.",
                           field=f"payload.{path}.match")
        el(test, "qti-variable", identifier="RESPONSE")
        if match != "regex":
            value_el(test, "qti-base-value", "string", text)
            if text not in entries:
                entries[text], case[text] = w.points * score / 100, match == "exact"
            if best is None or score > best[1]:
                best = (text, score)
        product = el(None, "qti-product")
        el(product, "qti-variable", identifier="MAXSCORE")
        divide = el(product, "qti-divide")
        value_el(divide, "qti-base-value", "integer" if isinstance(score, int) else "float",
                 literal)
        value_el(divide, "qti-base-value", "integer", "100")
        w.set_score(branch, product)
        if "feedback" in answer:
            ident = f"{ANSWER_FEEDBACK}.{i + 1}"
            w.feedback_rule(branch, ident)
            w.modal_feedback(ident, answer["feedback"], "oe-feedback", f"payload.{path}.feedback")
    w.set_score(el(cond, "qti-response-else"), None)
    w.rules.append(cond)
    w.declare("single", "string", [best[0]] if best else [])
    if entries:
        w.mapping(list(entries.items()), case)
    w.interaction.append(para)


def _write_numeric(w: _Writer) -> None:
    p = w.payload
    w.take_points()
    answer = fmt_num(w.req(p, "answer", "answer"), "payload.answer")
    tolerance = fmt_num(w.get(p, "tolerance", 0, "tolerance"), "payload.tolerance")
    mode = w.one_of("tolerance_mode", "absolute", ("absolute", "relative"))
    para = el(None, "p", class_="oe-answer")
    entry = el(para, "qti-text-entry-interaction", response_identifier="RESPONSE")
    if "unit" in p:
        entry.tail = " "
        el(para, "span", w.text(p, "unit", ""), class_="oe-unit")
    w.declare("single", "float", [answer])
    cond = el(None, "qti-response-condition")
    branch = el(cond, "qti-response-if")
    equal = el(branch, "qti-equal", tolerance_mode=mode, tolerance=tolerance)
    el(equal, "qti-correct", identifier="RESPONSE")
    el(equal, "qti-variable", identifier="RESPONSE")
    w.set_score(branch, "max")
    w.set_score(el(cond, "qti-response-else"), None)
    w.rules.append(cond)
    if "feedback" in p:
        w.modal_feedback(ANSWER_FEEDBACK, p["feedback"], "oe-feedback", "payload.feedback")
        w.feedback_rule(None, ANSWER_FEEDBACK)
    w.interaction.append(para)


def _write_ordering(w: _Writer) -> None:
    partial = w.one_of("scoring", "all_or_nothing", ("all_or_nothing", "partial")) == "partial"
    w.take_points()
    inter = el(None, "qti-order-interaction", response_identifier="RESPONSE", shuffle="true")
    ids = []
    for i, element in enumerate(w.items("elements")):
        ids.append(w.ident(element, f"elements.{i}"))
        el(inter, "qti-simple-choice", w.text(element, "text", f"elements.{i}"),
           identifier=ids[-1])
    w.declare("ordered", "identifier", ids)
    if not partial:
        w.score_rules(False)
    else:  # the share of elements in their correct position
        w.set_score(None, None)
        for position, ident in enumerate(ids, start=1):
            cond = el(None, "qti-response-condition")
            w.rules.append(cond)
            branch = el(cond, "qti-response-if")
            match = el(branch, "qti-match")
            el(el(match, "qti-index", n=str(position)), "qti-variable", identifier="RESPONSE")
            value_el(match, "qti-base-value", "identifier", ident)
            total = el(None, "qti-sum")
            el(total, "qti-variable", identifier="SCORE")
            divide = el(total, "qti-divide")
            el(divide, "qti-variable", identifier="MAXSCORE")
            value_el(divide, "qti-base-value", "integer", str(len(ids)))
            w.set_score(branch, total)
    w.interaction.append(inter)


def _write_matching(w: _Writer) -> None:
    partial = w.one_of("scoring", "partial", ("all_or_nothing", "partial")) == "partial"
    w.take_points()
    premises, responses = w.items("premises"), w.items("responses")
    inter = el(None, "qti-match-interaction", response_identifier="RESPONSE", shuffle="true",
               max_associations=str(len(premises)))
    first, second = el(inter, "qti-simple-match-set"), el(inter, "qti-simple-match-set")
    pairs = []
    for i, premise in enumerate(premises):
        ident = w.ident(premise, f"premises.{i}")
        el(first, "qti-simple-associable-choice", w.text(premise, "text", f"premises.{i}"),
           identifier=ident, match_max="1")
        if premise.get("match") is not None:
            pairs.append(f"{ident} {to_ident(premise['match'], f'payload.premises.{i}.match')}")
    for i, response in enumerate(responses):
        el(second, "qti-simple-associable-choice", w.text(response, "text", f"responses.{i}"),
           identifier=w.ident(response, f"responses.{i}"), match_max="0")
    w.declare("multiple", "directedPair", pairs)
    if partial:
        w.mapping([(pair, w.points / len(premises)) for pair in pairs])
    w.score_rules(partial)
    w.interaction.append(inter)


def _write_hotspot_text(w: _Writer) -> None:
    partial = w.one_of("scoring", "partial", ("all_or_nothing", "partial")) == "partial"
    w.take_points()
    inter = el(None, "qti-hottext-interaction", response_identifier="RESPONSE", max_choices="0")
    hot, cold = [], []
    for i, line in enumerate(w.items("lines")):
        path, ident = f"lines.{i}", w.ident(line, f"lines.{i}")
        para = el(inter, "p", class_="oe-line")
        if "speaker" in line:
            el(para, "span", w.text(line, "speaker", path), class_="oe-speaker").tail = ": "
        el(para, "qti-hottext", w.text(line, "text", path), identifier=ident)
        is_hot = w.get(line, "hotspot", False, f"{path}.hotspot")
        (hot if fmt_bool(is_hot) == "true" else cold).append(ident)
        if "feedback" in line:
            w.inline_feedback(para, ident, line["feedback"], f"{path}.feedback")
    w.declare("multiple", "identifier", hot)
    if partial:
        w.mapping([(i, w.points / len(hot)) for i in hot]
                  + [(i, -w.points / len(cold)) for i in cold])
    w.score_rules(partial)
    if w.feedback:
        w.feedback_rule(None)
    w.interaction.append(inter)


def _write_custom(w: _Writer) -> None:
    """Domain (and unknown) types: the whole payload as JSON on a qti-custom-interaction."""
    try:
        state = dump_json(w.payload)
    except (TypeError, ValueError) as exc:
        raise QtiError(f"Cannot be written as JSON: {exc}", field="payload") from None
    w.declare("record", None, [])
    w.interaction.append(el(None, "qti-custom-interaction", response_identifier="RESPONSE",
                            class_=f"oe-{w.item['type']}", data_oe_payload=state))
    points = w.payload.get("points")
    if isinstance(points, int | float) and not isinstance(points, bool):
        w.points = points


WRITERS = {"choice": _write_choice, "true_false": _write_true_false,
           "short_text": _write_short_text, "numeric": _write_numeric,
           "ordering": _write_ordering, "matching": _write_matching,
           "hotspot_text": _write_hotspot_text, "custom": _write_custom}


def _text_field(item: dict, key: str) -> str:
    if not isinstance(item[key], str):
        raise QtiError("Must be text.", field=key)
    return item[key]


def _outcome(root: Element, ident: str, base_type: str, default: str | None,
             cardinality: str = "single") -> None:
    decl = el(root, "qti-outcome-declaration", identifier=ident, cardinality=cardinality,
              base_type=base_type)
    if default is not None:
        el(el(decl, "qti-default-value"), "qti-value", default)


def _assemble(w: _Writer) -> str:
    item = w.item
    root = Element(q("qti-assessment-item"), {XSI_LOCATION: f"{QTI_NS} {QTI_XSD}",
                                              "identifier": to_ident(item["id"], "id")})
    if "title" in item:
        root.set("title", _text_field(item, "title"))
    root.set("adaptive", "false")
    root.set("time-dependent", "false")
    if "language" in item:
        root.set(XML_LANG, _text_field(item, "language"))
    body = el(None, "qti-item-body", data_oe_type=item["type"])
    for key in ("outcomes", "eqf_level", "source", "tags"):
        if key in item:
            body.set(f"data-oe-{key.replace('_', '-')}", dump_json(item[key]))
    feedback = item.get("feedback")
    if isinstance(feedback, str) and feedback:
        w.modal_feedback(GENERAL_FEEDBACK, feedback, "oe-feedback", "feedback")
        w.feedback_rule(None, GENERAL_FEEDBACK)
    elif "feedback" in item:
        body.set("data-oe-feedback", dump_json(feedback))
    if item["type"] in STANDARD_TYPES:
        if w.omit:
            body.set("data-oe-omit", " ".join(w.omit))
        extra = payload_extras(item["type"], w.payload)
        if extra:
            body.set("data-oe-extra", dump_json(extra))
    if "stem" in item:
        body.append(markdown_block(_text_field(item, "stem"), "oe-stem"))
    body.extend(w.interaction)
    root.append(w.decl)
    _outcome(root, "SCORE", "float", "0")
    if w.points is not None:
        _outcome(root, "MAXSCORE", "float", fmt_num(w.points, "payload.points"))
    if w.feedback:
        _outcome(root, "FEEDBACK", "identifier", None, "multiple")
    root.append(body)
    if w.rules:
        rp = el(root, "qti-response-processing")
        if w.template:
            rp.set("template", w.template)
        rp.extend(w.rules)
    root.extend(w.modal)
    return serialise(root, QTI_NS)


def item_to_xml(item: dict) -> str:
    """A qti-assessment-item document for one item; raises QtiError naming what is wrong."""
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        raise QtiError("An item is a mapping with a text `id`.")
    try:
        if not isinstance(item.get("type"), str):
            raise QtiError("Missing or not text.", field="type")
        if not isinstance(item.get("payload"), dict):
            raise QtiError("Missing or not a mapping.", field="payload")
        writer = _Writer(item)
        WRITERS.get(item["type"], WRITERS["custom"])(writer)
        text = _assemble(writer)
    except QtiError as exc:
        raise QtiError(exc.message, item=item["id"], field=exc.field) from None
    if NOT_XML.search(text):
        raise QtiError("Contains a control character that XML cannot carry.", item=item["id"])
    return text


