"""Badges that list rows repeat on every line (score, status), built in Python: a list page renders fifty of each, and
an `{% include %}` per badge cost more than the rest of the row (benchmarks/README.md: Load)."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def score_badge(score: float | None, pass_mark: float, big: bool = False) -> SafeString:
    """The score to two decimals in the active locale, green at or above the pass mark, red below; a dash without one."""
    if score is None:
        return mark_safe('<span class="muted">—</span>')
    passed = score >= pass_mark
    return format_html(
        '<span class="score{} {}" title="{}">{}</span>',
        " score-big" if big else "",
        "score-pass" if passed else "score-fail",
        _("Pass") if passed else _("Below the pass mark"),
        floatformat(score, "-2"),
    )


@register.simple_tag
def review_status_badge(status: str, label: str) -> SafeString:
    """A review's status: grey while draft, blue once submitted."""
    return format_html('<span class="badge {}">{}</span>', "badge-draft" if status == "draft" else "badge-info", label)
