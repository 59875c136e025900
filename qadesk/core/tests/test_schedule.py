"""The scheduler: which periodic jobs exist, and a tick enqueues exactly the due ones, once per interval."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task_backends

from qadesk.core import schedule
from qadesk.core.models import PeriodicJobState

pytestmark = pytest.mark.django_db

SAMPLING = "qadesk.sampling.tasks.enqueue_due_sampling_plans"
REMINDERS = "qadesk.calibration.tasks.send_calibration_reminders"
EMAILS = "qadesk.notifications.tasks.retry_notification_emails"
CONNECTORS = "qadesk.connectors.tasks.enqueue_due_connector_syncs"
COMPLAINTS = "qadesk.complaints.tasks.notify_overdue_complaints"
KPI_TARGETS = "qadesk.operations.tasks.send_kpi_target_alerts"
PHONE_LEVELS = "qadesk.phoneline.tasks.send_delivery_level_alerts"
SURVEYS = "qadesk.surveys.tasks.survey_invitations"
SURVEY_FOLD = "qadesk.surveys.tasks.survey_rollup_pending_fold"
SEARCH_INDEX = "qadesk.interactions.tasks.message_search_index"
EXECUTIVE = "qadesk.executive.tasks.executive_digests"
CLASSIFIER = "qadesk.autoqa.tasks.retrain_classifier"


@pytest.fixture(autouse=True)
def _dummy_tasks(settings: Any) -> None:
    """Jobs are only recorded, not run, so the test sees exactly what was enqueued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _queued() -> list[str]:
    return [result.task.module_path for result in task_backends["default"].results]  # type: ignore[attr-defined]


def test_it_knows_the_periodic_jobs_of_every_app() -> None:
    jobs = {job.name: job.every for job in schedule.periodic_jobs()}
    assert jobs == {
        SAMPLING: timedelta(minutes=10), REMINDERS: timedelta(minutes=15), EMAILS: timedelta(minutes=1),
        CONNECTORS: timedelta(minutes=5), COMPLAINTS: timedelta(hours=1), KPI_TARGETS: timedelta(hours=1),
        SURVEYS: timedelta(minutes=1), EXECUTIVE: timedelta(hours=1), PHONE_LEVELS: timedelta(hours=1),
        CLASSIFIER: timedelta(days=7), SURVEY_FOLD: timedelta(minutes=1), SEARCH_INDEX: timedelta(minutes=5),
    }  # fmt: skip


def test_it_enqueues_each_job_once_per_interval() -> None:
    start = timezone.now()
    assert schedule.tick(now=start) == [
        CLASSIFIER,
        REMINDERS,
        COMPLAINTS,
        CONNECTORS,
        EXECUTIVE,
        SEARCH_INDEX,
        EMAILS,
        KPI_TARGETS,
        PHONE_LEVELS,
        SAMPLING,
        SURVEYS,
        SURVEY_FOLD,
    ]
    assert schedule.tick(now=start) == []  # a second scheduler ticking at the same time
    assert schedule.tick(now=start + timedelta(seconds=59)) == []
    assert schedule.tick(now=start + timedelta(minutes=1)) == [EMAILS, SURVEYS, SURVEY_FOLD]
    assert schedule.tick(now=start + timedelta(minutes=10)) == [CONNECTORS, SEARCH_INDEX, EMAILS, SAMPLING, SURVEYS, SURVEY_FOLD]
    assert schedule.tick(now=start + timedelta(minutes=15)) == [REMINDERS, CONNECTORS, SEARCH_INDEX, EMAILS, SURVEYS, SURVEY_FOLD]
    expected = (
        [CLASSIFIER, REMINDERS, SAMPLING, SAMPLING, REMINDERS, COMPLAINTS, EXECUTIVE, KPI_TARGETS, PHONE_LEVELS]
        + [EMAILS] * 4
        + [CONNECTORS] * 3
        + [SEARCH_INDEX] * 3
        + [SURVEYS] * 4
        + [SURVEY_FOLD] * 4
    )
    assert sorted(_queued()) == sorted(expected)
    assert PeriodicJobState.objects.get(name=SAMPLING).next_run_at == start + timedelta(minutes=20)


def test_it_retries_a_job_the_queue_refused_at_the_next_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    start = timezone.now()
    backend = task_backends["default"]

    def refuse(*args: object, **kwargs: object) -> None:
        raise ConnectionError("queue down")

    with monkeypatch.context() as patch:
        patch.setattr(backend, "enqueue", refuse)
        assert schedule.tick(now=start) == []
    assert not PeriodicJobState.objects.exists()  # the claims rolled back with the failed enqueue
    assert schedule.tick(now=start + timedelta(minutes=1)) == [
        CLASSIFIER,
        REMINDERS,
        COMPLAINTS,
        CONNECTORS,
        EXECUTIVE,
        SEARCH_INDEX,
        EMAILS,
        KPI_TARGETS,
        PHONE_LEVELS,
        SAMPLING,
        SURVEYS,
        SURVEY_FOLD,
    ]


def test_it_enqueues_the_due_jobs_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("scheduler", "--once")
    call_command("scheduler", "--once")
    queued = [
        *(CLASSIFIER, REMINDERS, COMPLAINTS, CONNECTORS, EXECUTIVE, SEARCH_INDEX, EMAILS, KPI_TARGETS, PHONE_LEVELS),
        *(SAMPLING, SURVEYS),
        SURVEY_FOLD,
    ]
    assert capsys.readouterr().out.splitlines() == [f"queued {name}" for name in queued]
    assert sorted(_queued()) == sorted(queued)
