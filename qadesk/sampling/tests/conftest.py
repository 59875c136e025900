"""Sampling fixtures: a few agents with interactions in one week, and a plan over them."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from qadesk.accounts.models import Agent, Role, User
from qadesk.sampling.models import SamplingPlan
from qadesk.sampling.services import sampling_plan_create
from qadesk.testing import factories as f

WEEK = date(2026, 11, 2)


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: pytest.FixtureRequest) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # type: ignore[attr-defined]


@pytest.fixture
def week_interactions(agent: Agent, other_team_agent: Agent) -> list[Agent]:
    """Each agent: 12 interactions in WEEK (phone, email, chat in turn), and 3 in the week after."""
    start = timezone.make_aware(datetime(2026, 11, 2, 9))
    for a in (agent, other_team_agent):
        for i in range(12):
            f.make_interaction(a, channel=["phone", "email", "chat"][i % 3], created_at=start + timedelta(hours=i), messages=[])
        for i in range(3):
            f.make_interaction(a, created_at=start + timedelta(days=8, hours=i), messages=[])
    return [agent, other_team_agent]


@pytest.fixture
def second_reviewer(db: None) -> User:
    return f.make_user("giulia", Role.REVIEWER)


@pytest.fixture
def plan(qa_lead: User, reviewer: User, second_reviewer: User) -> SamplingPlan:
    return sampling_plan_create(
        actor=qa_lead,
        reviewers=[reviewer, second_reviewer],
        name="Weekly audit",
        n_per_agent=4,
        period="week",
        strata={"by": ["channel"], "proportions": {"phone": 0.5, "email": 0.25, "chat": 0.25}},
        seed=1234,
        due_days=3,
    )
