"""What authored content may hold: HTML without anything active, links to public addresses
only, images from the media library only."""

from __future__ import annotations

import pytest

from engine.domain.content_safety import link_problems, sanitize_source, url_problem
from engine.services.markdown import render_markdown

MEDIA = "/media/" + "a" * 64 + ".png"


@pytest.mark.parametrize("url", [
    "http://localhost:5000/admin", "http://127.0.0.1/", "http://10.1.2.3/", "http://192.168.0.1",
    "http://172.16.5.4/", "http://169.254.169.254/latest/meta-data", "http://[::1]/",
    "http://[::ffff:10.0.0.1]/", "http://2130706433/", "http://0x7f.1/", "http://127.1/",
    "http://intranet/", "https://wiki.local/", "https://db.internal/", "http://0.0.0.0/",
    "https://router.home.arpa/", "javascript:alert(1)", "data:text/html,<b>x</b>",
    "//evil.example.org/x", "/admin", "ftp://example.org/f", "http://user:pw@example.org/",
    "mailto:someone@localhost", "file:///etc/passwd", "jav\tascript:alert(1)",
    # what browsers decode or fold before they read the host
    "http://%31%32%37.0.0.1/", "http://\u2460\u2461\u2466.0.0.1/", "http://0x7f.%30.0.1/",
    "http://127%E3%80%820.0.1/", "http://127\u30020.0.1/", "http://\uff10x7f.1/",
    "http://%6c%6f%63%61%6c%68%6f%73%74/", "http://0177.0.0.1/", "http://localhost./",
    "HTTP://LOCALHOST/", "http://[fd00::1]/", "http://127.0.0.1\\@example.org/",
    "http:/\\127.0.0.1/", "http:/example.org/", "/media/%2e%2e/author/exchange/export",
    "/media/x.png",
])
def test_links_to_internal_or_active_addresses_are_refused(url):
    assert url_problem(url) is not None


@pytest.mark.parametrize("url", [
    "https://euaa.europa.eu/publications", "http://www.cgrs.be/nl", "mailto:info@example.org",
    "https://8.8.8.8/", MEDIA,
])
def test_links_to_public_addresses_and_media_are_allowed(url):
    assert url_problem(url) is None


@pytest.mark.parametrize("url", ["https://example.org/a.png", "http://10.0.0.1/a.png",
                                 "data:image/png;base64,AAAA", "/media/../secret",
                                 "/media/%2e%2e/author/exchange/export", "/media/x.png"])
def test_images_come_only_from_the_media_library(url):
    assert url_problem(url, image=True) is not None
    assert url_problem(MEDIA, image=True) is None


@pytest.mark.parametrize("source, kept, gone", [
    ("Vraag <script>alert(1)</script> hier", "Vraag  hier", "<script"),
    (f'Zie <img src="{MEDIA}" onerror="alert(1)">', f'Zie <img src="{MEDIA}">', "onerror"),
    ('<a href="javascript:alert(1)" onclick="x()">klik</a>', "<a>klik</a>", "javascript"),
    ("<b style=\"color:red\">vet</b> en <sub>2</sub>", "<b>vet</b> en <sub>2</sub>", "style"),
    ("a <iframe src='http://10.0.0.1'></iframe> b", "a  b", "iframe"),
    ("x <svg><script>1</script></svg> y", "x  y", "svg"),
    ("a <script>never closed <img src=1 onerror=x> text", "a never closed <img> text", "onerror"),
    # a backtick in an attribute does not make a code span that hides the tag
    ('<img src="/media/x.png" alt="`" onerror="alert(1)" x="`">', '<img alt="`">', "onerror"),
])
def test_sanitising_removes_active_html_and_keeps_the_rest(source, kept, gone):
    clean, removed = sanitize_source(source)
    assert clean == kept
    assert gone not in clean
    assert removed


@pytest.mark.parametrize("source", [
    "> Een citaat\n\na < b en c > d, `x < y` in code & meer",
    "```\nif a < b:\n    print(a)\n```\n",
    "Een [link](https://euaa.europa.eu) en <https://example.org>\n\n"
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "**vet** _schuin_ &amp; &#8364;",
])
def test_markdown_and_code_are_left_exactly_as_written(source):
    assert sanitize_source(source) == (source, [])


def test_link_problems_name_each_refused_address():
    problems = link_problems("[a](http://192.168.1.1) ![b](https://example.org/b.png) "
                             f"![c]({MEDIA}) [d](https://euaa.europa.eu) "
                             '<a href="http://localhost/">e</a>')
    assert len(problems) == 3
    assert any("192.168.1.1" in p for p in problems)
    assert any("media library" in p for p in problems)
    assert any("localhost" in p for p in problems)


def test_rendering_drops_what_sanitising_would():
    html = str(render_markdown('Hallo <script>alert(1)</script> <img src=x onerror=alert(1)> '
                               f'![plaatje]({MEDIA}) [intranet](http://10.0.0.1/) '
                               '[euaa](https://euaa.europa.eu)'))
    assert "<script" not in html and "onerror" not in html and "alert" not in html
    assert f'src="{MEDIA}"' in html
    assert 'href="http://10.0.0.1/"' not in html
    assert 'href="https://euaa.europa.eu"' in html
