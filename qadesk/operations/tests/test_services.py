"""Targets: who may set them, and the alert when one is missed period after period (sent once)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from qadesk.accounts.models import Agent, Role, User
from qadesk.core.errors import ApplicationError
from qadesk.notifications.models import Notification
from qadesk.operations.models import KpiTarget, TargetAlert
from qadesk.operations.services import complete_periods, target_alerts_send, target_save
from qadesk.operations.tasks import send_kpi_target_alerts
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 4, 12, 0, tzinfo=UTC)


def _call(agent: Agent, day: int, *, wait: int) -> None:
    queued = datetime(2026, 11, day, 10, 0, tzinfo=UTC)
    f.make_interaction(agent, channel="phone", created_at=queued, queued_at=queued, answered_at=queued + timedelta(seconds=wait))


def test_complete_periods_end_before_today() -> None:
    today = date(2026, 11, 4)  # a Wednesday
    assert complete_periods("day", count=2, today=today) == [
        (date(2026, 11, 2), date(2026, 11, 2)),
        (date(2026, 11, 3), date(2026, 11, 3)),
    ]
    assert complete_periods("week", count=1, today=today) == [(date(2026, 10, 26), date(2026, 11, 1))]
    assert complete_periods("month", count=2, today=today) == [
        (date(2026, 9, 1), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2026, 10, 31)),
    ]


def test_a_target_missed_two_days_running_notifies_the_qa_lead_and_the_team_lead_once(
    qa_lead: User, team_lead: User, agent: Agent, other_team_agent: Agent
) -> None:
    elsewhere = f.make_user("lead.lyon", Role.TEAM_LEAD, other_team_agent.team)
    site_target = KpiTarget.objects.create(kpi="asa_seconds", value=20, period="day", alert_after=2, site=agent.site)
    for day in (2, 3):
        _call(agent, day, wait=60)  # ASA 60 s against 20 s, both days
    assert target_alerts_send(now=NOW) == 1
    notified = set(Notification.objects.filter(kind="kpi_target_missed").values_list("recipient__username", flat=True))
    assert notified == {qa_lead.username, team_lead.username}  # not the lead of the other site
    assert elsewhere.username not in notified
    subject = Notification.objects.filter(recipient=qa_lead).get().subject
    assert subject == "Target missed 2 periods in a row: Average speed of answer (s) Milano (last 60.0, target 20.0)"
    assert target_alerts_send(now=NOW) == 0  # run again: nothing new
    assert TargetAlert.objects.get().target == site_target
    assert Notification.objects.count() == 2


def test_a_streak_broken_by_a_met_period_sends_nothing(qa_lead: User, agent: Agent) -> None:
    KpiTarget.objects.create(kpi="asa_seconds", value=20, period="day", alert_after=2)
    _call(agent, 2, wait=60)
    _call(agent, 3, wait=10)
    assert target_alerts_send(now=NOW) == 0
    assert not Notification.objects.exists()


def test_a_period_without_contacts_is_not_a_miss(qa_lead: User, agent: Agent) -> None:
    KpiTarget.objects.create(kpi="asa_seconds", value=20, period="day", alert_after=2)
    _call(agent, 3, wait=60)
    assert target_alerts_send(now=NOW) == 0


def test_the_periodic_job_calls_the_service(qa_lead: User) -> None:
    assert send_kpi_target_alerts.call() == 0


def test_only_admins_and_qa_leads_set_targets(team_lead: User, qa_lead: User) -> None:
    with pytest.raises(ApplicationError):
        target_save(actor=team_lead, kpi="fcr_rate", value=70)
    target = target_save(actor=qa_lead, kpi="fcr_rate", value=70)
    changed = target_save(actor=qa_lead, kpi="fcr_rate", value=75, target=target)
    assert (changed.pk, changed.value, KpiTarget.objects.count()) == (target.pk, 75, 1)


def test_the_demo_sets_its_targets_once_however_often_it_loads() -> None:
    from qadesk.demo.targets import TARGETS, demo_targets_create

    assert demo_targets_create() == demo_targets_create() == len(TARGETS)
    assert KpiTarget.objects.count() == len(TARGETS)
    service = KpiTarget.objects.get(kpi="service_level")
    assert (service.channel, service.value, service.threshold_seconds) == ("phone", 50.0, 120)
