"""The competence report over a small scene: figures, benchmarks, losses and who sees whom."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qadesk.accounts.models import Role, User
from qadesk.competence.models import CompetenceSettings
from qadesk.competence.selectors import competence_agent, competence_overall, competence_report, training_results
from qadesk.competence.tests.conftest import Scene
from qadesk.competence.tests.factories import complete, reviewed, survey_answers
from qadesk.core.errors import ApplicationError
from qadesk.scorecards.models import ScorecardVersion
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


def test_it_rates_each_agent_with_visible_parts(scene: Scene, manager: User) -> None:
    report = competence_report(actor=manager)
    alice = next(a for a in report.agents if a.agent_id == scene.agent.pk)
    assert alice.rating.training_score == pytest.approx(100.0)
    assert alice.criteria_mean == pytest.approx(80.0) and alice.criteria_n == 2
    assert alice.survey_mean == pytest.approx(4.5) and alice.survey_n == 2
    assert alice.rating.delivery_score == pytest.approx(83.75)
    assert alice.rating.value == pytest.approx(50 * 100 / 80 + 50 * 83.75 / 80)
    bob = next(a for a in report.agents if a.agent_id == scene.other.pk)
    assert bob.rating.training_score == pytest.approx(40.0)
    assert [c.code for c in bob.missing] == ["tools"]
    assert bob.rating.value == pytest.approx(25.0 + 62.5)
    assert [a.agent_id for a in report.below] == [scene.other.pk]


def test_it_names_the_criteria_where_points_are_lost_and_the_courses_covering_them(scene: Scene, manager: User) -> None:
    alice = competence_agent(actor=manager, agent_id=scene.agent.pk)
    assert [(loss.code, loss.mean) for loss in alice.losses] == [("right_sop", 80.0)]  # clear_courteous is no competence
    assert [c.code for c in alice.courses_for_losses["right_sop"]] == ["sop"]


def test_it_uses_the_organisation_median_as_benchmark_when_the_admin_chose_it(scene: Scene, manager: User) -> None:
    CompetenceSettings.objects.filter(pk=1).update(mode="organisation")
    report = competence_report(actor=manager)
    assert report.training_benchmark == pytest.approx(70.0)  # median of 100 and 40
    assert report.delivery_benchmark == pytest.approx((83.75 + 100) / 2)


def test_it_groups_by_team_and_site(scene: Scene, manager: User) -> None:
    report = competence_report(actor=manager)
    assert [(g.label, g.n, g.below) for g in report.sites] == [("Lyon", 1, 1), ("Milano", 1, 0)]
    assert {g.label for g in report.teams} == {"Lyon Livraisons", "Milano Ordini"}


def test_an_agent_sees_only_themself_and_a_team_lead_their_team(scene: Scene, agent_user: User, team_lead: User) -> None:
    assert [a.agent_id for a in competence_report(actor=agent_user).agents] == [scene.agent.pk]
    assert [a.agent_id for a in competence_report(actor=team_lead).agents] == [scene.agent.pk]
    with pytest.raises(Http404):
        competence_agent(actor=agent_user, agent_id=scene.other.pk)


def test_a_rating_does_not_depend_on_who_looks(scene: Scene, agent_user: User, manager: User) -> None:
    CompetenceSettings.objects.filter(pk=1).update(mode="organisation")
    own = competence_report(actor=agent_user).agents[0]
    seen = next(a for a in competence_report(actor=manager).agents if a.agent_id == scene.agent.pk)
    assert own.rating == seen.rating


def test_a_reviewer_sees_no_rating(scene: Scene, reviewer: User) -> None:
    assert competence_report(actor=reviewer).agents == []


def test_the_overall_figure_is_the_mean_rating(scene: Scene) -> None:
    today = competence_report(actor=User(role="admin", is_superuser=True)).date_to
    overall = competence_overall(date(today.year - 1, today.month, 1), today)
    assert overall == pytest.approx(((62.5 + 52.34375) + 87.5) / 2)
    assert competence_overall(date(2000, 1, 1), date(2000, 1, 31)) is None


def test_the_executive_summarys_headline_is_the_overall_rating(scene: Scene) -> None:
    from qadesk.executive.headlines import BY_CODE

    today = competence_report(actor=User(role="admin", is_superuser=True)).date_to
    measure = BY_CODE["competence"].measure(date(today.year - 1, today.month, 1), today)
    assert measure is not None and measure.value == pytest.approx(((62.5 + 52.34375) + 87.5) / 2)


def test_the_reports_query_count_does_not_grow_with_the_number_of_agents(
    scene: Scene, manager: User, team_lead: User, default_scorecard: ScorecardVersion, reviewer: User
) -> None:
    def queries(actor: User) -> int:
        with CaptureQueriesContext(connection) as captured:
            competence_report(actor=actor)
        return len(captured.captured_queries)

    few = {actor.pk: queries(actor) for actor in (manager, team_lead)}
    for i in range(5):  # more agents, each with a login, a completion, a competence rating and survey answers
        extra = f.make_agent(f"x.agent{i}", scene.agent.team, f.make_user(f"xuser{i}", Role.AGENT, scene.agent.team))
        complete(extra, scene.sop, timezone.localdate() - timedelta(days=5))
        reviewed(extra, default_scorecard, reviewer, {"right_sop": 50.0})
        survey_answers(extra, [3])
    assert len(competence_report(actor=manager).agents) == 7
    assert {actor.pk: queries(actor) for actor in (manager, team_lead)} == few


def test_it_refuses_a_period_that_ends_before_it_starts(manager: User) -> None:
    with pytest.raises(ApplicationError):
        competence_report(actor=manager, date_from=date(2026, 2, 1), date_to=date(2026, 1, 1))


def test_it_sets_training_days_against_results(scene: Scene, manager: User) -> None:
    found = training_results(actor=manager)
    rows = {r["agent_id"]: r for r in found.agents}
    assert rows[scene.agent.pk]["training_days"] == 5.0
    assert rows[scene.agent.pk]["iqs"] == pytest.approx(80.0)
    assert rows[scene.other.pk]["training_days"] == 5.0  # days trained, valid or not
    assert found.associations["iqs"].n == 2 and found.associations["iqs"].r is None  # below 3 agents: no r
    assert [c["code"] for c in found.courses] == ["sop", "tools"]  # alice's completions 10 days ago
