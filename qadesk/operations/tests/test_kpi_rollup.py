"""The KPI report's daily rollup (PostgreSQL, migration operations 0005): kept right by the triggers through every kind
of write, and the report it serves gives the scan's counts, sums and rates exactly, its medians and 90th percentiles
within the log buckets' 0.5 %; SQLite keeps nothing and scans the contacts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection

from qadesk.accounts.models import Agent, Team, User
from qadesk.interactions.models import Customer, Interaction, InteractionAgent, Label
from qadesk.operations import rollup
from qadesk.operations.kpis import FIGURE_NAMES, KpiFigures, KpiSettings
from qadesk.operations.selectors import KpiReport, kpi_report
from qadesk.operations.sql import contact_links_verify
from qadesk.operations.tests.data import NOW, worked_rows
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the rollup is PostgreSQL's")
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
RANGE = {"date_from": date(2026, 10, 20), "date_to": date(2026, 11, 20)}
SPREADS = {n for n in FIGURE_NAMES if n.endswith(("_median", "_p90"))}


def _close(fast: float | None, exact: float | None) -> bool:
    """Within the log buckets' relative error, plus the 0.1 s both figures are rounded to."""
    if fast is None or exact is None:
        return fast is exact
    return abs(fast - exact) <= rollup.RELATIVE_ERROR * abs(exact) + 0.1


def _assert_figures(fast: KpiFigures, exact: KpiFigures) -> None:
    for name in FIGURE_NAMES:
        got, want = getattr(fast, name), getattr(exact, name)
        if name in SPREADS:
            assert _close(got, want), (fast.key, name, got, want)
        else:
            assert got == want, (fast.key, name, got, want)
    assert fast.missed == exact.missed


def _assert_same(actor: User, by: str = "team", **options: object) -> KpiReport:
    """The report from the rollup against the one computed from the contacts, for the same arguments."""
    arguments = {"now": NOW, **RANGE, **options}
    fast = kpi_report(actor=actor, by=by, **arguments)  # type: ignore[arg-type]
    exact = kpi_report(actor=actor, by=by, exact=True, **arguments)  # type: ignore[arg-type]
    assert fast.approximate is (connection.vendor == "postgresql")
    assert not exact.approximate
    assert [g.key for g in fast.groups] == [g.key for g in exact.groups]
    for got, want in zip([fast.totals, *fast.groups], [exact.totals, *exact.groups], strict=True):
        _assert_figures(got, want)
    assert fast.paths == exact.paths
    return fast


def _assert_everything(actor: User) -> None:
    assert rollup.kpi_rollup_verify() == 0
    assert contact_links_verify() == 0
    for by in ("team", "day", "week", "month"):
        _assert_same(actor, by)
    _assert_same(actor, "team", settings=KpiSettings(service_level_seconds=15, short_abandon_seconds=10, fcr_days=3))


def test_sqlite_reads_the_contacts(qa_lead: User, agent: Agent, other_team_agent: Agent) -> None:
    worked_rows(agent, other_team_agent)
    report = kpi_report(actor=qa_lead, by="team", now=NOW, **RANGE)  # type: ignore[arg-type]
    assert report.approximate is (connection.vendor == "postgresql")
    assert rollup.kpi_rollup_usable() is (connection.vendor == "postgresql")


@postgres_only
def test_the_worked_example_from_the_rollup(qa_lead: User, agent: Agent, other_team_agent: Agent) -> None:
    worked_rows(agent, other_team_agent)
    report = _assert_same(qa_lead)
    assert (report.totals.contacts, report.totals.fcr_decided, report.totals.fcr_rate, report.totals.reassigned) == (
        7,
        3,
        33.33,
        1,
    )
    _assert_everything(qa_lead)


