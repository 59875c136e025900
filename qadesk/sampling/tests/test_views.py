"""Sampling pages per persona: QA leads manage plans and run them; reviewers see their plans; agents nothing."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from qadesk.accounts.models import Agent, User
from qadesk.core.models import JobRun, JobStatus
from qadesk.interactions.models import Interaction, Label
from qadesk.reviews.models import ReviewAssignment
from qadesk.sampling.forms import parse_proportions
from qadesk.sampling.models import SamplingPlan, SamplingRun
from qadesk.sampling.services import JOB_KIND, sampling_plan_run
from qadesk.sampling.strata import stratum_code, stratum_label
from qadesk.sampling.tests.conftest import WEEK

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_reads_proportion_lines() -> None:
    assert parse_proportions("Milano|phone = 0.3\n\n email=0.7 ") == {"Milano|phone": 0.3, "email": 0.7}
    assert parse_proportions("phone = 0,3\nemail = 2") == {"phone": 0.3, "email": 2.0}  # as Italian and French write it
    with pytest.raises(ValueError):
        parse_proportions("phone 0.3")


def test_it_lists_plans_to_a_qa_lead_with_a_new_plan_button(plan: SamplingPlan, qa_lead: User) -> None:
    response = _client(qa_lead).get(reverse("sampling:plans"))
    assert response.status_code == 200
    assert "Weekly audit" in response.content.decode() and reverse("sampling:plan_create") in response.content.decode()


def test_it_shows_a_reviewer_their_plans_without_editing(plan: SamplingPlan, reviewer: User) -> None:
    client = _client(reviewer)
    assert "Weekly audit" in client.get(reverse("sampling:plans")).content.decode()
    detail = client.get(reverse("sampling:plan", args=[plan.pk])).content.decode()
    assert reverse("sampling:plan_run", args=[plan.pk]) not in detail
    assert client.get(reverse("sampling:plan_edit", args=[plan.pk])).status_code == 403
    assert client.post(reverse("sampling:plan_run", args=[plan.pk])).status_code == 403


def test_a_plans_page_names_its_dimensions_and_risk_flags_in_the_users_language(plan: SamplingPlan, qa_lead: User) -> None:
    plan.risk_boosts = {"reopened": 3}
    plan.save()
    qa_lead.language = "it"
    qa_lead.save()
    page = _client(qa_lead).get(reverse("sampling:plan", args=[plan.pk])).content.decode()
    with translation.override("it"):
        channel, reopened = gettext("Channel"), gettext("Reopened by the customer")
    assert channel != "Channel" and reopened != "Reopened by the customer"
    assert f"<dd>{channel}</dd>" in page and f"{reopened} ×3" in page and "reopened ×" not in page


@pytest.mark.parametrize("persona", ["agent_user", "team_lead"])
def test_it_hides_sampling_from_agents_and_team_leads(plan: SamplingPlan, persona: str, request: pytest.FixtureRequest) -> None:
    client = _client(request.getfixturevalue(persona))
    assert client.get(reverse("sampling:plans")).status_code == 404
    assert client.get(reverse("sampling:coverage", args=[plan.pk])).status_code == 404


def test_it_lets_a_manager_read_but_not_create(plan: SamplingPlan, manager: User) -> None:
    client = _client(manager)
    assert client.get(reverse("sampling:plan", args=[plan.pk])).status_code == 200
    assert client.get(reverse("sampling:plan_create")).status_code == 403


def test_it_creates_a_plan_from_the_form(qa_lead: User, reviewer: User) -> None:
    for code in ("billing", "refund"):
        Label.objects.create(code=code)
    data = {
        "name": "Phones first",
        "n_per_agent": "3",
        "period": "month",
        "strata_by": ["channel"],
        "proportions": "phone = 0.7\nemail = 0.3",
        "labels": "billing, refund",
        "boost_reassigned": "3",
        "boost_reopened": "2",
        "reviewers": [str(reviewer.pk)],
        "exclude_own_team": "on",
        "due_days": "5",
        "seed": "42",
        "auto_run": "on",
        "is_active": "on",
    }
    response = _client(qa_lead).post(reverse("sampling:plan_create"), data)
    plan = SamplingPlan.objects.get(name="Phones first")
    assert response.status_code == 302 and response["Location"] == reverse("sampling:plan", args=[plan.pk])
    assert plan.strata == {"by": ["channel"], "proportions": {"phone": 0.7, "email": 0.3}}
    assert plan.filters == {"labels": ["billing", "refund"]} and plan.risk_boosts == {"reassigned": 3.0, "reopened": 2.0}
    assert (plan.seed, plan.exclude_own_team, plan.auto_run, list(plan.reviewers.all())) == (42, True, True, [reviewer])


def test_it_shows_form_errors_instead_of_saving(qa_lead: User, reviewer: User) -> None:
    data = {"name": "Bad", "n_per_agent": "3", "period": "week", "strata_by": ["channel"], "proportions": "phone 0.7"}
    data |= {"reviewers": [str(reviewer.pk)], "due_days": "5"}
    response = _client(qa_lead).post(reverse("sampling:plan_create"), data)
    assert response.status_code == 200 and "Cannot read this line" in response.content.decode()
    assert not SamplingPlan.objects.filter(name="Bad").exists()


def test_a_plan_stratified_without_shares_is_refused_in_the_users_language(qa_lead: User, reviewer: User) -> None:
    qa_lead.language = "fr"
    qa_lead.save()
    data = {"name": "Canaux", "n_per_agent": "3", "period": "week", "strata_by": ["channel"], "proportions": ""}
    data |= {"reviewers": [str(reviewer.pk)], "due_days": "5"}
    response = _client(qa_lead).post(reverse("sampling:plan_create"), data)
    with translation.override("fr"):
        expected = gettext("Give the share of each stratum to draw, one per line, such as “{example} = 50”.")
    assert not expected.startswith("Give")  # translated
    assert response.status_code == 200
    assert response.context["form"].errors["proportions"] == [expected.format(example="phone")]
    assert not SamplingPlan.objects.filter(name="Canaux").exists()


@pytest.mark.parametrize(("language", "share"), [("en", "Phone = 0.5"), ("it", "Telefono = 0,5")])
def test_it_edits_a_plan_keeping_its_settings(plan: SamplingPlan, qa_lead: User, language: str, share: str) -> None:
    qa_lead.language = language
    qa_lead.save()
    client = _client(qa_lead)
    form = client.get(reverse("sampling:plan_edit", args=[plan.pk])).context["form"]
    # shown with the channel's name and the user's decimal separator, read back as the code
    assert share in form.initial["proportions"].splitlines()
    data = {k: v for k, v in form.initial.items() if v not in (None, "", [])}
    data |= {"n_per_agent": "6", "reviewers": [str(pk) for pk in form.initial["reviewers"]], "is_active": "on"}
    assert client.post(reverse("sampling:plan_edit", args=[plan.pk]), data).status_code == 302
    plan.refresh_from_db()
    assert plan.n_per_agent == 6 and plan.seed == 1234 and plan.strata["proportions"]["phone"] == 0.5


def test_it_runs_now_and_shows_the_job(
    plan: SamplingPlan, week_interactions: list[Agent], qa_lead: User, django_capture_on_commit_callbacks: object
) -> None:
    plan.period = "day"  # the immediate backend draws yesterday: nothing there, but the job records it
    plan.save()
    client = _client(qa_lead)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post(reverse("sampling:plan_run", args=[plan.pk]))
    job = JobRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("sampling:job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert job.get_status_display() in page and "Drew 0 of 0 interactions" in page
    assert "<dt>Candidates</dt><dd>0</dd>" in page and "<dt>Assigned</dt><dd>0</dd>" in page


def test_the_job_page_names_its_counts_in_the_users_language(plan: SamplingPlan, qa_lead: User) -> None:
    qa_lead.language = "fr"
    qa_lead.save()
    job = JobRun.objects.create(kind=JOB_KIND, created_by=qa_lead, counts={"candidates": 24, "drawn": 8, "assigned": 7})
    page = _client(qa_lead).get(reverse("sampling:job", args=[job.pk])).content.decode()
    with translation.override("fr"):
        drawn = str(SamplingRun._meta.get_field("drawn").verbose_name)
    assert drawn != "drawn" and f"<dt>{drawn.capitalize()}</dt><dd>8</dd>" in page


def test_it_shows_what_a_run_drew_per_stratum_and_its_log(
    plan: SamplingPlan, week_interactions: list[Agent], qa_lead: User
) -> None:
    run = sampling_plan_run(plan=plan, actor=qa_lead, period_start=WEEK)
    assert run is not None
    response = _client(qa_lead).get(reverse("sampling:run", args=[run.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and len(response.context["items"]) == 8
    assert ("phone", 4, 4.0) in response.context["strata"]
    assert "Drew 8 of 24 interactions; assigned 8." in page and "1234" in page


def test_a_weekly_run_is_named_by_its_seven_days_not_eight(
    plan: SamplingPlan, week_interactions: list[Agent], qa_lead: User
) -> None:
    run = sampling_plan_run(plan=plan, actor=qa_lead, period_start=WEEK)
    assert run is not None and (run.period_end - run.period_start).days == 7  # stored: the first day after the week
    last = WEEK + timedelta(days=6)
    expected = f"{WEEK:%-d} {WEEK:%b} {WEEK:%Y} – {last:%-d} {last:%b} {last:%Y}"
    assert f"Draw of {expected}" in _client(qa_lead).get(reverse("sampling:run", args=[run.pk])).content.decode()
    listed = _client(qa_lead).get(reverse("sampling:plan", args=[plan.pk])).content.decode()
    assert expected in listed and f"{run.period_end:%-d} {run.period_end:%b}" not in listed


def test_run_now_on_a_drawn_period_says_so_and_links_to_that_draw(
    plan: SamplingPlan, week_interactions: list[Agent], qa_lead: User
) -> None:
    qa_lead.language = "it"
    qa_lead.save()
    run = sampling_plan_run(plan=plan, actor=qa_lead, period_start=WEEK)
    again = JobRun.objects.create(kind=JOB_KIND, created_by=qa_lead, params={"plan": plan.pk, "period_start": str(WEEK)})
    assert run is not None and sampling_plan_run(plan=plan, actor=qa_lead, period_start=WEEK, job=again) is None
    again.refresh_from_db()
    assert again.status == JobStatus.SKIPPED
    page = _client(qa_lead).get(reverse("sampling:job", args=[again.pk])).content.decode()
    with translation.override("it"):
        label = gettext("See the earlier draw of this period")
    assert label != "See the earlier draw of this period"
    assert f'href="{reverse("sampling:run", args=[run.pk])}">{label}</a>' in page
    assert "2 nov 2026" in page and "2026-11-02" not in page  # the period and the log, as dates read in Italian


def test_a_run_says_which_risk_flags_each_drawn_interaction_carried(
    plan: SamplingPlan, week_interactions: list[Agent], qa_lead: User
) -> None:
    Interaction.objects.filter(channel="phone").update(reopens=1)  # phone is half of each agent's sample
    plan.risk_boosts = {"reopened": 5}
    plan.save()
    run = sampling_plan_run(plan=plan, actor=qa_lead, period_start=WEEK)
    assert run is not None
    flags = {item.assignment.interaction.channel: item.risk_flags for item in run.items.select_related("assignment__interaction")}
    assert flags == {"phone": ["reopened"], "email": [], "chat": []}
    page = _client(qa_lead).get(reverse("sampling:run", args=[run.pk])).content.decode()
    assert page.count('<span class="badge badge-low">Reopened by the customer</span>') == 4


def test_it_reports_coverage_per_agent_and_never_sampled_strata(
    plan: SamplingPlan, week_interactions: list[Agent], qa_lead: User
) -> None:
    run = sampling_plan_run(plan=plan, actor=qa_lead, period_start=WEEK)
    ReviewAssignment.objects.filter(pk=ReviewAssignment.objects.first().pk).update(status="done")  # type: ignore[union-attr]
    response = _client(qa_lead).get(reverse("sampling:coverage", args=[plan.pk]), {"run": run.pk})  # type: ignore[union-attr]
    coverage = response.context["coverage"]
    assert response.status_code == 200
    assert (
        sum(r["planned"] for r in coverage["groups"]["agent"]) == 8 and sum(r["done"] for r in coverage["groups"]["agent"]) == 1
    )
    # One of an agent's 4 planned reviews done: 25 %, a percentage as on every other page.
    assert sorted(r["coverage"] for r in coverage["groups"]["agent"]) == [0.0, 25.0]
    assert "25 %" in response.content.decode()


def test_it_hides_jobs_from_reviewers(plan: SamplingPlan, reviewer: User, qa_lead: User) -> None:
    job = JobRun.objects.create(kind="sampling", created_by=qa_lead)
    assert _client(reviewer).get(reverse("sampling:job", args=[job.pk])).status_code == 404
    assert _client(qa_lead).get(reverse("sampling:job", args=[job.pk]), HTTP_HX_REQUEST="true").status_code == 200


def test_a_waiting_job_says_when_no_worker_is_running(plan: SamplingPlan, qa_lead: User, settings) -> None:
    from django.utils import timezone

    from qadesk.core.models import WorkerHeartbeat

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # jobs wait for a worker
    job = JobRun.objects.create(kind=JOB_KIND, created_by=qa_lead, params={"plan": plan.pk})
    client = _client(qa_lead)
    page = client.get(reverse("sampling:job", args=[job.pk])).content.decode()
    assert page.count("No background worker has been seen yet") == 1 and "<code>qadesk worker</code>" in page
    polled = client.get(reverse("sampling:job", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "No background worker has been seen yet" in polled  # the card htmx refreshes says it too
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w", host="h", pid=1, backend="db", started_at=now, last_seen_at=now)
    assert "No background worker" not in client.get(reverse("sampling:job", args=[job.pk])).content.decode()
    WorkerHeartbeat.objects.all().delete()
    JobRun.objects.filter(pk=job.pk).update(status="succeeded")
    assert "No background worker" not in client.get(reverse("sampling:job", args=[job.pk])).content.decode()


def test_strata_show_channel_names_in_the_users_language_and_read_them_back(
    qa_lead: User, reviewer: User, week_interactions: list[Agent]
) -> None:
    qa_lead.language = "fr"
    qa_lead.save()
    client = _client(qa_lead)
    data = {"name": "Canaux", "n_per_agent": "2", "period": "week", "strata_by": ["channel"], "due_days": "5"}
    data |= {"reviewers": [str(reviewer.pk)], "proportions": "Selfcare / bot = 1\nphone = 2\nchat = 1"}
    assert client.post(reverse("sampling:plan_create"), data).status_code == 302
    plan = SamplingPlan.objects.get(name="Canaux")
    assert plan.strata["proportions"] == {"self_service": 1.0, "phone": 2.0, "chat": 1.0}
    page = client.get(reverse("sampling:plan", args=[plan.pk])).content.decode()
    assert "Selfcare / bot 1" in page and "self_service" not in page
    form = client.get(reverse("sampling:plan_edit", args=[plan.pk])).content.decode()
    assert "Téléphone = 2" in form and "self_service" not in form
    run = sampling_plan_run(plan=plan, actor=qa_lead, period_start=WEEK)
    assert run is not None
    page = client.get(reverse("sampling:run", args=[run.pk])).content.decode()
    assert "<td>Téléphone</td>" in page and "<td>phone</td>" not in page


def test_a_stratum_key_reads_in_the_users_language_and_back() -> None:
    with translation.override("it"):
        assert (
            stratum_label("Milano|self_service|it", ["site", "channel", "language"]) == "Milano · Self-service / bot · Italiano"
        )
        assert stratum_code("Milano · Telefono · italiano", ["site", "channel", "language"]) == "Milano|phone|it"
        assert stratum_code("Lyon|email|fr", ["site", "channel", "language"]) == "Lyon|email|fr"
        assert stratum_label("odd", ["site", "channel"]) == "odd"  # not one value per dimension: left as it is
