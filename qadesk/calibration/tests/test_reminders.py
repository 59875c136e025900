"""Reminders before a calibration deadline: once per session, to those still scoring, inside the window, open sessions only."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from qadesk.accounts.models import OrgSettings
from qadesk.calibration.services import calibration_reminders_send, calibration_score_submit, calibration_session_close
from qadesk.calibration.tasks import send_calibration_reminders
from qadesk.calibration.tests.helpers import open_session, top_ratings
from qadesk.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _emails_sent_as_queued(settings) -> None:
    """Notification e-mails are background jobs: here they run as they are queued, so the outbox shows them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def half_scored(session, reviewer, reviewer2, default_scorecard):
    """dario scored both items, gina one, ines (the expert) none."""
    first, second = session.items.all()
    for item in (first, second):
        calibration_score_submit(item=item, actor=reviewer, ratings=top_ratings(default_scorecard))
    calibration_score_submit(item=first, actor=reviewer2, ratings=top_ratings(default_scorecard))
    return session


def _reminded() -> set[str]:
    return set(Notification.objects.filter(kind="calibration_reminder").values_list("recipient__username", flat=True))


def test_it_reminds_only_those_still_scoring_once(half_scored, reviewer2, django_capture_on_commit_callbacks) -> None:
    reviewer2.email = "gina@example.com"
    reviewer2.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert calibration_reminders_send(now=half_scored.deadline - timedelta(hours=23)) == 2
    assert _reminded() == {"gina", "ines"}
    note = Notification.objects.filter(kind="calibration_reminder").first()
    assert note.url == reverse("calibration:detail", args=[half_scored.pk])
    assert "November calibration" in note.subject
    assert [m.to for m in mail.outbox] == [["gina@example.com"]]
    assert f"/calibration/{half_scored.pk}/" in mail.outbox[0].body
    assert calibration_reminders_send(now=half_scored.deadline - timedelta(hours=1)) == 0
    half_scored.refresh_from_db()
    assert half_scored.reminder_sent_at == half_scored.deadline - timedelta(hours=23)
    assert Notification.objects.filter(kind="calibration_reminder").count() == 2


def test_it_waits_for_the_window_and_follows_the_setting(half_scored) -> None:
    assert calibration_reminders_send(now=half_scored.deadline - timedelta(hours=25)) == 0
    OrgSettings.objects.filter(pk=OrgSettings.load().pk).update(calibration_reminder_hours=48)
    assert calibration_reminders_send(now=half_scored.deadline - timedelta(hours=47)) == 2


def test_it_never_reminds_when_the_setting_is_zero(half_scored) -> None:
    OrgSettings.objects.filter(pk=OrgSettings.load().pk).update(calibration_reminder_hours=0)
    assert calibration_reminders_send(now=half_scored.deadline - timedelta(hours=1)) == 0
    assert _reminded() == set()


def test_it_does_not_remind_after_the_deadline_or_for_a_closed_session(half_scored, qa_lead) -> None:
    assert calibration_reminders_send(now=half_scored.deadline + timedelta(minutes=1)) == 0
    calibration_session_close(session=half_scored, actor=qa_lead)
    assert calibration_reminders_send(now=half_scored.deadline - timedelta(hours=2)) == 0
    assert _reminded() == set()


def test_it_does_not_remind_a_session_opened_inside_the_window(
    qa_lead, default_scorecard, interaction, reviewer, reviewer2
) -> None:
    soon = timezone.now() + timedelta(hours=6)
    late = open_session(qa_lead, default_scorecard, [interaction], [reviewer, reviewer2], deadline=soon)
    assert calibration_reminders_send(now=late.deadline - timedelta(hours=5)) == 0


def test_it_sends_nobody_a_reminder_when_everyone_has_finished(session, reviewer, reviewer2, expert, default_scorecard) -> None:
    for item in session.items.all():
        for person in (reviewer, reviewer2, expert):
            calibration_score_submit(item=item, actor=person, ratings=top_ratings(default_scorecard))
    assert calibration_reminders_send(now=session.deadline - timedelta(hours=2)) == 0
    session.refresh_from_db()
    assert session.reminder_sent_at is not None  # checked once; nothing to send


def test_it_runs_as_the_periodic_task(session, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert send_calibration_reminders.call() == 0  # three days before the deadline: not yet
    session.deadline = timezone.now() + timedelta(hours=3)
    session.created_at = timezone.now() - timedelta(days=2)
    session.save()
    assert send_calibration_reminders.enqueue().return_value == 3


def test_each_participant_is_reminded_in_their_own_language(half_scored, reviewer2, django_capture_on_commit_callbacks) -> None:
    reviewer2.language, reviewer2.email = "fr", "gina@example.com"
    reviewer2.save()
    with django_capture_on_commit_callbacks(execute=True):
        calibration_reminders_send(now=half_scored.deadline - timedelta(hours=23))
    note = Notification.objects.get(kind="calibration_reminder", recipient=reviewer2)
    assert note.subject.startswith("Rappel") and "November calibration" in note.subject
    assert mail.outbox[0].subject == f"[qadesk] {note.subject}"
