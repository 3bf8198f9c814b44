"""Listing descriptions: Markdown rendered to HTML, then sanitised with an allow-list.

Raw HTML in the Markdown is parsed (so that ``<script>`` disappears rather than showing up as
text) and everything outside the allow-list is dropped by nh3: scripts, styles, iframes, event
handlers, ``javascript:`` links. Headings are shifted one level down, since the page title is the
listing's ``h1``.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6", "hr",
        "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _demote_headings(tokens: list[Token]) -> None:
    for token in tokens:
        if token.type in {"heading_open", "heading_close"}:
            level = int(token.tag[1])
            token.tag = f"h{min(level + 1, 6)}"


def render_markdown(source: str) -> str:
    """Safe HTML for ``source``; the empty string for an empty description."""
    if not source.strip():
        return ""
    parser = _parser()
    tokens = parser.parse(source)
    _demote_headings(tokens)
    html = parser.renderer.render(tokens, parser.options, {})
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="nofollow noopener noreferrer",
    )
