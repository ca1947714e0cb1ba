"""Moodle's text formats (HTML, "Moodle auto-format", plain text, Markdown) to and from the
engine's texts.

Stems and general feedback are Markdown in the engine; option texts, per-answer feedback
and matching texts are plain text. Moodle holds most of them as HTML. Converting HTML keeps
paragraphs, line breaks, lists, bold, italics, code and web links, and drops every other
tag; the content of scripts, styles and other non-text elements is dropped with it, so no
markup a Moodle file carries reaches the engine as HTML.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt

#: elements whose content is not text a learner reads
DROPPED = frozenset({"script", "style", "head", "title", "iframe", "object", "embed", "template",
                     "svg", "math", "noscript", "textarea", "select", "button", "video",
                     "audio", "canvas", "map"})
BLOCKS = frozenset({"p", "div", "section", "article", "blockquote", "table", "pre", "hr",
                    "h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "figure", "header",
                    "footer", "address"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "dt"})
EMPHASIS = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`"}
LINK_SCHEMES = ("http://", "https://", "mailto:")
#: a stand-in for the indentation of nested list items, which line clean-up must not strip
_INDENT = "\ue0f0"
# Characters Markdown would read as markup; a lone "_" only where it could start or end
# emphasis (not inside a word, not in a "_____" blank).
_SPECIAL = re.compile(r"[\\`*\[\]<>]|(?<!_)(?:(?<![^\W_])_|_(?![^\W_]))(?!_)|&(?=#?\w+;)")
_LINE_START = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|[-+>](?=\s|$)|(\d{1,9})([.)])(?=\s|$))")

_md = MarkdownIt("commonmark", {"html": True}).enable("table")


def escape_markdown(text: str, *, at_line_start: bool = True) -> str:
    """Plain text as Markdown that shows the same characters."""
    lines = _SPECIAL.sub(lambda m: "\\" + m.group(0), text).split("\n")
    return "\n".join(line if index == 0 and not at_line_start else _escape_line_start(line)
                     for index, line in enumerate(lines))


def _escape_line_start(line: str) -> str:
    # A line that would start a heading, list or quote in Markdown shows its sign literally.
    match = _LINE_START.match(line)
    if not match:
        return line
    if match.group(3):
        return f"{match.group(1)}{match.group(3)}\\{match.group(4)}{line[match.end():]}"
    return f"{match.group(1)}\\{line[len(match.group(1)):]}"


class _Converter(HTMLParser):
    def __init__(self, markdown: bool):
        super().__init__(convert_charrefs=True)
        self.markdown = markdown
        self.out: list[str] = []
        self.pending = 0  # line breaks owed before the next content
        self.dropping = 0
        self.links: list[str | None] = []
        self.lists: list[list] = []  # [tag, next number]
        self.in_item = 0
        self.emphasis: dict[str, int] = {}  # open emphasis elements, so strays close nothing

    def emit(self, text: str) -> None:
        if self.dropping or not text:
            return
        if self.pending and self.out:
            self.out.append("\n" * self.pending)
        self.pending = 0
        self.out.append(text)

    def brk(self, count: int) -> None:
        if not self.dropping:
            self.pending = max(self.pending, count)

    def handle_starttag(self, tag, attrs):
        if tag in DROPPED:
            self.dropping += 1
        elif tag == "br":
            if self.markdown:
                self.emit("\\")
            self.brk(1)
        elif tag in ("ul", "ol"):
            self.brk(1 if self.lists else 2)
            self.lists.append([tag, 1])
        elif tag == "li":
            self.in_item += 1
            kind = self.lists[-1] if self.lists else ["ul", 1]
            marker = "- " if kind[0] == "ul" else f"{kind[1]}. "
            kind[1] += 1
            self.brk(1)
            self.emit(_INDENT * max(0, len(self.lists) - 1) + marker)
        elif tag in BLOCKS:
            if not self.in_item:  # paragraphs inside a list item stay in the item
                self.brk(2)
            if self.markdown and tag in HEADINGS:
                self.emit("**")
        elif tag == "tr":
            self.brk(1)
        elif tag in EMPHASIS and self.markdown:
            self.emphasis[tag] = self.emphasis.get(tag, 0) + 1
            self.emit(EMPHASIS[tag])
        elif tag == "a":
            href = (dict(attrs).get("href") or "").strip()
            keep = self.markdown and href.lower().startswith(LINK_SCHEMES)
            self.links.append(href if keep else None)
            if keep:
                self.emit("[")

    def handle_startendtag(self, tag, attrs):
        if tag not in DROPPED:  # <script/> opens nothing to close
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in DROPPED:
            self.dropping = max(0, self.dropping - 1)
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.brk(1 if self.lists else 2)
        elif tag == "li":
            self.in_item = max(0, self.in_item - 1)
            self.brk(1)
        elif tag in BLOCKS:
            if self.markdown and tag in HEADINGS:
                self.emit("**")
            self.brk(1 if self.in_item else 2)
        elif tag in ("td", "th"):
            self.emit(" ")
        elif tag in EMPHASIS and self.markdown and self.emphasis.get(tag):
            self.emphasis[tag] -= 1
            self.emit(EMPHASIS[tag])
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.emit(f"]({href.replace(')', '%29').replace(' ', '%20')})")

    def handle_data(self, data):
        if not data.strip():
            if not self.pending:
                self.emit(" ")
            return
        # Inside text, white space runs become one space; line breaks in the source stay
        # (in Markdown they are soft breaks, shown as a space, as the HTML would be).
        text = re.sub(r"[ \t\r\f\v\u00a0]+", " ", data)
        text = re.sub(r" *\n\s*", "\n", text)
        text = re.sub(r"^\n|\n$", " ", text)  # next to a tag a line break is a space
        if self.markdown:
            text = escape_markdown(text, at_line_start=self._at_line_start())
        self.emit(text)

    def _at_line_start(self) -> bool:
        if self.pending:
            return True
        for piece in reversed(self.out):
            if piece.strip(" "):
                return piece.rstrip(" ").endswith("\n")
        return True


def _convert(html: str, markdown: bool) -> str:
    parser = _Converter(markdown)
    # html.parser stops with an AssertionError on SGML marked sections ("<![if ...]>" and
    # "<![endif]>", left behind by Word); browsers ignore them, so they go, and any other
    # "<![" is text.
    html = re.sub(r"<!\[(?!CDATA\[)[^\]<>]*\]>", "", html or "")
    html = re.sub(r"<!\[(?!CDATA\[)", "&lt;![", html)
    try:
        parser.feed(html)
        parser.close()
    except AssertionError:
        parser = _Converter(markdown)
        parser.feed(html.replace("<!", "&lt;!"))
        parser.close()
    text = "".join(parser.out)
    lines = [re.sub(r" {2,}", " ", line).strip().replace(_INDENT, "  ")
             for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    # A line break at the end of a paragraph breaks nothing.
    return re.sub(r"(?<!\\)\\(?=\n\n|\Z)", "", text).strip() if markdown else text


def html_to_markdown(html: str) -> str:
    """Markdown of an HTML text (a Moodle question text or general feedback)."""
    return _convert(html, markdown=True)


def html_to_text(html: str) -> str:
    """Plain text of an HTML text (a Moodle answer, feedback or matching text)."""
    return _convert(html, markdown=False)


def markdown_to_html(markdown: str) -> str:
    """HTML for Moodle from an engine Markdown text, with only harmless markup kept."""
    if not (markdown or "").strip():
        return ""
    return nh3.clean(_md.render(markdown)).strip()


def text_to_html(text: str) -> str:
    """HTML for Moodle from an engine plain text (an option, a feedback)."""
    return escape(text or "", quote=False).replace("\n", "<br>")


def to_markdown(text: str, moodle_format: str) -> str:
    """Markdown of a rich Moodle text in one of Moodle's format names."""
    if moodle_format in ("markdown",):
        return (text or "").strip()
    if moodle_format in ("plain_text", "plain"):
        return escape_markdown((text or "").strip())
    return html_to_markdown(text)


def to_plain(text: str, moodle_format: str) -> str:
    """Plain text of a Moodle text in one of Moodle's format names."""
    if moodle_format in ("markdown", "plain_text", "plain"):
        return (text or "").strip()
    return html_to_text(text)
