"""Messages are a small, safe subset of Markdown: emphasis, code, lists, quotes and links.

Rendered by markdown-it-py with raw HTML off (so "<b>" shows as text), then cleaned by nh3 (the
Rust sanitiser behind ammonia) with an allow-list of tags and http/https/mailto links only, every
link marked nofollow and opening nowhere special. The sanitiser is the guarantee; markdown-it is
only the parser.

What someone plainly meant as markup a browser would run (a <script> tag, an onclick= attribute,
a javascript: link) is refused with a clear message instead of silently shown as text: a person who
pasted it should know it did not do what they thought, and a probe should get a 400.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "a", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

UNSAFE_MESSAGE = ("Messages are text with Markdown: HTML such as <script>, event handlers (onclick=) and "
                  "javascript: links are not allowed. To show code, put it in `backticks`.")

# Looked for in the text outside code spans and blocks, so "`<script>` runs before..." is fine.
_UNSAFE = re.compile(
    r"<\s*/?\s*(script|iframe|object|embed|style)\b"
    r"|<[a-z][^>]*\son[a-z]+\s*="
    r"|\]\(\s*<?\s*(javascript|vbscript|data)\s*:"
    r"|<\s*(javascript|vbscript|data)\s*:",
    re.IGNORECASE,
)

_md = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})
    .disable(["image", "heading", "lheading", "hr", "html_block", "html_inline", "reference"])
)


def _prose(text: str) -> str:
    """The message's text outside code: what a reader would see as prose."""
    out = []
    for block in _md.parse(text or ""):
        if block.type in ("code_block", "fence"):
            continue
        for token in block.children or []:
            if token.type != "code_inline":
                out.append(token.content)
        if block.type == "inline" and not block.children:
            out.append(block.content)
    return "\n".join(out)


def unsafe_markup(text: str) -> bool:
    return bool(_UNSAFE.search(_prose(text)))


def render(text: str) -> str:
    """Sanitised HTML of a message's Markdown (safe to mark_safe in a template)."""
    return nh3.clean(
        _md.render(text or ""),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
    ).strip()
