"""What authored content may hold: HTML stripped of anything active, links only to public
addresses, images only from the engine's own media library.

Item stems and feedback are Markdown in which trainers may write a little HTML (a table, a
``<sub>``). Before an item is stored, ``sanitize_source`` removes from that Markdown every
HTML element and attribute that is not on the allow-list (``<script>``, ``onerror=``,
``style``, ``<iframe>``...), leaving the Markdown itself exactly as written; rendering then
sanitises the HTML output again (engine.services.markdown). ``url_problem`` says why a link or
an image address is refused: a learner's browser must never be sent to an address inside the
organisation's network (an intranet host, a router, a cloud metadata service), and images
come only from uploaded media so that nothing is fetched from elsewhere.

Host names are judged as written, without resolving them: a browser resolves names later and
elsewhere, so a lookup here would prove nothing. Literal internal addresses, including the
numeric shorthands browsers accept (``http://2130706433/``, ``http://0x7f.1/``), and names
that only exist inside a network (``localhost``, ``*.local``, single-label names) are refused.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import unicodedata
from html import escape
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt

#: elements a trainer may write in Markdown, and their allowed attributes
ALLOWED_TAGS: dict[str, set[str]] = {
    "p": set(), "br": set(), "strong": set(), "em": set(), "b": set(), "i": set(),
    "u": set(), "s": set(), "sub": set(), "sup": set(), "mark": set(), "small": set(),
    "ul": set(), "ol": {"start"}, "li": set(), "h2": set(), "h3": set(), "h4": set(),
    "blockquote": set(), "code": set(), "pre": set(), "hr": set(), "abbr": {"title"},
    "table": set(), "thead": set(), "tbody": set(), "tr": set(),
    "th": {"scope", "colspan", "rowspan"}, "td": {"colspan", "rowspan"},
    "a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
    "figure": set(), "figcaption": set(), "dl": set(), "dt": set(), "dd": set(),
}
#: elements removed together with everything inside them
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript",
                     "textarea", "title", "xmp", "svg", "math", "frameset", "noembed",
                     "select", "applet"}
URL_ATTRIBUTES = {("a", "href"), ("img", "src")}
LINK_SCHEMES = {"https", "http", "mailto"}
#: the address of an uploaded file (engine.services.media), and nothing else under /media/
MEDIA_ADDRESS = re.compile(r"^/media/[0-9a-f]{64}\.(?:png|jpg|gif|webp)$")
INTERNAL_SUFFIXES = (".localhost", ".local", ".internal", ".intranet", ".lan", ".home",
                     ".corp", ".home.arpa", ".localdomain", ".private")
_AUTOLINK = re.compile(r"^<(?:[A-Za-z][A-Za-z0-9.+-]{1,31}:[^<>\s]*|[^<>\s@]+@[^<>\s@]+)>$")
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_HOST_CHARS = re.compile(r"^[a-z0-9._-]*$")
_NUMERIC_HOST = re.compile(r"^(?:0x[0-9a-f]+|[0-9]+)(?:\.(?:0x[0-9a-f]+|[0-9]+)){0,3}$", re.I)
_md = MarkdownIt("commonmark", {"html": True}).enable("table")


def _ascii_host(host: str) -> str | None:
    """The host as a browser reads it: percent-decoded, Unicode folded (NFKC: "①" is "1",
    "。" a dot) and IDNA-encoded; None when it cannot be one."""
    host = unquote(host or "").strip()
    host = unicodedata.normalize("NFKC", host).translate(_DOTS).lower().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        return host
    try:
        host = host.encode("idna").decode("ascii") if host else ""
    except UnicodeError:
        return None
    return host if _HOST_CHARS.match(host) else None


def internal_host(host: str) -> bool:
    """Whether a host (as written in a URL) names an address inside a private network, or
    is no valid host at all."""
    host = _ascii_host(host)
    if host is None:
        return True
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host:
        return True
    address = None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if _NUMERIC_HOST.match(host):
            try:  # the shorthands browsers accept: 127.1, 2130706433, 0x7f.0.0.1
                address = ipaddress.ip_address(socket.inet_aton(host))
            except OSError:
                return True
    if address is not None:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        return not address.is_global or address.is_multicast
    if "." not in host or host == "localhost" or host.endswith(INTERNAL_SUFFIXES):
        return True
    return False


def url_problem(url: str, *, image: bool = False) -> str | None:
    """Why ``url`` may not appear in item content, or None when it may.

    Links go to public web addresses (https, http) or e-mail, or to uploaded media; images
    only to uploaded media (``/media/<sha256>.<ext>``)."""
    url = (url or "").strip()
    # Browsers drop tabs and line breaks inside a URL and read "\" as "/" in web addresses.
    compact = re.sub(r"[\t\n\r]", "", url).replace("\\", "/")
    if MEDIA_ADDRESS.match(compact):
        return None
    if image:
        return (f"Images come from the media library (upload the file and use its "
                f"/media/… address), not {url!r}.")
    if re.search(r"[\x00-\x20]", compact):
        return f"{url!r} is not a valid address."
    try:
        parts = urlsplit(compact)
    except ValueError:
        return f"{url!r} is not a valid address."
    scheme = parts.scheme.lower()
    if not scheme or compact.startswith("//"):
        return (f"Links must be full web addresses (https://…) or media (/media/…), "
                f"not {url!r}.")
    if scheme not in LINK_SCHEMES:
        return f"Links may use https, http or mailto, not {scheme}: ({url!r})."
    if scheme == "mailto":
        domain = parts.path.rpartition("@")[2]
        return None if domain and not internal_host(domain) else \
            f"{url!r} is not an e-mail address outside the organisation's network."
    if not compact[len(parts.scheme) + 1:].startswith("//"):
        return f"{url!r} is not a valid address."  # http:/host, read as http://host
    netloc = parts.netloc
    if "@" in netloc:
        return f"{url!r} carries a user name or password."
    host = netloc.rsplit(":", 1)[0] if not netloc.endswith("]") else netloc
    if internal_host(host):
        return f"{url!r} points to an internal address ({host or 'no host'})."
    return None


class _Sanitiser(HTMLParser):
    """Rebuilds Markdown source with only allowed HTML; text passes through untouched."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.removed: list[str] = []
        self.dropping: list[str] = []
        self.held: list[str] = []  # text inside a dropped element, kept if it never closes

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, self.get_starttag_text() or "", closed=False)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, self.get_starttag_text() or "", closed=True)

    def _start(self, tag, attrs, raw, *, closed):
        if self.dropping:
            if tag == self.dropping[-1] and not closed:
                self.dropping.append(tag)
            self.held.append(raw)
            return
        if _AUTOLINK.match(raw):  # a Markdown autolink, not HTML
            self.out.append(raw)
            return
        if tag in DROP_WITH_CONTENT:
            self.removed.append(f"<{tag}>")
            if not closed:
                self.dropping.append(tag)
                self.held = []
            return
        allowed = ALLOWED_TAGS.get(tag)
        if allowed is None:
            self.removed.append(f"<{tag}>")
            return
        kept = []
        for name, value in attrs:
            if name not in allowed:
                self.removed.append(f"{tag} {name}")
                continue
            if (tag, name) in URL_ATTRIBUTES and url_problem(value or "", image=tag == "img"):
                self.removed.append(f"{tag} {name} {value!r}")
                continue
            kept.append(name if value is None else f'{name}="{escape(value, quote=True)}"')
        self.out.append(f"<{tag}{''.join(' ' + k for k in kept)}{' /' if closed else ''}>")

    def handle_endtag(self, tag):
        if self.dropping:
            if tag == self.dropping[-1]:
                self.dropping.pop()
                if not self.dropping:
                    self.held = []
            else:
                self.held.append(f"</{tag}>")
            return
        if tag in ALLOWED_TAGS:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        (self.held if self.dropping else self.out).append(data)

    def handle_entityref(self, name):
        (self.held if self.dropping else self.out).append(f"&{name};")

    def handle_charref(self, name):
        (self.held if self.dropping else self.out).append(f"&#{name};")

    def finish(self) -> str:
        self.close()
        if self.rawdata:  # an unclosed <script>: the parser holds the rest back
            self.held.append(self.rawdata)
            self.rawdata = ""
        if self.dropping:  # never closed: the text after the tag is the author's; keep it,
            rest = _Sanitiser()  # sanitised like the rest
            rest.feed("".join(self.held))
            self.out.append(rest.finish())
            self.removed.extend(rest.removed)
        return "".join(self.out)

    def handle_comment(self, data):
        self.removed.append("<!-- -->")

    def handle_decl(self, decl):
        self.removed.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.removed.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.removed.append(f"<![{data}]>")


