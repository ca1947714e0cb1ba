"""What QTI export and import share: namespaces, limits, ``QtiError``, the identifier,
number and JSON codecs, the hardened XML parser and the XML writing helpers. See docs/qti.md."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any
from xml.etree.ElementTree import Element, ParseError, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as _defused_fromstring
from markdown_it import MarkdownIt

QTI_NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
QTI_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0p1_v1p0.xsd"
CP_NS = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
CP_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd"
XSI_LOCATION = "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_TEMPLATES = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/"
MATCH_CORRECT = _TEMPLATES + "match_correct.xml"
MAP_RESPONSE = _TEMPLATES + "map_response.xml"
ITEM_RESOURCE_TYPE = "imsqti_item_xmlv3p0"

STANDARD_TYPES = ("choice", "true_false", "short_text", "numeric", "ordering", "matching",
                  "hotspot_text")
#: feedback identifiers; "." never occurs in an option or line id, so these cannot collide
GENERAL_FEEDBACK = "oe.general"
ANSWER_FEEDBACK = "oe.answer"
TRUE_FALSE_LABELS = {"nl": ("Juist", "Onjuist"), "en": ("True", "False"),
                     "fr": ("Vrai", "Faux"), "de": ("Richtig", "Falsch")}
#: payload keys QTI constructs carry, per type: (top level, {list: element keys});
#: any other key travels verbatim in ``data-oe-extra``
KNOWN_KEYS: dict[str, tuple[set, dict[str, set]]] = {
    "choice": ({"multiple", "scoring", "shuffle", "points", "options"},
               {"options": {"id", "text", "correct", "feedback"}}),
    "true_false": ({"answer", "points", "feedback_true", "feedback_false"}, {}),
    "short_text": ({"points", "max_length", "answers"},
                   {"answers": {"text", "match", "score", "feedback"}}),
    "numeric": ({"answer", "tolerance", "tolerance_mode", "unit", "points", "feedback"}, {}),
    "ordering": ({"scoring", "points", "elements"}, {"elements": {"id", "text"}}),
    "matching": ({"scoring", "points", "premises", "responses"},
                 {"premises": {"id", "text", "match"}, "responses": {"id", "text"}}),
    "hotspot_text": ({"scoring", "points", "lines"},
                     {"lines": {"id", "speaker", "text", "hotspot", "feedback"}}),
}


def payload_extras(qtype: str, payload: dict) -> dict[str, Any]:
    """The payload keys no QTI construct carries, by dotted path (``options.0.image``)."""
    top, lists = KNOWN_KEYS[qtype]
    found = {k: v for k, v in payload.items() if k not in top}
    for name, keys in lists.items():
        for index, element in enumerate(payload.get(name) or []):
            if isinstance(element, dict):
                found.update({f"{name}.{index}.{k}": v for k, v in element.items()
                              if k not in keys})
    return found


def restore_payload(payload: dict, omitted: list[str], extra: dict[str, Any]) -> None:
    """Undo the export's bookkeeping: drop the keys the item did not have (``data-oe-omit``)
    and put back the ones QTI cannot carry (``data-oe-extra``)."""
    def walk(path: str) -> tuple[Any, str]:
        *parents, last = path.split(".")
        node: Any = payload
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node, last

    for path in omitted:
        node, key = walk(path)
        node.pop(key, None)
    for path, value in extra.items():
        node, key = walk(path)
        node[key] = value


ID_PREFIX = "ID_"
_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9._-]*")
_IDENT_CHARS = re.compile(r"[A-Za-z0-9._-]+")
_INT = re.compile(r"[+-]?\d+")


class QtiError(ValueError):
    """A QTI document or package that cannot be read or written; names where."""

    def __init__(self, message: str, *, file: str | None = None, item: str | None = None,
                 field: str | None = None):
        self.message, self.file, self.item, self.field = message, file, item, field
        where = [file, item and f"item {item!r}", field and f"field {field!r}"]
        super().__init__(": ".join([w for w in where if w] + [message]))


def q(name: str) -> str:
    """An element name in the QTI 3.0 namespace."""
    return f"{{{QTI_NS}}}{name}"


def to_ident(value: Any, field: str) -> str:
    """A valid QTI identifier for an id: ids that start with a digit, '-' or '_' (or with the
    prefix itself) get ``ID_`` in front; ``from_ident`` takes it off again."""
    text = str(value)
    if _IDENT.fullmatch(text) and not text.startswith(ID_PREFIX):
        return text
    if _IDENT_CHARS.fullmatch(text):
        return ID_PREFIX + text
    raise QtiError(f"{text!r} cannot be a QTI identifier (letters, digits, '.', '-', '_').",
                   field=field)


def from_ident(text: str) -> str:
    return text[len(ID_PREFIX):] if text.startswith(ID_PREFIX) else text


def fmt_num(value: Any, field: str) -> str:
    """A number as text that ``parse_num`` turns back into the same int or float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise QtiError(f"Expected a number, got {value!r}.", field=field)
    return str(value) if isinstance(value, int) else repr(value)


