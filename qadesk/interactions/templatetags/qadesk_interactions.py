"""The interaction status badge, built in Python (the interaction list repeats it on each of its fifty rows), an
HTML message body made safe to show, and a plain one with automatic checks' evidence marked."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from qadesk.interactions.html import html_quotes_folded, html_sanitised
from qadesk.interactions.languages import language_name
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


@register.simple_tag
def transcript_of(interaction: Any, transcript: Any = None) -> list[Any]:
    """The messages to show: the kept revision a review scored, when given, else the interaction's current ones."""
    from qadesk.interactions.selectors import transcript_messages

    return transcript_messages(interaction=interaction, transcript=transcript or None)


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


@register.filter
def event_parameters(parameters: Any) -> list[tuple[str, str]]:
    """An event's parameters as (key, text) pairs in their order: text and numbers as they are, anything else as
    compact JSON (the template escapes both)."""
    if not isinstance(parameters, dict):
        return []
    return [(str(key), _parameter_text(value)) for key, value in parameters.items()]


def _parameter_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ": "))


@register.filter
def language_label(tag: str) -> str:
    """A BCP 47 tag's name in the user's language (e.g. "English" for en), "" for no tag."""
    return language_name(tag, get_language() or "en") if tag else ""


@register.simple_tag(takes_context=True)
def transcript_shows_translation(context: template.Context) -> bool:
    """Whether the page asks for the translations (`?text=translation`) rather than the original texts."""
    request = context.get("request")
    return bool(request is not None and request.GET.get("text") == "translation")


@register.filter
def any_translation(messages: Iterable[Any]) -> bool:
    """Whether a message of the transcript carries a translation (then it offers the original/translation toggle)."""
    return any(getattr(m, "translation", "") for m in messages)


@register.simple_tag
def custom_field_rows(values: Any) -> list[tuple[str, Any]]:
    """An interaction's custom fields as (label, value) in the declared order, then the undeclared ones by key; a
    date field's value as a date and numbers as numbers, so the template shows them in the user's format."""
    from qadesk.interactions.models import CustomField

    if not isinstance(values, dict) or not values:
        return []
    declared = {field.key: field for field in CustomField.objects.filter(key__in=list(values))}
    rows = []
    for key in [*[k for k in declared if k in values], *sorted(k for k in values if k not in declared)]:
        value, field = values[key], declared.get(key)
        if field is not None and field.type == "date" and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = date.fromisoformat(value)
        rows.append((str(field) if field else key, value))
    return rows
