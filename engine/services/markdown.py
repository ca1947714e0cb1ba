"""Markdown for lessons and item stems, rendered and then sanitised (nh3)."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h2", "h3", "h4", "blockquote",
                "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "a", "hr"}


def render_markdown(text: str) -> Markup:
    """Safe HTML from Markdown: raw HTML is escaped, then only plain tags survive."""
    html = _md.render(text or "")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                      url_schemes={"https", "mailto"}, link_rel="noopener noreferrer")
    return Markup(clean)