@postgres_only
def test_edge_cases_and_every_kind_of_write(qa_lead: User, team_lead: User, agent: Agent, other_team_agent: Agent) -> None:
    label = Label.objects.create(code="late")
    anna, bruno = Customer.objects.create(external_id="anna"), Customer.objects.create(external_id="bruno")

    def at(days: float, seconds: float = 0) -> datetime:
        return T0 + timedelta(days=days, seconds=seconds)

    rows = [
        # no timestamps at all, open
        f.make_interaction(agent, channel="email", created_at=at(0)),
        # answered exactly at T, a wait with microseconds just above T, an abandon exactly at S and just below it
        f.make_interaction(agent, channel="phone", created_at=at(1), queued_at=at(1), answered_at=at(1, 20)),
        f.make_interaction(agent, channel="phone", created_at=at(1), queued_at=at(1), answered_at=at(1, 20.000001)),
        f.make_interaction(agent, channel="phone", created_at=at(1), queued_at=at(1), closed_at=at(1, 5), abandoned=True),
        f.make_interaction(agent, channel="phone", created_at=at(1), queued_at=at(1), closed_at=at(1, 4.9), abandoned=True),
        # abandoned of unknown length; abandoned with a stray answer time
        f.make_interaction(agent, channel="phone", created_at=at(2), queued_at=at(2), abandoned=True),
        f.make_interaction(
            agent, channel="phone", created_at=at(2), queued_at=at(2), answered_at=at(2, 3), closed_at=at(2, 9), abandoned=True
        ),
        # a reply stamped before creation (clocks), a resolution before creation, handle parts partly missing
        f.make_interaction(agent, channel="chat", created_at=at(3), first_reply_at=at(3, -60), resolved_at=at(3, -10)),
        f.make_interaction(other_team_agent, channel="phone", created_at=at(3), talk_seconds=100, acw_seconds=None),
        # resolved within 24 h exactly; reopened; came back exactly N days after and a microsecond after
        f.make_interaction(agent, channel="email", created_at=at(4), resolved_at=at(5), customer=anna, label=label),
        f.make_interaction(agent, channel="email", created_at=at(4, 1), resolved_at=at(4, 100), reopens=2),
        f.make_interaction(
            other_team_agent, channel="email", created_at=at(5, 1), resolved_at=at(5, 2), customer=bruno, label=label
        ),
        f.make_interaction(agent, channel="email", created_at=at(12), customer=anna, label=label),
        f.make_interaction(agent, channel="email", created_at=at(12, 2.000001), customer=bruno, label=label),
        # the spring-forward / fall-back week: 25 October 2026 is 25 hours long in Rome
        f.make_interaction(agent, channel="email", created_at=datetime(2026, 10, 25, 1, 30, tzinfo=UTC), resolved_at=NOW),
        f.make_interaction(agent, channel="email", created_at=datetime(2026, 10, 24, 22, 30, tzinfo=UTC)),
        f.make_interaction(agent, channel="email", created_at=datetime(2026, 10, 25, 22, 59, 59, tzinfo=UTC)),
        # resolved on the day of the report's end and of FCR's cut-off, before and after the instants
        f.make_interaction(agent, channel="email", created_at=at(15), resolved_at=datetime(2026, 11, 23, 11, 59, tzinfo=UTC)),
        f.make_interaction(agent, channel="email", created_at=at(15), resolved_at=datetime(2026, 11, 23, 12, 1, tzinfo=UTC)),
        # no team
        Interaction.objects.create(source="x", external_id="no-team", channel="email", created_at=at(6), resolved_at=at(6, 9)),
    ]
    InteractionAgent.objects.create(interaction=rows[1], agent=other_team_agent, position=1)
    _assert_everything(qa_lead)
    _assert_same(team_lead)
    _assert_same(team_lead, "week")
    _assert_same(qa_lead, filters={"team": str(agent.team_id)})
    _assert_same(qa_lead, "day", filters={"team": agent.team.name})
    # the range's end today: the backlog at now, a contact created after now
    _assert_same(qa_lead, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30))
    f.make_interaction(agent, channel="email", created_at=NOW + timedelta(hours=3))
    _assert_same(qa_lead, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30))
    _assert_same(qa_lead, date_from=None, date_to=None)

    # edits (ORM save, bulk update), a move between teams, a change of handlers, deletes, a re-import
    rows[0].resolved_at, rows[0].first_reply_at = at(0, 50), at(0, 10)
    rows[0].save()
    Interaction.objects.filter(pk=rows[2].pk).update(answered_at=at(1, 3), team=other_team_agent.team)
    Interaction.objects.filter(pk__in=[rows[5].pk, rows[6].pk]).update(abandoned=False, answered_at=at(2, 8))
    InteractionAgent.objects.filter(interaction=rows[1]).delete()
    InteractionAgent.objects.create(interaction=rows[3], agent=other_team_agent, position=1)
    rows[12].delete()  # anna no longer came back
    Interaction.objects.filter(pk=rows[13].pk).update(created_at=at(5, 3))  # bruno came back a second later
    _assert_everything(qa_lead)
    Interaction.objects.filter(pk__in=[r.pk for r in rows[7:11]]).delete()
    copy = rows[9]
    copy.pk = None
    copy.save()
    Interaction.objects.bulk_create(
        Interaction(source="bulk", external_id=f"B-{n}", channel="chat", created_at=at(n), customer=anna, label=label,
                    queued_at=at(n), answered_at=at(n, n * 7.5), resolved_at=at(n, 3600 * n), team=agent.team)
        for n in range(1, 5)
    )  # fmt: skip
    _assert_everything(qa_lead)
    _assert_same(team_lead)


