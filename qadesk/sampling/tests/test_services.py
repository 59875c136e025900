"""Running a plan: assignments, the run record, the JobRun, no double assignment."""

import pytest

from qadesk.accounts.models import Agent, User
from qadesk.core.errors import PermissionDenied
from qadesk.core.models import JobRun
from qadesk.reviews.models import ReviewAssignment
from qadesk.sampling.models import SamplingPlan, SamplingRunItem
from qadesk.sampling.services import sampling_plan_create, sampling_plan_run
from qadesk.sampling.tests.conftest import WEEK

pytestmark = pytest.mark.django_db


def test_it_assigns_n_per_agent_in_the_plan_proportions(
    plan: SamplingPlan, week_interactions: list[Agent], qa_lead: User
) -> None:
    run = sampling_plan_run(plan=plan, actor=qa_lead, period_start=WEEK)
    assert run is not None and (run.candidates, run.drawn, run.assigned) == (24, 8, 8)
    assert run.per_stratum["counts"] == {"phone": 4, "email": 2, "chat": 2}
    assignments = ReviewAssignment.objects.filter(sampling_item__run=run)
    assert {a.interaction.created_at.date() for a in assignments} <= {WEEK.replace(day=d) for d in range(2, 9)}
    loads = sorted(assignments.values_list("reviewer", flat=True))
    assert abs(loads.count(loads[0]) - loads.count(loads[-1])) <= 1
    assert all(a.due_at is not None and a.assigned_by == qa_lead for a in assignments)


def test_it_draws_the_same_sample_with_the_same_seed(plan: SamplingPlan, week_interactions: list[Agent], qa_lead: User) -> None:
    first = set(
        SamplingRunItem.objects.filter(run=sampling_plan_run(plan=plan, actor=qa_lead, period_start=WEEK)).values_list(
            "assignment__interaction_id", flat=True
        )
    )
    SamplingRunItem.objects.all().delete()
    plan.runs.all().delete()
    ReviewAssignment.objects.all().delete()
    second = set(
        SamplingRunItem.objects.filter(run=sampling_plan_run(plan=plan, actor=qa_lead, period_start=WEEK)).values_list(
            "assignment__interaction_id", flat=True
        )
    )
    assert first == second and len(first) == 8


def test_it_adds_nothing_when_the_period_is_run_twice(plan: SamplingPlan, week_interactions: list[Agent], qa_lead: User) -> None:
    sampling_plan_run(plan=plan, actor=qa_lead, period_start=WEEK)
    assert sampling_plan_run(plan=plan, actor=None, period_start=WEEK) is None
    assert ReviewAssignment.objects.count() == 8
    assert list(JobRun.objects.order_by("id").values_list("status", flat=True)) == ["succeeded", "skipped"]


def test_it_never_gives_agents_their_own_interactions(
    qa_lead: User, agent_user: User, week_interactions: list[Agent], reviewer: User
) -> None:
    agent_user.role = "reviewer"
    agent_user.save()
    plan = sampling_plan_create(actor=qa_lead, reviewers=[agent_user, reviewer], name="p", n_per_agent=3, seed=1)
    sampling_plan_run(plan=plan, actor=qa_lead, period_start=WEEK)
    mine = ReviewAssignment.objects.filter(reviewer=agent_user)
    assert mine.exists() and not mine.filter(interaction__agent__user=agent_user).exists()


def test_it_keeps_reviewers_off_their_team(
    qa_lead: User, team_lead: User, week_interactions: list[Agent], reviewer: User
) -> None:
    team_lead.role = "reviewer"
    team_lead.save()
    plan = sampling_plan_create(
        actor=qa_lead, reviewers=[team_lead, reviewer], name="p", n_per_agent=2, seed=1, exclude_own_team=True
    )
    sampling_plan_run(plan=plan, actor=qa_lead, period_start=WEEK)
    assert not ReviewAssignment.objects.filter(reviewer=team_lead, interaction__agent__team_id=team_lead.team_id).exists()


def test_it_records_a_job_with_counts(plan: SamplingPlan, week_interactions: list[Agent], qa_lead: User) -> None:
    run = sampling_plan_run(plan=plan, actor=qa_lead, period_start=WEEK)
    job = JobRun.objects.get()
    assert run is not None and run.job == job
    assert (job.status, job.counts, job.progress) == ("succeeded", {"candidates": 24, "drawn": 8, "assigned": 8}, 100)
    assert "Drew 8 of 24" in job.log and job.finished_at is not None


def test_it_records_a_failed_job(plan: SamplingPlan, week_interactions: list[Agent], agent_user: User) -> None:
    plan.created_by = agent_user
    with pytest.raises(PermissionDenied):
        sampling_plan_run(plan=plan, actor=None, period_start=WEEK)
    assert JobRun.objects.get().status == "failed" and not plan.runs.exists()


def test_it_lets_only_qa_leads_create_plans(reviewer: User) -> None:
    with pytest.raises(PermissionDenied):
        sampling_plan_create(actor=reviewer, reviewers=[], name="x", seed=1)
