"""The review list's rows, written by one Python function instead of the template engine (see interactions.tables).

Rows are plain dicts of ROW_COLUMNS; tests compare the cells with what the template used to write.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from html import escape as esc
from typing import Any

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from qadesk.core.i18n import pick
from qadesk.reviews.models import ReviewStatus
from qadesk.reviews.templatetags.qadesk_reviews import review_status_badge

ROW_COLUMNS = (
    "id",
    "status",
    "reviewer_id",
    "interaction_id",
    "interaction__external_id",
    "message_id",
    "agent__username",
    "agent__display_name",
    "reviewer__username",
    "reviewer__first_name",
    "reviewer__last_name",
    "scorecard_version__number",
    "scorecard_version__scorecard__code",
    "scorecard_version__scorecard__name",
    "high_impact_errors",
    "low_impact_errors",
    "submitted_at",
    "created_at",
    "score",
)


class ScoreCells:
    """`score_badge` for a page of rows: the titles translated and escaped once, the same HTML."""

    def __init__(self, pass_mark: Decimal | float) -> None:
        self.pass_mark = float(pass_mark)
        self.titles = {True: esc(_("Pass")), False: esc(_("Below the pass mark"))}

    def __call__(self, score: float | None) -> str:
        if score is None:
            return '<span class="muted">—</span>'
        passed = score >= self.pass_mark
        css = "score-pass" if passed else "score-fail"
        return f'<span class="score {css}" title="{self.titles[passed]}">{floatformat(score, "-2")}</span>'


def review_rows(rows: Iterable[Mapping[str, Any]], *, pass_mark: Decimal | float, user_id: int | None) -> SafeString:
    """The `<tr>`s of the review list; the user's own drafts link to their edit form, the rest to the review.

    f-strings and `html.escape` (what Django's escape calls), as in interactions.tables."""
    statuses = {code: review_status_badge(code, str(label)) for code, label in ReviewStatus.choices}
    detail = reverse("reviews:detail", args=[0])[:-2]
    edit_prefix, edit_suffix = reverse("reviews:edit", args=[0]).split("/0/", 1)
    interaction = reverse("interactions:detail", args=[0])[:-2]
    message = f" <small>({esc(_('message'))})</small>"
    high = f'<span class="badge badge-high" title="{esc(_("High-impact errors"))}">{esc(_("High"))} '
    low = f'<span class="badge badge-low" title="{esc(_("Low-impact errors"))}">{esc(_("Low"))} '
    score = ScoreCells(pass_mark)
    days: dict[Any, str] = {}
    out: list[str] = []
    for row in rows:
        pk = row["id"]
        status = row["status"]
        own_draft = status == "draft" and row["reviewer_id"] == user_id
        link = f"{edit_prefix}/{pk}/{edit_suffix}" if own_draft else f"{detail}{pk}/"
        errors = ""
        if status == "submitted":
            parts = []
            if row["high_impact_errors"]:
                parts.append(f"{high}{row['high_impact_errors']}</span>")
            if row["low_impact_errors"]:
                parts.append(f"{low}{row['low_impact_errors']}</span>")
            errors = "\n        ".join(parts)
        reviewer = f"{row['reviewer__first_name']} {row['reviewer__last_name']}".strip() or row["reviewer__username"]
        scorecard = pick(row["scorecard_version__scorecard__name"]) or row["scorecard_version__scorecard__code"]
        when = timezone.localtime(row["submitted_at"] or row["created_at"])
        day = days.get(when.date())
        if day is None:
            day = days[when.date()] = formats.date_format(when, "j M Y")
        out.append(
            f'<tr><td class="nowrap"><a class="row-link" href="{link}">#{pk}</a></td>'
            f'<td class="ref"><a href="{interaction}{row["interaction_id"]}/">{esc(row["interaction__external_id"])}</a>'
            f"{message if row['message_id'] else ''}</td>"
            f'<td class="wrap">{esc(row["agent__display_name"] or row["agent__username"])}</td>'
            f'<td class="wrap">{esc(reviewer)}</td>'
            f'<td class="wrap">{esc(scorecard)} v{row["scorecard_version__number"]}</td>'
            f"<td>{statuses.get(status) or review_status_badge(status, status)}</td>"
            f"<td>{errors}</td>"
            f'<td class="nowrap">{day}</td>'
            f'<td class="num">{score(row["score"])}</td></tr>'
        )
    return mark_safe("\n".join(out))  # every value above went through esc() or is a number or our own HTML
