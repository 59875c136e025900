"""HTML message bodies (e-mails) made safe to show: an allow-list sanitiser (nh3), then the quoted history folded away.

The stored body stays as imported, byte for byte; this runs when the transcript is shown. What survives is plain
markup: no script, no style (the CSP forbids inline styles anyway), no event handler, no image (a remote image would
tell the sender the mail was read), links only to http(s) and mailto and opened without a referrer.
"""

from __future__ import annotations

from html.parser import HTMLParser

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
    spans = _QuoteFinder.spans(html)
    if not spans:
        return html
    parts, last = [], 0
    for start, end in spans:
        parts += [html[last:start], '<details class="quoted"><summary>', summary, "</summary>", html[start:end], "</details>"]
        last = end
    parts.append(html[last:])
    return "".join(parts)


class _QuoteFinder(HTMLParser):
    """Finds the character spans of the outermost quote elements of well-formed HTML."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)
        self.line_starts = [0]
        for index, char in enumerate(html):
            if char == "\n":
                self.line_starts.append(index + 1)
        self.found: list[tuple[int, int]] = []
        self.open: tuple[str, int, int] | None = None  # (tag, depth of that tag, start) of the quote being read

    @classmethod
    def spans(cls, html: str) -> list[tuple[int, int]]:
        finder = cls(html)
        finder.feed(html)
        finder.close()
        return finder.found

    def _here(self) -> int:
        line, offset = self.getpos()
        return self.line_starts[line - 1] + offset

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.open is not None:
            if tag == self.open[0]:
                self.open = (tag, self.open[1] + 1, self.open[2])
            return
        classes = set((dict(attrs).get("class") or "").split())
        if tag == "blockquote" or classes & QUOTE_CLASSES.get(tag, set()):
            self.open = (tag, 1, self._here())

    def handle_endtag(self, tag: str) -> None:
        if self.open is None or tag != self.open[0]:
            return
        name, depth, start = self.open
        if depth > 1:
            self.open = (name, depth - 1, start)
            return
        end = self._here() + len(f"</{tag}>")
        self.found.append((start, end))
        self.open = None