def sanitize_source(text: str) -> tuple[str, list[str]]:
    """Markdown source with every disallowed HTML element and attribute removed, and a list
    of what was removed. Text, Markdown and allowed HTML are kept as written.

    Code spans are not spared: a tag whose attribute holds a backtick would otherwise hide
    inside a "code span" that Markdown itself never sees (HTML wins over code there)."""
    if not text or "<" not in text:
        return text or "", []
    parser = _Sanitiser()
    parser.feed(text)
    out = parser.finish()
    return out, parser.removed


def link_problems(text: str) -> list[str]:
    """Why links or images of Markdown source are refused (an empty list: none is)."""
    problems: list[str] = []

    def walk(tokens):
        for token in tokens:
            if token.type == "link_open":
                problem = url_problem(str(token.attrGet("href") or ""))
                if problem:
                    problems.append(problem)
            elif token.type == "image":
                problem = url_problem(str(token.attrGet("src") or ""), image=True)
                if problem:
                    problems.append(problem)
            if token.children:
                walk(token.children)

    walk(_md.parse(text or ""))
    for tag, _attribute, value in _html_urls(text or ""):
        problem = url_problem(value, image=tag == "img")
        if problem:
            problems.append(problem)
    return list(dict.fromkeys(problems))


def _html_urls(text: str) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []

    class Finder(HTMLParser):
        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                if (tag, name) in URL_ATTRIBUTES and value is not None:
                    found.append((tag, name, value))

    if "<" in text:
        finder = Finder()
        finder.feed(text)
        finder.close()
    return found
