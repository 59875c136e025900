"""The interaction status badge, built in Python (the interaction list repeats it on each of its fifty rows), an
HTML message body made safe to show, and a plain one with automatic checks' evidence marked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from qadesk.interactions.html import html_quotes_folded, html_sanitised
from qadesk.interactions.transcript import Fold
from qadesk.interactions.transcript import transcript_blocks as fold_runs

register = template.Library()

# Finished (green) and waiting (blue) statuses; the others get the plain badge.
_STATUS_CLASSES = {"resolved": " badge-ok", "closed": " badge-ok", "open": " badge-info"}


@register.simple_tag
def interaction_status_badge(status: str, label: str) -> SafeString:
    """An interaction's status: green when resolved or closed, blue while open."""
    return format_html('<span class="badge{}">{}</span>', _STATUS_CLASSES.get(status, ""), label)


@register.simple_tag
def transcript_blocks(messages: Iterable[Any], focus: int | None = None) -> list[Any]:
    """The transcript's messages with long same-side runs folded (interactions/transcript.py)."""
    return fold_runs(messages, focus=focus if isinstance(focus, int) else None)


@register.filter
def any_fold(blocks: Iterable[Any]) -> bool:
    """Whether a transcript has a folded run (then its tools offer "Expand all")."""
    return any(isinstance(b, Fold) for b in blocks)


@register.simple_tag
def message_html(body: str) -> SafeString:
    """An HTML message body sanitised by the allow-list (interactions/html.py), its quoted history folded away."""
    return mark_safe(html_quotes_folded(html_sanitised(body), summary=gettext("Quoted text")))


def body_marked(body: str, spans: list[tuple[int, int, str]]) -> SafeString:
    """A plain-text body escaped, with the characters [start, end) of each span wrapped in <mark title=label> (automatic
    checks' evidence) and line breaks as <br>. Overlapping spans merge into the first one's mark."""
    out, at = [], 0
    for start, end, label in sorted(spans):
        start, end = max(start, at), min(end, len(body))
        if start >= end:
            continue
        out.append(escape(body[at:start]))
        out.append(format_html('<mark class="auto-evidence" title="{}">{}</mark>', label, body[start:end]))
        at = end
    out.append(escape(body[at:]))
    return mark_safe("".join(out).replace("\r\n", "<br>").replace("\n", "<br>"))


@register.simple_tag
def message_body_marked(message: Any, highlights: dict[int, list[tuple[int, int, str]]] | None) -> SafeString:
    """A plain message body with its evidence spans marked (body_marked); escaped as usual when it has none."""
    return body_marked(message.body, (highlights or {}).get(message.pk, []))