@postgres_only
def test_verify_finds_a_changed_row_and_rebuild_repairs_it(qa_lead: User, agent: Agent, other_team_agent: Agent) -> None:
    worked_rows(agent, other_team_agent)
    assert rollup.kpi_rollup_verify() == 0
    with connection.cursor() as cursor:
        cursor.execute("UPDATE operations_kpiday SET contacts = contacts + 1 WHERE dim = 1")
        cursor.execute("DELETE FROM operations_kpihist WHERE kind = 3")
    assert rollup.kpi_rollup_verify() > 0
    assert rollup.kpi_rollup_differences()
    counts = rollup.kpi_rollup_rebuild()
    assert counts["days"] > 0 and counts["histograms"] > 0 and counts["resolved"] > 0
    assert rollup.kpi_rollup_verify() == 0
    assert rollup.kpi_rollup_differences() == []
    _assert_same(qa_lead)


@postgres_only
def test_requests_the_rollup_does_not_serve_read_the_contacts(qa_lead: User, agent: Agent, other_team_agent: Agent) -> None:
    worked_rows(agent, other_team_agent)
    for by, filters in (("channel", {}), ("hour", {}), ("team", {"channel": "phone"}), ("agent", {})):
        assert not kpi_report(actor=qa_lead, by=by, filters=filters, now=NOW, **RANGE).approximate  # type: ignore[arg-type]
    rollup.ENABLED = False
    try:
        assert not kpi_report(actor=qa_lead, by="team", now=NOW, **RANGE).approximate  # type: ignore[arg-type]
    finally:
        rollup.ENABLED = True


@postgres_only
def test_a_rollup_of_another_zone_is_not_read(qa_lead: User, agent: Agent, other_team_agent: Agent) -> None:
    worked_rows(agent, other_team_agent)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE operations_kpistate SET time_zone = 'UTC'")
    assert not rollup.kpi_rollup_usable()
    assert not kpi_report(actor=qa_lead, by="team", now=NOW, **RANGE).approximate  # type: ignore[arg-type]
    assert any("UTC" in d for d in rollup.kpi_rollup_differences())


def test_an_unknown_team_filter_gives_an_empty_report(qa_lead: User, agent: Agent, other_team_agent: Agent) -> None:
    worked_rows(agent, other_team_agent)
    fast = kpi_report(actor=qa_lead, by="team", filters={"team": "nobody"}, now=NOW, **RANGE)  # type: ignore[arg-type]
    assert fast.groups == [] and fast.totals.contacts == 0
    assert Team.objects.exists()


