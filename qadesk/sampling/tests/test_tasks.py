"""Background runs: immediate backend in tests, and once through the database backend and its worker."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from qadesk.accounts.models import Agent, User
from qadesk.core.models import JobRun
from qadesk.reviews.models import ReviewAssignment
from qadesk.sampling.models import SamplingPlan
from qadesk.sampling.services import sampling_plan_enqueue
from qadesk.sampling.tests.conftest import WEEK

pytestmark = pytest.mark.django_db


def test_it_runs_the_plan_when_the_transaction_commits(
    plan: SamplingPlan, week_interactions: list[Agent], qa_lead: User, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        job = sampling_plan_enqueue(plan=plan, actor=qa_lead, period_start=WEEK)
        assert ReviewAssignment.objects.count() == 0
    job.refresh_from_db()
    assert job.status == "succeeded" and ReviewAssignment.objects.count() == 8


@pytest.mark.django_db(transaction=True)
def test_it_runs_queued_plans_with_the_database_worker(
    plan: SamplingPlan,
    week_interactions: list[Agent],
    qa_lead: User,
    settings: object,
    django_capture_on_commit_callbacks: object,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # type: ignore[attr-defined]
    # A real commit (transactional test): the worker closes and reopens connections like in production.
    with transaction.atomic():
        job = sampling_plan_enqueue(plan=plan, actor=qa_lead, period_start=WEEK)
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.count() == 1 and ReviewAssignment.objects.count() == 0
    call_command("worker", batch=True)
    job.refresh_from_db()
    assert job.status == "succeeded" and ReviewAssignment.objects.count() == 8
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_it_enqueues_due_automatic_plans_once(plan: SamplingPlan, django_capture_on_commit_callbacks: object) -> None:
    plan.auto_run = True
    plan.save()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        call_command("sample", "due")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        call_command("sample", "due")
    assert plan.runs.count() == 1
    assert list(JobRun.objects.values_list("status", flat=True)) == ["succeeded"]


def test_it_runs_a_plan_from_the_command_line(plan: SamplingPlan, week_interactions: list[Agent]) -> None:
    call_command("sample", "run", str(plan.pk), "--period-start", WEEK.isoformat())
    assert plan.runs.get().assigned == 8


def test_the_job_log_is_written_in_the_language_of_who_ran_it(
    plan: SamplingPlan, week_interactions: list[Agent], qa_lead: User, django_capture_on_commit_callbacks: object
) -> None:
    qa_lead.language = "it"
    qa_lead.save()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        job = sampling_plan_enqueue(plan=plan, actor=qa_lead, period_start=WEEK)  # a worker has no request language
    job.refresh_from_db()
    with translation.override("it"):
        expected = gettext("Drew {drawn} of {candidates} interactions; assigned {assigned}.").format(
            drawn=8, candidates=24, assigned=8
        )
    assert expected != "Drew 8 of 24 interactions; assigned 8." and expected in job.log
