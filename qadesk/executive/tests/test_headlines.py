"""The efficiency headlines are the operations report's own counts (operations.selectors.kpi_sums), never a figure
read back from the report's rounded rate."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qadesk.accounts.models import Agent
from qadesk.executive.headlines import BY_CODE, aht, fcr, org_reader, service_level
from qadesk.executive.selectors import executive_summary
from qadesk.interactions.models import Interaction
from qadesk.operations.selectors import kpi_report
from qadesk.operations.tests.data import worked_rows

pytestmark = pytest.mark.django_db
WORKED_RANGE = (date(2026, 11, 2), date(2026, 11, 3))  # operations' hand-worked contacts (tests/data.py)


def test_service_level_fcr_and_aht_are_the_operations_reports_totals(agent: Agent, other_team_agent: Agent) -> None:
    worked_rows(agent, other_team_agent)  # answered in 10 and 30 s, a short and a long abandon, a reopen, a return
    totals = kpi_report(actor=org_reader(), by="channel", date_from=WORKED_RANGE[0], date_to=WORKED_RANGE[1]).totals
    level, first, handle = service_level(*WORKED_RANGE), fcr(*WORKED_RANGE), aht(*WORKED_RANGE)
    assert level is not None and (level.n, round(level.value, 2)) == (totals.offered, totals.service_level) == (3, 33.33)
    assert first is not None and (first.n, round(first.value, 2)) == (totals.fcr_decided, totals.fcr_rate) == (3, 33.33)
    assert handle is not None and (handle.n, handle.value) == (totals.handled, totals.aht_seconds) == (2, 350.0)
    assert handle.sd == pytest.approx(70.71, abs=0.01)  # 400 s and 300 s


def test_fcr_keeps_the_exact_count_where_the_reports_rate_would_round_it_away(agent: Agent) -> None:
    """10,001 contacts resolved, 5,001 at first contact: the report shows 50.0 %, which read back gives 5,000."""
    decided, resolved_once = 10_001, 5_001
    start = timezone.make_aware(datetime(2025, 3, 3, 9))
    Interaction.objects.bulk_create(
        Interaction(
            external_id=f"fcr-{i}",
            source="test",
            channel="email",
            team=agent.team,
            site=agent.site,
            agent=agent,
            created_at=start + timedelta(seconds=i),
            resolved_at=start + timedelta(seconds=i, hours=2),
            reopens=0 if i < resolved_once else 1,
        )
        for i in range(decided)
    )
    day = start.date()
    report = kpi_report(actor=org_reader(), by="channel", date_from=day, date_to=day, with_targets=False).totals
    assert report.fcr_decided == decided and report.fcr_rate == 50.0
    assert round(report.fcr_rate * decided / 100) != resolved_once  # what the read-back gave
    measure = fcr(day, day)
    assert measure is not None and measure.n == decided
    assert measure.value == pytest.approx(100 * resolved_once / decided, abs=1e-12)  # 50.005 %, not 50.0 %
    summary = {r.code: r for r in executive_summary(start=day, end=day).rows}
    assert summary["fcr"].current == measure


def test_the_summary_runs_the_operations_sql_once_per_period_for_the_three_efficiency_figures(
    agent: Agent, other_team_agent: Agent
) -> None:
    worked_rows(agent, other_team_agent)
    measured = {code: BY_CODE[code].measure(*WORKED_RANGE) for code in ("service_level", "fcr", "aht")}
    with CaptureQueriesContext(connection) as queries:
        summary = {r.code: r for r in executive_summary(start=WORKED_RANGE[0], end=WORKED_RANGE[1]).rows}
    assert {code: summary[code].current for code in measured} == measured
    operations_sql = [q for q in queries.captured_queries if "c_decided_once" in q["sql"]]
    assert len(operations_sql) == 2  # the period and the one before it, not three times each
