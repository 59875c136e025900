"""The interaction status badge, built in Python (the interaction list repeats it on each of its fifty rows), and an
HTML message body made safe to show."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html
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
