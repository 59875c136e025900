"""Notification e-mails are background jobs: the request that notifies never waits for the SMTP server, a failed e-mail
is tried again with growing waits by the periodic sweep and finally marked failed, where admins see it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from qadesk.notifications.models import Notification
from qadesk.notifications.services import MAX_ATTEMPTS, RETRY_DELAYS, notification_email, notification_emails_retry, notify
from qadesk.notifications.tests.conftest import Mailbox, _use_smtp, free_port
from qadesk.reviews.services import review_create, review_save
from qadesk.reviews.tests.helpers import perfect_ratings
from qadesk.reviews.tests.test_api import bearer

SLOW_SECONDS = 3.0
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SEND = "qadesk.notifications.tasks.send_notification_email"


class SlowMailbox(Mailbox):
    """An SMTP server that takes SLOW_SECONDS to accept each message."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(SLOW_SECONDS)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp(settings: Any) -> Iterator[Mailbox]:
    mailbox = SlowMailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    _use_smtp(settings, controller.port)
    settings.TASKS = DATABASE_QUEUE  # the real queue: jobs wait for a worker
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.mark.django_db(transaction=True)
def test_a_slow_smtp_server_does_not_slow_the_request_and_a_worker_sends_the_email(
    slow_smtp, default_scorecard, interaction, reviewer, agent_user
) -> None:
    agent_user.email = "alice@example.com"
    agent_user.save()
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard))
    started = time.monotonic()
    response = bearer(reviewer).post(f"/api/v1/reviews/{review.pk}/submit")
    took = time.monotonic() - started
    assert response.status_code == 200, response.content
    assert took < SLOW_SECONDS / 2, f"the request took {took:.2f} s"
    note = Notification.objects.get(kind="review_submitted")
    assert note.emailed_at is None and slow_smtp.messages == []
    assert DBTaskResult.objects.filter(task_path=SEND, status="READY").count() == 1
    call_command("worker", batch=True)  # `qadesk worker --batch`: the database queue's worker runs the job
    assert [m["To"] for m in slow_smtp.messages] == ["alice@example.com"]
    note.refresh_from_db()
    assert note.emailed_at is not None and note.email_attempts == 1 and note.email_retry_at is None


@pytest.mark.django_db
def test_a_failed_email_is_tried_again_with_growing_waits_then_marked_failed(
    reviewer, smtp_unreachable, settings, django_capture_on_commit_callbacks
) -> None:
    settings.TASKS = DATABASE_QUEUE
    reviewer.email = "dario@example.com"
    reviewer.save()
    note = notify(recipient=reviewer, kind="k", subject="Hello")
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        tried_at = timezone.now()
        assert notification_email(notification_id=note.pk) is False
        note.refresh_from_db()
        assert note.email_attempts == attempt and "ConnectionRefusedError" in note.email_error
        if attempt < MAX_ATTEMPTS:
            assert note.email_failed_at is None
            waits.append(round((note.email_retry_at - tried_at).total_seconds() / 60))
            assert notification_emails_retry(now=note.email_retry_at - timedelta(seconds=1)) == 0  # not due yet
            with django_capture_on_commit_callbacks(execute=True):
                assert notification_emails_retry(now=note.email_retry_at) == 1
    assert waits == [round(d.total_seconds() / 60) for d in RETRY_DELAYS] == [1, 4, 15, 45]
    assert note.email_failed_at is not None and note.email_retry_at is None and note.emailed_at is None
    assert notification_emails_retry(now=timezone.now() + timedelta(days=1)) == 0  # failed for good: no more tries
    assert DBTaskResult.objects.filter(task_path=SEND).count() == MAX_ATTEMPTS - 1  # the sweep queued each retry


@pytest.mark.django_db
def test_an_email_whose_job_was_lost_is_sent_by_the_sweep_and_only_once(
    reviewer, smtp_server, settings, django_capture_on_commit_callbacks
) -> None:
    reviewer.email = "dario@example.com"
    reviewer.save()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # its job never runs
    note = notify(recipient=reviewer, kind="k", subject="Hello")
    assert notification_emails_retry(now=timezone.now()) == 0  # its job may still be waiting in the queue
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    note.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_emails_retry(now=note.email_retry_at) == 1
    assert notification_email(notification_id=note.pk) is False  # the lost job turning up late sends nothing
    assert [m["Subject"] for m in smtp_server.messages] == ["[qadesk] Hello"]


@pytest.mark.django_db
def test_admins_see_the_failed_emails(client, admin_user, reviewer) -> None:
    failed = notify(recipient=reviewer, kind="k", subject="Lost e-mail")
    Notification.objects.filter(pk=failed.pk).update(email_failed_at=timezone.now(), email_error="SMTPServerDisconnected")
    notify(recipient=reviewer, kind="k", subject="Fine")
    client.force_login(admin_user)
    listed = client.get("/admin/notifications/notification/?email=failed").content.decode()
    assert "Lost e-mail" in listed and "Fine" not in listed
    settings_page = client.get("/account/settings/").content.decode()
    assert "Notification e-mails that failed (30 days)" in settings_page
    assert '?email=failed">1</a>' in settings_page