@postgres_only
def test_the_paths_counted_in_sql_equal_pythons(qa_lead: User, agent: Agent, other_team_agent: Agent) -> None:
    from qadesk.operations import selectors

    worked_rows(agent, other_team_agent)
    third = f.make_interaction(other_team_agent, channel="chat", created_at=T0)
    InteractionAgent.objects.create(interaction=third, agent=agent, position=3)  # a gap in the positions
    InteractionAgent.objects.create(interaction=third, agent=other_team_agent, position=5)
    lone = f.make_interaction(agent, channel="chat", created_at=T0)
    InteractionAgent.objects.filter(interaction=lone).update(position=2)  # reassigned, one handler: no hand-off
    rows = selectors.kpi_interactions(actor=qa_lead, **RANGE)  # type: ignore[arg-type]
    in_sql = selectors.reassignment_path_list(rows)
    vendor = connection.vendor
    try:
        connection.vendor = "sqlite-like"  # the Python path
        in_python = selectors.reassignment_path_list(rows)
    finally:
        connection.vendor = vendor
    assert in_sql == in_python
    assert sum(p.count for p in in_sql) == 3


@postgres_only
def test_report_verify_and_fix_cover_the_kpi_rollup(agent: Agent, other_team_agent: Agent) -> None:
    import io

    from django.core.management import CommandError, call_command

    worked_rows(agent, other_team_agent)
    out = io.StringIO()
    call_command("qreport", "verify", stdout=out)
    assert "The operations rollup agrees with the contacts." in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM operations_kpiresolved")
    with pytest.raises(CommandError, match="differences between the operations rollup and the contacts"):
        call_command("qreport", "verify", stdout=io.StringIO())
    out = io.StringIO()
    call_command("qreport", "verify", "--fix", stdout=out)
    assert "the operations rollup was rebuilt and now agrees with the contacts" in out.getvalue()
    assert rollup.kpi_rollup_verify() == 0


# --- through the doors: page, API, CLI -------------------------------------------------------------------------------


def test_the_page_says_where_its_figures_come_from(qa_lead: User, agent: Agent, other_team_agent: Agent) -> None:
    from qadesk.testing.clients import page_client

    worked_rows(agent, other_team_agent)
    params = {"by": "team", "date_from": "2026-11-01", "date_to": "2026-11-20"}
    fast = page_client(qa_lead).get("/operations/", params).content.decode()
    exact = page_client(qa_lead).get("/operations/", {**params, "exact": "on"}).content.decode()
    by_channel = page_client(qa_lead).get("/operations/", {**params, "by": "channel"}).content.decode()
    assert "Every figure is computed from the contacts." in exact
    assert "Every figure is computed from the contacts." in by_channel
    assert "≈" not in exact
    if connection.vendor == "postgresql":
        assert "≈ Medians and 90th percentiles are read from the daily rollup" in fast
        assert fast.count("≈") > 3
    else:
        assert "Every figure is computed from the contacts." in fast


def test_the_api_and_the_cli_take_exact(qa_lead: User, agent: Agent, other_team_agent: Agent) -> None:
    import io
    import json

    from django.core.management import call_command

    from qadesk.testing.clients import api_client

    worked_rows(agent, other_team_agent)
    params = {"by": "team", "from": "2026-11-01", "to": "2026-11-20"}
    fast = api_client(qa_lead).get("/api/v1/operations/kpis", params).json()
    exact = api_client(qa_lead).get("/api/v1/operations/kpis", {**params, "exact": "true"}).json()
    assert fast["approximate"] is (connection.vendor == "postgresql")
    assert exact["approximate"] is False
    assert [(g["key"], g["contacts"], g["fcr_rate"], g["backlog"]) for g in fast["groups"]] == [
        (g["key"], g["contacts"], g["fcr_rate"], g["backlog"]) for g in exact["groups"]
    ]
    export = api_client(qa_lead).get("/api/v1/operations/kpis/export", {**params, "exact": "true"})
    assert export.status_code == 200
    out = io.StringIO()
    call_command("qreport", "kpis", "--from", params["from"], "--to", params["to"], stdout=out)
    assert json.loads(out.getvalue())["approximate"] is (connection.vendor == "postgresql")
    out = io.StringIO()
    call_command("qreport", "kpis", "--exact", "--from", params["from"], "--to", params["to"], stdout=out)
    assert json.loads(out.getvalue())["approximate"] is False


