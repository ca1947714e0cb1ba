"""Markdown for lessons and item content, rendered and then sanitised (nh3).

Trainers may write a little HTML in Markdown; whatever the source holds, the output keeps
only the allowed elements and attributes of engine.domain.content_safety, links to public
addresses and images from the media library.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from engine.domain.content_safety import ALLOWED_TAGS, url_problem

_md = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")
_ATTRIBUTES = {tag: set(attrs) - {"rel"} for tag, attrs in ALLOWED_TAGS.items() if attrs}


def _filter(element: str, attribute: str, value: str) -> str | None:
    if (element, attribute) in (("a", "href"), ("img", "src")) and \
            url_problem(value, image=element == "img"):
        return None
    return value


#: the most text rendered at once: a stored text is bounded by the schemas (lessons 200,000
#: characters, item texts 50,000); this bounds what older or imported texts cost to show
MAX_CHARS = 200_000


def render_markdown(text: str) -> Markup:
    """Safe HTML from Markdown: only allowed tags, attributes and addresses survive.
    Rendered once per text and kept (a lesson is rendered once per version and worker, not
    on every view)."""
    return Markup(_render((text or "")[:MAX_CHARS]))


@lru_cache(maxsize=1024)
def _render(text: str) -> str:
    html = _md.render(text)
    return nh3.clean(html, tags=set(ALLOWED_TAGS), attributes=_ATTRIBUTES,
                     url_schemes={"https", "http", "mailto"}, attribute_filter=_filter,
                     link_rel="noopener noreferrer nofollow")
