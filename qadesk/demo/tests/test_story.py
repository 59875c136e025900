"""The demo's first hour: every reviewer has a queue (some overdue), disputes open and decided, a closed and an open
calibration session, two sampling plans with runs, a few unread notifications; the loader says what it does."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from qadesk.accounts.models import User
from qadesk.calibration.models import CalibrationSession, SessionStatus
from qadesk.demo import catalogue as cat
from qadesk.disputes.models import Dispute, DisputeStatus
from qadesk.notifications.models import Notification
from qadesk.reviews.models import AssignmentStatus, CoachingNote, Review, ReviewAssignment
from qadesk.sampling.models import SamplingPlan
from qadesk.testing.databases import kept_for_the_module

pytestmark = pytest.mark.django_db

SMALL = ["--interactions", "300", "--reviews", "30", "--days", "30", "--end", "2026-11-30T12:00"]


def _load() -> str:
    out = StringIO()
    call_command("demo", *SMALL, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def output(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The demo, loaded once for the module (each test's writes are rolled back to it)."""
    yield from kept_for_the_module(django_db_blocker, _load)


def test_every_reviewer_has_a_queue_with_some_overdue(output: str) -> None:
    now = timezone.now()
    for name in cat.REVIEWERS:
        queue = ReviewAssignment.objects.filter(reviewer__username=name, status=AssignmentStatus.OPEN)
        assert queue.exists(), name
        assert queue.filter(due_at__lt=now).exists(), name


def test_there_are_open_overdue_and_decided_disputes_raised_by_the_agent_logins(output: str) -> None:
    disputes = Dispute.objects.all()
    assert disputes.exclude(status=DisputeStatus.DECIDED).exists()
    assert disputes.exclude(status=DisputeStatus.DECIDED).filter(due_at__lt=timezone.now()).exists()
    assert set(disputes.filter(status=DisputeStatus.DECIDED).values_list("outcome", flat=True)) == {"accepted", "rejected"}
    assert set(disputes.values_list("raised_by__username", flat=True)) <= {"agent.it", "agent.fr"}
    for dispute in disputes.select_related("review"):  # opened within the window after the (moved) submission
        assert dispute.review.submitted_at <= dispute.created_at <= dispute.review.submitted_at + timezone.timedelta(days=7)
    assert CoachingNote.objects.filter(review__agent__user__username="agent.fr").exists()
    assert Review.objects.filter(agent__user__username="agent.it", acknowledged_at__isnull=True, status="submitted").exists()


def test_there_is_a_closed_and_an_open_calibration_session(output: str) -> None:
    closed = CalibrationSession.objects.get(status=SessionStatus.CLOSED)
    assert closed.scores.values("reviewer").distinct().count() == 4  # three reviewers and the benchmark
    assert CalibrationSession.objects.filter(status=SessionStatus.OPEN, deadline__gt=timezone.now()).exists()


def test_there_are_two_sampling_plans_with_runs(output: str) -> None:
    plans = SamplingPlan.objects.all()
    assert plans.count() == 2
    assert all(plan.runs.exists() for plan in plans)
    assert ReviewAssignment.objects.filter(sampling_item__isnull=False).exists()


def test_a_few_notifications_are_unread(output: str) -> None:
    for user in User.objects.filter(username__in=["reviewer1", "qa", "agent.it"]):
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        assert 1 <= unread <= 3, user.username


def test_the_loader_prints_a_line_per_stage_with_counts_and_percent(output: str) -> None:
    for stage in (
        "Organisation: 40 agents",
        "Interactions: 30 of 300 (10 %)",
        "(100 %)",
        "Reviews: 30 submitted",
        "Review queues:",
    ):
        assert stage in output, stage
    assert "Calibration: 2 sessions" in output and "Sampling: 2 plans" in output


def test_the_same_seed_and_end_give_the_same_story_again_with_force(output: str) -> None:
    def story() -> tuple[list[tuple[str, str]], list[tuple[str, str]], int]:
        disputes = sorted(Dispute.objects.values_list("review__interaction__external_id", "status"))
        queues = sorted(
            ReviewAssignment.objects.filter(sampling_item__isnull=True).values_list(
                "reviewer__username", "interaction__external_id"
            )
        )
        return disputes, queues, CalibrationSession.objects.count()

    first = story()
    call_command("demo", *SMALL, "--force", stdout=StringIO())
    assert story() == first
    assert SamplingPlan.objects.count() == 2