def test_percentiles_from_log_buckets_stay_within_half_a_percent() -> None:
    import math
    import random
    from collections import Counter

    from qadesk.operations.kpis import histogram_percentile, percentile_cont

    def bucket(v: float) -> int:
        return rollup.LOG_ZERO if v <= 0 else math.floor(math.log(v) / math.log(rollup.RATIO))

    draw = random.Random(9)
    for size in (1, 2, 3, 10, 101, 5000):
        values = [0.0] * (size // 50) + [draw.lognormvariate(5, 2) for _ in range(size - size // 50)]
        counts = Counter(bucket(v) for v in values)
        buckets = [(rollup.bucket_value(b), n) for b, n in sorted(counts.items())]
        for fraction in (0.5, 0.9):
            exact = percentile_cont(values, fraction)
            approximate = histogram_percentile(buckets, fraction)
            assert exact is not None and approximate is not None
            assert abs(approximate - exact) <= rollup.RELATIVE_ERROR * exact + 1e-9
    assert histogram_percentile([], 0.5) is None
    assert rollup.RELATIVE_ERROR < 0.005


@postgres_only
def test_targets_on_exact_figures_read_the_rollup_and_give_the_scans_results(
    qa_lead: User, team_lead: User, agent: Agent, other_team_agent: Agent, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qadesk.operations import selectors
    from qadesk.operations.models import KpiTarget
    from qadesk.operations.selectors import target_results

    served: list[str] = []
    original = selectors._figures_from_rollup

    def counted(*args: object, **options: object) -> object:
        served.append(str(options["by"]))
        return original(*args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(selectors, "_figures_from_rollup", counted)

    worked_rows(agent, other_team_agent)
    for n in range(12):
        f.make_interaction(agent, channel="phone", created_at=T0 + timedelta(days=n, hours=n), queued_at=T0 + timedelta(days=n),
                           answered_at=T0 + timedelta(days=n, seconds=5 * n), resolved_at=T0 + timedelta(days=n + 1))  # fmt: skip
    KpiTarget.objects.create(kpi="service_level", value=60, period="week", threshold_seconds=15)
    KpiTarget.objects.create(kpi="fcr_rate", value=50, period="day")
    KpiTarget.objects.create(kpi="backlog", value=2, period="month")
    KpiTarget.objects.create(kpi="reassignment_rate", value=10, period="week")
    KpiTarget.objects.create(kpi="abandonment_rate", value=5, period="month")
    KpiTarget.objects.create(kpi="aht_seconds", value=300, period="month")
    KpiTarget.objects.create(kpi="asa_seconds", value=20, period="day", channel="phone")  # a channel: the contacts
    KpiTarget.objects.create(kpi="resolution_median", value=3600, period="week")  # a median: the contacts
    for actor, filters in ((qa_lead, {}), (team_lead, {}), (qa_lead, {"team": str(agent.team_id)})):
        fast = target_results(actor=actor, filters=filters, now=NOW, **RANGE)  # type: ignore[arg-type]
        exact = target_results(actor=actor, filters=filters, now=NOW, exact=True, **RANGE)  # type: ignore[arg-type]
        assert fast == exact
        assert any(r.counted for r in fast)
    assert sorted(set(served)) == ["day", "month", "week"]  # the channel's and the median's targets were not served
