"""Descriptions are Markdown rendered to HTML that is safe to embed."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from catalogue.listings.markdown import ALLOWED_TAGS, render_markdown


def test_scripts_styles_frames_and_handlers_are_stripped() -> None:
    html = render_markdown(
        "Texte <script>alert('x')</script> et <style>body{}</style>\n\n"
        '<iframe src="https://evil.example"></iframe>\n\n'
        '<img src=x onerror="alert(1)"> <a href="https://ok.example" onclick="vol()">lien</a>\n\n'
        "<script>\nalert(2)\n</script>\n"
    )
    for forbidden in ("<script", "alert", "<style", "<iframe", "onerror", "onclick", "<img"):
        assert forbidden not in html
    assert '<a href="https://ok.example" rel="nofollow noopener noreferrer">lien</a>' in html


def test_dangerous_link_schemes_are_dropped() -> None:
    html = render_markdown(
        '[a](javascript:alert(1)) <a href="javascript:alert(2)">b</a> [c](data:text/html,x)'
    )
    assert "javascript:" not in html.replace("[a](javascript:alert(1))", "")
    assert 'href="javascript' not in html
    assert 'href="data' not in html


def test_markdown_is_rendered_with_headings_below_the_page_title() -> None:
    html = render_markdown(
        "# Présentation\n\n**Gras**, *italique*, `code`\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h2>Présentation</h2>" in html
    assert "<strong>Gras</strong>" in html
    assert "<em>italique</em>" in html
    assert "<code>code</code>" in html
    assert "<table>" in html
    assert "<td>1</td>" in html
    assert "<h1" not in html


def test_empty_description_renders_nothing() -> None:
    assert render_markdown("   \n") == ""


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


FRAGMENTS = [
    "<script>", "</script>", "<a href=\"javascript:x()\">", "</a>", "[x](javascript:y)", "[y](https://ok.fr)",
    " onerror=alert(1)", "<img src=x", ">", "<iframe src=//e>", "<svg onload=x>", "\n\n", " ", "alert(1)",
    "**", "# ", "`", "<div style=\"x\">", "&lt;", "<a href='  JaVaScRiPt:z'>",
]  # fmt: skip


@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=20), max_size=40).map("".join))
def test_no_input_yields_a_script_an_event_handler_or_a_javascript_link(text: str) -> None:
    parser = _Tags()
    parser.feed(render_markdown(text))
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs:
            assert not name.startswith("on"), name
            assert name in {"href", "title", "rel", "align"}, name
            if name == "href":
                assert (value or "").strip().lower().split(":")[0] in {
                    "http",
                    "https",
                    "mailto",
                } or ":" not in (value or ""), value
