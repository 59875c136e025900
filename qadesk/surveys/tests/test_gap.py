"""The gap page, API and CLI over a small hand-worked contact centre: four reviewed and rated contacts in alice's team,
one in bob's, one rated but not reviewed and one reviewed but not rated."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from qadesk.accounts.models import User
from qadesk.interactions.models import Agent, Interaction
from qadesk.reviews.models import Review, ReviewAssignment
from qadesk.scorecards.models import ScorecardVersion
from qadesk.surveys import gap
from qadesk.surveys.gap_selectors import gap_report
from qadesk.surveys.models import QualityTarget, ResponseSource, Survey, SurveyAnswer, SurveyResponse
from qadesk.testing import factories as f
from qadesk.testing.clients import api_client, page_client


def rate(survey: Survey, interaction: Interaction, value: int, code: str = "csat") -> SurveyResponse:
    version = survey.current_version()
    assert version is not None
    response = SurveyResponse.objects.create(
        survey=survey, version=version, interaction=interaction, source=ResponseSource.IMPORT, key=f"k{interaction.pk}{code}"
    )
    SurveyAnswer.objects.create(response=response, question=version.questions.get(code=code), value=value)
    return response


def review(interaction: Interaction, version: ScorecardVersion, reviewer: User, score: float) -> Review:
    return Review.objects.create(
        interaction=interaction,
        scorecard_version=version,
        reviewer=reviewer,
        agent=interaction.agent,
        status="submitted",
        score=score,
        submitted_at=timezone.now(),
    )


@pytest.fixture
def centre(
    post_contact: Survey, agent: Agent, other_team_agent: Agent, default_scorecard: ScorecardVersion, reviewer: User
) -> dict[str, Any]:
    made = {}
    for name, who, score, csat in [
        ("i1", agent, 95, 1),  # we passed it, the customer was unhappy
        ("i2", agent, 40, 5),  # we failed it, the customer was delighted
        ("i3", agent, 85, 4),
        ("i4", other_team_agent, 90, 5),
        ("i5", agent, None, 3),
        ("i6", agent, 70, None),
    ]:
        interaction = f.make_interaction(who, external_id=f"T-{name}")
        if score is not None:
            review(interaction, default_scorecard, reviewer, score)
        if csat is not None:
            rate(post_contact, interaction, csat)
        made[name] = interaction
    return made


def by_label(report: Any) -> dict[str, Any]:
    return {g.label: g for g in report.groups}


def test_it_sets_our_scores_beside_the_customers_per_team(centre, qa_lead, team, other_team) -> None:
    report = gap_report(actor=qa_lead, by="team")
    mine = by_label(report)[team.name]
    assert mine.iqs.n == 4 and mine.iqs.iqs == 72.5  # (95 + 40 + 85 + 70) / 4
    assert mine.pass_rate.value == 50  # 95 and 85 reach the pass mark 80
    assert mine.csat.n == 4 and mine.csat.value == 50  # ratings 1, 5, 4, 3: two in the top two
    assert mine.paired_iqs.n == 3 and mine.paired_iqs.iqs == pytest.approx(73.33)  # i1, i2, i3
    assert mine.paired_rating.value == pytest.approx(66.67)
    assert mine.correlation.rho == -1.0  # score ranks 3, 1, 2 against rating ranks 1, 3, 2
    assert (mine.we_high, mine.we_low) == (1, 1)
    theirs = by_label(report)[other_team.name]
    assert theirs.iqs.iqs == 90 and theirs.csat.value == 100 and (theirs.we_high, theirs.we_low) == (0, 0)
    assert report.overall.iqs.n == 5 and report.overall.csat.n == 5


def test_it_lists_the_discrepancies_widest_first(centre, qa_lead) -> None:
    found = gap_report(actor=qa_lead, by="agent").discrepancies
    assert [(d.external_id, d.direction, d.points) for d in found] == [("T-i1", gap.WE_HIGH, 95), ("T-i2", gap.WE_LOW, 60)]
    assert found[0].agent == str(centre["i1"].agent)


def test_it_shows_planned_delivered_received_with_the_change(centre, qa_lead, team, other_team) -> None:
    QualityTarget.objects.create(figure="iqs", value=80)
    QualityTarget.objects.create(figure="iqs", value=60, team=other_team)
    today = timezone.localdate()
    earlier = f.make_interaction(centre["i1"].agent, created_at=timezone.now() - timedelta(days=40))
    review(earlier, centre["i1"].reviews.first().scorecard_version, centre["i1"].reviews.first().reviewer, 50)
    report = gap_report(actor=qa_lead, by="team", date_from=today - timedelta(days=29), date_to=today)
    panel = {p.label: p for p in report.panel}
    assert panel[team.name].planned["iqs"] == 80 and panel[other_team.name].planned["iqs"] == 60
    assert panel[team.name].value["iqs"] == 72.5 and panel[team.name].change["iqs"] == 22.5  # 72.5 − 50
    assert panel[other_team.name].change["iqs"] is None  # nothing in the previous 30 days
    assert panel[team.name].planned["csat"] is None


def test_a_team_lead_sees_only_their_team(centre, team_lead, team) -> None:
    report = gap_report(actor=team_lead, by="team")
    assert [g.label for g in report.groups] == [team.name]
    assert {d.external_id for d in report.discrepancies} == {"T-i1", "T-i2"}


@pytest.mark.parametrize("persona", ["agent_user", "reviewer"])
def test_agents_and_reviewers_get_404_on_page_and_api(centre, persona, request) -> None:
    user = request.getfixturevalue(persona)
    assert page_client(user).get("/surveys/gap/").status_code == 404
    assert api_client(user).get("/api/v1/surveys/gap").status_code == 404


def test_the_page_offers_the_two_revisions_to_qa_leads_only(centre, qa_lead, team_lead, manager) -> None:
    page = page_client(qa_lead).get("/surveys/gap/?by=agent")
    assert page.status_code == 200
    text = page.content.decode()
    assert "T-i1" in text and f'name="interactions" value="{centre["i1"].pk}"' in text
    assert "/calibration/new/?interactions=T-i1" in text
    for user in (team_lead, manager):
        other = page_client(user).get("/surveys/gap/").content.decode()
        assert "T-i1" in other and "/calibration/new/?interactions=" not in other


def test_calibration_opens_with_the_discrepancy_filled_in(centre, qa_lead) -> None:
    page = page_client(qa_lead).get("/calibration/new/?interactions=T-i1")
    assert page.status_code == 200 and "T-i1</textarea>" in page.content.decode()


def test_a_second_review_from_the_list_goes_to_the_reviewers_queue(centre, qa_lead, reviewer) -> None:
    other = f.make_user("rita", "reviewer")
    answer = page_client(qa_lead).post(
        "/reviews/assign/", {"interactions": centre["i1"].pk, "reviewer": other.pk, "next": "/surveys/gap/"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/surveys/gap/"
    assert ReviewAssignment.objects.filter(reviewer=other, interaction=centre["i1"]).exists()


def test_bad_input_is_named(centre, qa_lead) -> None:
    page = page_client(qa_lead).get("/surveys/gap/?by=site")
    assert page.status_code == 400 and "site" in page.content.decode()
    assert api_client(qa_lead).get("/api/v1/surveys/gap?rating=ces").status_code in (400, 422)
    assert page_client(qa_lead).get("/surveys/gap/?from=2026-02-01&to=2026-01-01").status_code == 400


def test_the_api_and_cli_give_the_same_figures(centre, qa_lead, team, capsys) -> None:
    data = api_client(qa_lead).get("/api/v1/surveys/gap?by=team").json()
    row = next(g for g in data["groups"] if g["label"] == team.name)
    assert row["iqs"]["value"] == 72.5 and row["spearman"]["rho"] == -1.0 and row["we_high_customer_low"] == 1
    assert [d["external_id"] for d in data["discrepancies"]] == ["T-i1", "T-i2"]
    call_command("qreport", "survey-gap", "--by", "team")
    cli = json.loads(capsys.readouterr().out)
    assert cli["groups"] == data["groups"]
    call_command("qreport", "survey-gap", "--by", "agent", "--format", "csv")
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("key,label,iqs_n") and lines[-1].startswith("*,")


def test_free_text_never_reaches_the_page_unescaped(post_contact, agent, qa_lead, default_scorecard, reviewer) -> None:
    interaction = f.make_interaction(agent, external_id="<script>x</script>")
    review(interaction, default_scorecard, reviewer, 95)
    rate(post_contact, interaction, 1)
    text = page_client(qa_lead).get("/surveys/gap/?by=agent").content.decode()
    assert "<script>x</script>" not in text and "&lt;script&gt;x&lt;/script&gt;" in text
