"""What the charts draw: labels people read, gaps where no review was made, points below the pass mark, one line per
team on one chart; and the scripts draw straight segments (no smoothing that overshoots) and do not span gaps."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from qadesk.accounts.models import User
from qadesk.analytics.charts import period_label, period_series, period_starts
from qadesk.analytics.selectors import GroupRow
from qadesk.testing.clients import page_client

from .conftest import ReportData


def row(key: str, iqs: float, n: int = 3) -> GroupRow:
    return GroupRow(key, key, n, iqs, iqs - 5, iqs + 5, True, None, None, None, 0, None, None, None, 0, None, None, None)


def test_months_without_reviews_are_gaps_not_lines_drawn_through_them() -> None:
    series = period_series([row("2026-09-01", 90), row("2026-12-01", 70)], period="month", pass_mark=75)
    assert series["iqs"] == [90, None, None, 70]
    assert series["n"] == [3, 0, 0, 3]
    assert series["below"] == [False, False, False, True]
    assert (series["ciLow"][0], series["ciHigh"][0]) == (85, 95)


@pytest.mark.parametrize(
    ("language", "month", "week"),
    [("it", "set 2026", "31 ago 2026"), ("fr", "sep 2026", "31 aoû 2026"), ("en", "Sep 2026", "31 Aug 2026")],
)
def test_axis_labels_are_in_the_readers_language_never_iso(language: str, month: str, week: str) -> None:
    with translation.override(language):
        assert period_label(date(2026, 9, 1), "month") == month
        assert period_label(date(2026, 8, 31), "week") == week


def test_weeks_and_days_follow_each_other() -> None:
    assert period_starts(date(2026, 8, 31), date(2026, 9, 14), "week") == [date(2026, 8, 31), date(2026, 9, 7), date(2026, 9, 14)]
    assert period_starts(date(2026, 11, 1), date(2027, 1, 1), "month")[-1] == date(2027, 1, 1)


def chart_of(html: str, name: str) -> dict:  # type: ignore[type-arg]
    found = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', html, re.S)
    assert found, name
    return json.loads(found.group(1))


@pytest.mark.django_db
def test_the_quality_trend_has_one_line_per_team_on_the_same_periods(report_data: ReportData, qa_lead: User) -> None:
    qa_lead.language = "it"
    qa_lead.save()
    params = {"by": "period", "period": "month", "compare": "team", "date_from": "2026-01-01", "date_to": "2026-12-31"}
    chart = chart_of(page_client(qa_lead).get("/reports/quality/", params).content.decode(), "report-data")
    lines = {s["label"]: s for s in chart["series"]}
    assert set(lines) == {"Milano Ordini", "Lyon Livraisons"}
    assert lines["Milano Ordini"]["labels"] == ["set 2026", "ott 2026"]
    assert lines["Milano Ordini"]["iqs"] == [90.0, None]  # no review in October: a gap
    assert lines["Lyon Livraisons"]["iqs"] == [None, 80.0]
    assert chart["passMark"] == pytest.approx(float(chart["passMark"]))


@pytest.mark.django_db
def test_bars_below_the_pass_mark_are_marked(report_data: ReportData, qa_lead: User) -> None:
    chart = chart_of(page_client(qa_lead).get("/reports/quality/", {"by": "agent"}).content.decode(), "report-data")
    assert {g["iqs"]: g["below"] for g in chart["groups"]} == {90.0: False, 80.0: chart["passMark"] > 80.0}


def test_the_scripts_draw_straight_segments_that_stop_at_gaps() -> None:
    root = Path(settings.BASE_DIR)
    for script in (root / "analytics/static/analytics/quality.js", root / "reviews/static/reviews/my_trend.js"):
        text = script.read_text()
        assert "tension: 0," in text and "spanGaps: false" in text, script
        assert "passMark" in text and "below" in text, script
