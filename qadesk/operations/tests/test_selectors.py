"""The KPI report in SQL agrees with the pure functions on the worked example, groups and filters as asked."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from qadesk.accounts.models import Agent, User
from qadesk.core.errors import ApplicationError
from qadesk.interactions.models import Interaction
from qadesk.operations import kpis
from qadesk.operations.kpis import KpiSettings
from qadesk.operations.models import KpiTarget
from qadesk.operations.selectors import kpi_report, kpi_sums
from qadesk.operations.tests.data import NOW, worked_contacts, worked_rows
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db
RANGE = {"date_from": date(2026, 11, 2), "date_to": date(2026, 11, 3)}


@pytest.fixture
def worked(agent: Agent, other_team_agent: Agent) -> dict[str, Interaction]:
    return worked_rows(agent, other_team_agent)


def test_the_sql_report_agrees_with_the_pure_functions(qa_lead: User, worked: dict[str, Interaction]) -> None:
    report = kpi_report(actor=qa_lead, by="channel", now=NOW, **RANGE)
    end_of_range = datetime(2026, 11, 3, 23, 0, tzinfo=UTC)  # midnight after 3 November in Rome
    assert report.as_of == end_of_range
    expected = kpis.contacts_figures(worked_contacts(), settings=KpiSettings(), as_of=end_of_range, now=NOW)
    got = dataclasses.replace(report.totals, label="")
    assert got == dataclasses.replace(expected, key="", label="")
    assert got.backlog == 2  # c6, and c5, resolved on 4 November: open when the range ended


def test_the_sums_are_the_reports_totals_exactly_and_agree_with_the_pure_functions(
    qa_lead: User, worked: dict[str, Interaction]
) -> None:
    sums = kpi_sums(actor=qa_lead, now=NOW, **RANGE)
    end_of_range = datetime(2026, 11, 3, 23, 0, tzinfo=UTC)
    assert sums == kpis.contact_sums(worked_contacts(), settings=KpiSettings(), as_of=end_of_range, now=NOW)
    assert (sums.handled, sums.handle_total, sums.handle_sq_total) == (2, 700.0, 400.0**2 + 300.0**2)
    report = kpi_report(actor=qa_lead, by="team", now=NOW, **RANGE).totals
    from_sums = kpis.kpi_figures(key="", label=report.label, sums=sums)
    spreads = {n for n in kpis.FIGURE_NAMES if n.endswith(("_median", "_p90"))}
    assert {n: getattr(from_sums, n) for n in kpis.FIGURE_NAMES if n not in spreads} == {
        n: getattr(report, n) for n in kpis.FIGURE_NAMES if n not in spreads
    }
    phone = kpi_sums(actor=qa_lead, now=NOW, filters={"channel": "phone"}, reassignments=False, **RANGE)
    assert (phone.contacts, phone.answered_within, phone.abandoned, phone.short_abandoned) == (4, 1, 1, 1)
    assert (phone.assigned, phone.reassigned) == (0, 0)  # the handlers were not read
    with pytest.raises(ApplicationError):
        kpi_sums(actor=qa_lead, date_from=date(2026, 11, 3), date_to=date(2026, 11, 2))


def test_it_groups_by_channel_biggest_first(qa_lead: User, worked: dict[str, Interaction]) -> None:
    report = kpi_report(actor=qa_lead, by="channel", now=NOW, **RANGE)
    assert [(g.key, g.label, g.contacts) for g in report.groups] == [("phone", "Phone", 4), ("email", "E-mail", 2)]
    phone = report.groups[0]
    assert (phone.asa_seconds, phone.service_level, phone.short_abandoned, phone.aht_seconds) == (20.0, 33.33, 1, 350.0)


def test_a_new_contact_outside_the_range_still_breaks_first_contact_resolution(
    qa_lead: User, worked: dict[str, Interaction]
) -> None:
    email = kpi_report(actor=qa_lead, by="channel", now=NOW, filters={"channel": "email"}, **RANGE).totals
    assert (email.fcr_decided, email.fcr_rate) == (1, 0.0)  # c5: its customer wrote again on 6 November


def test_reassignment_paths_go_from_team_to_team_by_label(qa_lead: User, worked: dict[str, Interaction]) -> None:
    report = kpi_report(actor=qa_lead, by="team", now=NOW, **RANGE)
    assert [(p.from_team, p.to_team, p.label, p.count) for p in report.paths] == [
        ("Milano Ordini", "Lyon Livraisons", "late_delivery", 1)
    ]


def test_a_team_lead_sees_their_teams_contacts_only(team_lead: User, agent: Agent, other_team_agent: Agent) -> None:
    f.make_interaction(agent)
    f.make_interaction(other_team_agent)
    report = kpi_report(actor=team_lead, by="team")
    assert [(g.label, g.contacts) for g in report.groups] == [("Milano Ordini", 1)]


def test_agents_and_reviewers_see_nothing(agent_user: User, reviewer: User, agent: Agent) -> None:
    f.make_interaction(agent)
    assert kpi_report(actor=agent_user, by="team").totals.contacts == 0
    assert kpi_report(actor=reviewer, by="team").totals.contacts == 0
    assert kpi_sums(actor=agent_user) == kpi_sums(actor=reviewer) == kpis.KpiSums()


def test_hours_and_days_are_local_across_the_autumn_daylight_saving_change(qa_lead: User, agent: Agent) -> None:
    # Europe/Rome, 25 October 2026: 00:30 UTC is 02:30 summer time, 01:30 UTC is 02:30 winter time.
    for hour in (0, 1):
        f.make_interaction(agent, created_at=datetime(2026, 10, 25, hour, 30, tzinfo=UTC))
    by_hour = kpi_report(actor=qa_lead, by="hour")
    assert [(g.key, g.label, g.contacts) for g in by_hour.groups] == [("2", "02:00–03:00", 2)]
    by_day = kpi_report(actor=qa_lead, by="day", date_from=date(2026, 10, 25), date_to=date(2026, 10, 25))
    assert [(g.key, g.contacts) for g in by_day.groups] == [("2026-10-25", 2)]


def test_the_spring_gap_has_no_two_oclock(qa_lead: User, agent: Agent) -> None:
    # 29 March 2026: 00:59 UTC is 01:59 winter time, 01:00 UTC is 03:00 summer time.
    f.make_interaction(agent, created_at=datetime(2026, 3, 29, 0, 59, tzinfo=UTC))
    f.make_interaction(agent, created_at=datetime(2026, 3, 29, 1, 0, tzinfo=UTC))
    assert [g.key for g in kpi_report(actor=qa_lead, by="hour").groups] == ["1", "3"]


def test_weekdays_are_named_and_in_order(qa_lead: User, agent: Agent) -> None:
    f.make_interaction(agent, created_at=datetime(2026, 11, 8, 12, tzinfo=UTC))  # a Sunday
    f.make_interaction(agent, created_at=datetime(2026, 11, 2, 12, tzinfo=UTC))  # a Monday
    assert [(g.key, g.label) for g in kpi_report(actor=qa_lead, by="weekday").groups] == [("1", "Monday"), ("7", "Sunday")]


def test_targets_show_the_share_of_periods_met_and_mark_the_missed_figure(qa_lead: User, worked: dict[str, Interaction]) -> None:
    KpiTarget.objects.create(kpi="service_level", value=80, period="day")
    KpiTarget.objects.create(kpi="aht_seconds", value=400, period="day", channel="phone")
    report = kpi_report(actor=qa_lead, by="channel", now=NOW, **RANGE)
    service, aht = sorted(report.targets, key=lambda t: t.kpi != "service_level")
    assert (service.met, service.counted, service.share_met, service.missed_streak) == (0, 1, 0.0, 1)
    assert (aht.met, aht.counted, aht.share_met) == (1, 1, 100.0)
    phone = report.groups[0]
    assert phone.missed == ("service_level",)  # 33 % against 80 %; AHT 350 s meets 400 s


def test_it_refuses_an_unknown_grouping_and_a_reversed_range(qa_lead: User) -> None:
    with pytest.raises(ApplicationError):
        kpi_report(actor=qa_lead, by="colour")
    with pytest.raises(ApplicationError):
        kpi_report(actor=qa_lead, by="team", date_from=date(2026, 2, 1), date_to=date(2026, 1, 1))
