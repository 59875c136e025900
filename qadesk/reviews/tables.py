"""The review list's rows, written by one Python function instead of the template engine (see interactions.tables).

Rows are plain dicts of ROW_COLUMNS; tests compare the cells with what the template used to write.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from qadesk.core.i18n import pick
from qadesk.reviews.models import ReviewStatus
from qadesk.reviews.templatetags.qadesk_reviews import review_status_badge, score_badge

_BADGE = '<span class="badge badge-{}" title="{}">{} {}</span>'

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


def review_rows(rows: Iterable[Mapping[str, Any]], *, pass_mark: Decimal | float, user_id: int | None) -> SafeString:
    """The `<tr>`s of the review list; the user's own drafts link to their edit form, the rest to the review."""
    statuses = dict(ReviewStatus.choices)
    detail = reverse("reviews:detail", args=[0])[:-2]
    edit = reverse("reviews:edit", args=[0])
    edit_prefix, edit_suffix = edit.split("/0/", 1)
    interaction = reverse("interactions:detail", args=[0])[:-2]
    message, high_title, low_title = _("message"), _("High-impact errors"), _("Low-impact errors")
    high, low = _("High"), _("Low")
    out: list[str] = []
    for row in rows:
        pk = row["id"]
        if row["status"] == "draft" and row["reviewer_id"] == user_id:
            link = f"{edit_prefix}/{pk}/{edit_suffix}"
        else:
            link = f"{detail}{pk}/"
        errors = ""
        if row["status"] == "submitted":
            parts = []
            if row["high_impact_errors"]:
                parts.append(
                    format_html(
                        '<span class="badge badge-high" title="{}">{} {}</span>', high_title, high, row["high_impact_errors"]
                    )
                )
            if row["low_impact_errors"]:
                parts.append(
                    format_html('<span class="badge badge-low" title="{}">{} {}</span>', low_title, low, row["low_impact_errors"])
                )
            errors = mark_safe("\n        ".join(parts))
        reviewer = f"{row['reviewer__first_name']} {row['reviewer__last_name']}".strip() or row["reviewer__username"]
        scorecard = pick(row["scorecard_version__scorecard__name"]) or row["scorecard_version__scorecard__code"]
        when = row["submitted_at"] or row["created_at"]
        out.append(
            format_html(
                '<tr><td class="nowrap"><a class="row-link" href="{}">#{}</a></td>'
                '<td class="ref"><a href="{}{}/">{}</a>{}</td>'
                '<td class="wrap">{}</td>'
                '<td class="wrap">{}</td>'
                '<td class="wrap">{} v{}</td>'
                "<td>{}</td>"
                "<td>{}</td>"
                '<td class="nowrap">{}</td>'
                '<td class="num">{}</td></tr>',
                link,
                pk,
                interaction,
                row["interaction_id"],
                row["interaction__external_id"],
                format_html(" <small>({})</small>", message) if row["message_id"] else "",
                row["agent__display_name"] or row["agent__username"],
                reviewer,
                scorecard,
                row["scorecard_version__number"],
                review_status_badge(row["status"], statuses.get(row["status"], row["status"])),
                errors,
                formats.date_format(timezone.localtime(when), "j M Y"),
                score_badge(row["score"], float(pass_mark)),
            )
        )
    return mark_safe("\n".join(out))
