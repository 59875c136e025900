"""HTML message bodies (e-mails) made safe to show: an allow-list sanitiser (nh3), then the quoted history folded away.

The stored body stays as imported, byte for byte; this runs when the transcript is shown. What survives is plain
markup: no script, no style (the CSP forbids inline styles anyway), no event handler, no image (a remote image would
tell the sender the mail was read), links only to http(s) and mailto and opened without a referrer.
"""

from __future__ import annotations

import re

import nh3

# nh3's default tags (ammonia's, a vetted allow-list for user content) without images and image maps.
TAGS = frozenset(nh3.ALLOWED_TAGS - {"img", "map", "area"})
# Whole elements dropped with their text: a full e-mail document's head (title, styles), and scripts.
DROPPED = frozenset({"script", "style", "title", "head"})
# The markers mail programs put on quoted history: <blockquote> (most) and Gmail's <div class="gmail_quote">.
QUOTE_CLASSES = {"div": {"gmail_quote", "gmail_quote_container"}}

_cleaner = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags=set(DROPPED),
    attributes={tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items() if tag in TAGS},
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
    allowed_classes={tag: set(classes) for tag, classes in QUOTE_CLASSES.items()},
)


def html_sanitised(body: str) -> str:
    """`body` with only allowed tags and attributes left; well-formed (nh3 re-serialises it)."""
    return str(_cleaner.clean(body))


def html_quotes_folded(html: str, *, summary: str) -> str:
    """Sanitised HTML with each outermost quote (blockquote, Gmail quote) wrapped in a closed <details>."""
    spans = _quote_spans(html) if ("<blockquote" in html or "gmail_quote" in html) else []
    if not spans:
        return html
    parts, last = [], 0
    for start, end in spans:
        parts += [html[last:start], '<details class="quoted"><summary>', summary, "</summary>", html[start:end], "</details>"]
        last = end
    parts.append(html[last:])
    return "".join(parts)


# Start and end tags of the elements that can hold a quote. A regular expression is enough here, and ten times faster
# than an HTML parser: nh3 re-serialises its output, so tags are balanced and every "<" of text is escaped as &lt;.
_TAG = re.compile(r"<(/?)(blockquote|div)\b([^>]*)>")


def _quote_spans(html: str) -> list[tuple[int, int]]:
    """The character spans of the outermost quote elements of sanitised HTML."""
    spans: list[tuple[int, int]] = []
    quote: tuple[str, int] | None = None  # the outermost quote being read: its tag and where it starts
    depth = 0  # of that tag, inside it
    for match in _TAG.finditer(html):
        closing, tag, attrs = match.groups()
        if quote is None:
            if not closing and (tag == "blockquote" or _QUOTE_CLASS.search(attrs)):
                quote, depth = (tag, match.start()), 1
        elif tag == quote[0]:
            depth += -1 if closing else 1
            if depth == 0:
                spans.append((quote[1], match.end()))
                quote = None
    return spans


_QUOTE_CLASS = re.compile(r'class="[^"]*\bgmail_quote(_container)?\b')
