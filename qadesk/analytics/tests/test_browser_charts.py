"""The quality chart in a real browser: lines per team with gaps and straight segments, the pass-mark line, red below
it; and the download buttons take the filter form as it is now."""

from __future__ import annotations

from typing import Any

import pytest

from qadesk.accounts.models import User
from qadesk.testing import factories as f

from .conftest import ReportData


def login(browser: Any, live_server: Any, user: User) -> Any:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.errors = errors
    return page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_trend_draws_a_line_per_team_with_gaps_and_the_pass_mark(
    browser: Any, live_server: Any, report_data: ReportData, qa_lead: User
) -> None:
    page = login(browser, live_server, qa_lead)
    query = "by=period&period=month&compare=team&date_from=2026-01-01&date_to=2026-12-31"
    page.goto(f"{live_server.url}/reports/quality/?{query}")
    page.wait_for_function("() => window.Chart && Chart.getChart('quality-chart')")
    datasets = page.evaluate(
        """() => Chart.getChart('quality-chart').data.datasets.map(d => ({
            label: d.label, data: d.data, tension: d.tension, spanGaps: d.spanGaps, band: !!d.band, dash: !!d.borderDash}))"""
    )
    lines = {d["label"]: d for d in datasets if not d["band"] and not d["dash"]}
    assert set(lines) == {"Milano Ordini", "Lyon Livraisons"}
    assert lines["Milano Ordini"]["data"] == [90, None] and lines["Milano Ordini"]["tension"] == 0
    assert lines["Milano Ordini"]["spanGaps"] is False
    assert sum(d["dash"] for d in datasets) == 1  # the pass mark
    assert page.errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_download_button_takes_the_form_as_it_is(
    browser: Any, live_server: Any, report_data: ReportData, qa_lead: User
) -> None:
    page = login(browser, live_server, qa_lead)
    page.goto(f"{live_server.url}/reports/quality/?by=agent")
    page.select_option("#id_by", "team")  # changed, not yet submitted
    with page.expect_download() as download:
        page.click("a[data-export=xlsx]")
    url = download.value.url
    assert "/reports/quality/export/?" in url and "by=team" in url and "format=xlsx" in url
    assert download.value.suggested_filename.startswith("quality-by-team-")
    assert page.errors == []