def parse_num(text: str | None) -> int | float:
    text = (text or "").strip()
    return int(text) if _INT.fullmatch(text) else float(text)


def dump_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def load_json(text: str) -> Any:
    return json.loads(text, object_hook=_json_hook)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    raise TypeError(f"{type(value).__name__} cannot be exported")


def _json_hook(obj: dict) -> Any:
    if len(obj) == 1 and isinstance(obj.get("$date"), str):
        return datetime.date.fromisoformat(obj["$date"])
    if len(obj) == 1 and isinstance(obj.get("$datetime"), str):
        return datetime.datetime.fromisoformat(obj["$datetime"])
    return obj

#: hardening limits
MAX_PACKAGE_BYTES = 50 * 1024 * 1024
MAX_XML_BYTES = 2 * 1024 * 1024
MAX_TOTAL_XML_BYTES = 100 * 1024 * 1024
MAX_MEMBERS = 5000
MAX_DEPTH = 200


def parse_xml(data: str | bytes, filename: str) -> Element:
    """Parse one XML document: at most 2 MB, no DTD, no entity declarations, no external
    references, not nested deeper than MAX_DEPTH. Raises QtiError naming the file."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_XML_BYTES:
        raise QtiError(f"The file is {len(raw):,} bytes; an XML file may have at most "
                       f"{MAX_XML_BYTES:,}.", file=filename)
    try:
        root = _defused_fromstring(raw, forbid_dtd=True, forbid_entities=True,
                                   forbid_external=True)
    except DefusedXmlException:
        raise QtiError("external entities and DTDs are not allowed", file=filename) from None
    except ParseError as exc:
        raise QtiError(f"Not well-formed XML: {exc}", file=filename) from None
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise QtiError(f"Elements are nested more than {MAX_DEPTH} deep.", file=filename)
        stack.extend((child, depth + 1) for child in node)
    return root


NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NO_INDENT = {"qti-simple-choice", "qti-simple-associable-choice", "qti-hottext",
              "qti-feedback-inline", "qti-value", "qti-base-value", "qti-prompt"}
_md = MarkdownIt("commonmark", {"html": False, "xhtmlOut": True}).enable("table")


def markdown_block(text: str, css: str) -> Element:
    """A div with readable XHTML and the Markdown source in ``data-oe-markdown``."""
    div = Element(q("div"), {"class": css, "data-oe-markdown": text})
    try:
        frag = _defused_fromstring(f'<div xmlns="{QTI_NS}">{_md.render(text)}</div>')
    except (SyntaxError, ValueError):  # whatever XML cannot hold stays plain text
        SubElement(div, q("p")).text = text
        return div
    div.text = frag.text
    div.extend(list(frag))
    return div


def el(parent: Element | None, name: str, text: str | None = None, **attrs: str) -> Element:
    """A QTI element (``class_`` for ``class``, ``_`` for ``-`` in other attribute names)."""
    node = Element(q(name), {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()})
    node.text = text
    if parent is not None:
        parent.append(node)
    return node


def value_el(parent: Element | None, name: str, base_type: str, text: str) -> Element:
    return el(parent, name, text, base_type=base_type)


def fmt_bool(value: Any) -> str:
    if not isinstance(value, bool):
        raise QtiError(f"Expected true or false, got {value!r}.")
    return "true" if value else "false"


def serialise(root: Element, namespace: str) -> str:
    """The document, indented, with ``namespace`` as the default namespace (declared on the
    root, since ElementTree's ``default_namespace`` rejects unqualified attributes)."""
    _indent(root, 0, force=namespace != QTI_NS)
    prefix = f"{{{namespace}}}"
    for node in root.iter():
        if node.tag.startswith(prefix):
            node.tag = node.tag[len(prefix):]
    root.attrib = {"xmlns": namespace, **root.attrib}
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode") + "\n"


def _indent(node: Element, level: int, force: bool = False) -> None:
    """Indent the structural QTI elements only: text content stays byte for byte."""
    children = list(node)
    name = node.tag.rsplit("}", 1)[-1]
    if not children or (node.text or "").strip() or any((c.tail or "").strip() for c in children):
        return
    if not force and (not name.startswith("qti-") or name in _NO_INDENT):
        return
    node.text = "\n" + "  " * (level + 1)
    for child in children:
        child.tail = node.text
        _indent(child, level + 1, force)
    children[-1].tail = "\n" + "  " * level
