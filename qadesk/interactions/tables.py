"""The interaction list's rows, written by one Python function instead of the template engine.

Fifty rows of eleven cells through Django's template engine (a variable lookup, a filter and autoescaping per cell,
a `{% url %}` per row) were most of the page's CPU time (benchmarks/README.md: Load). This writes the same cells
with `format_html` from plain row dicts (`selectors.ROW_COLUMNS`); tests compare it with what the template wrote.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from html import escape as esc
from typing import Any

from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from qadesk.interactions.models import Channel, JourneyPhase, Status, label_display
from qadesk.interactions.templatetags.qadesk_interactions import interaction_status_badge
from qadesk.reviews.tables import ScoreCells

_DASH = "—"


def interaction_rows(
    rows: Iterable[Mapping[str, Any]], *, pass_mark: Decimal | float, selectable: bool, queues: Mapping[int, list[str]]
) -> SafeString:
    """The `<tr>`s of the list: `selectable` adds the assignment checkbox; `queues` names who has each row open.

    Built with f-strings and `html.escape` (what Django's `escape` calls) rather than `format_html`, whose lazy and
    safe-string wrappers cost more than the text itself at 550 cells a page."""
    # Labels translated and escaped once per page, not once per row.
    channels = {code: esc(str(label)) for code, label in Channel.choices}
    phases = {code: esc(str(label)) for code, label in JourneyPhase.choices}
    statuses = dict(Status.choices)
    detail = reverse("interactions:detail", args=[0])[:-2]  # ".../interactions/0/" -> prefix, + "<id>/"
    hidden = f'<span class="muted">{esc(_("hidden (calibration)"))}</span>'
    in_queue = _("In the queue of {names}")
    select = _("Select %(id)s")
    badge = {code: interaction_status_badge(code, str(label)) for code, label in statuses.items()}
    score = ScoreCells(pass_mark)
    days: dict[Any, str] = {}  # the same day recurs down a page: format it once
    out: list[str] = []
    for row in rows:
        pk = row["id"]
        external_id = esc(row["external_id"])
        created = timezone.localtime(row["created_at"])
        day = days.get(created.date())
        if day is None:
            day = days[created.date()] = formats.date_format(created, "j M Y")
        minute = f"{created.hour:02d}:{created.minute:02d}"  # "H:i", the same in every language
        label = esc(label_display(code=row["label__code"] or "", name=row["label__name"], names=row["label__names"]))
        phase = phases.get(row["phase"]) or esc(row["phase"] or "")
        agent = hidden if row.get("agent_hidden") else esc(row["agent__display_name"] or row["agent__username"] or _DASH)
        names = queues.get(pk)
        state = ""
        if names:
            who = esc(", ".join(names))
            state = f'<br><small class="badge badge-info" title="{esc(in_queue.format(names=", ".join(names)))}">{who}</small>'
        check = ""
        if selectable:
            check = (
                f'<td class="check"><input type="checkbox" name="interactions" value="{pk}" form="bulk-assign" data-select '
                f'aria-label="{esc(select % {"id": row["external_id"]})}"></td>'
            )
        subject = f"<br><small>{esc(_short(row['subject']))}</small>" if row["subject"] else ""
        status = row["status"]
        out.append(
            f'<tr>{check}<td class="ref"><a class="row-link" href="{detail}{pk}/">{external_id}</a>{subject}</td>'
            f'<td class="nowrap">{day}<br><small>{minute}</small></td>'
            f'<td class="clip">{channels.get(row["channel"]) or esc(row["channel"])}<br>'
            f"<small>{esc((row['language'] or '').upper() or _DASH)}</small></td>"
            f'<td class="clip">{esc(row["team__name"] or _DASH)}</td>'
            f'<td class="wrap">{agent}</td>'
            f'<td class="clip" title="{label}">{label or _DASH}</td>'
            f'<td class="clip" title="{phase}">{phase or _DASH}</td>'
            f"<td>{badge[status] if status in badge else interaction_status_badge(status, status)}{state}</td>"
            f'<td class="num">{formats.localize(row["message_count"])}</td>'
            f'<td class="num">{score(row["latest_score"])}</td>'
            "</tr>"
        )
    return mark_safe("\n".join(out))  # every value above went through esc() or is a number or our own HTML


def _short(text: str, length: int = 24) -> str:
    """`truncatechars:24`, with the common cases (short, or plain text without combining marks) done directly."""
    if len(text) <= length:
        return text
    if text.isascii():
        return text[: length - 1] + "…"
    return truncatechars(text, length)
