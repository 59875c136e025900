"""What an expert reviewer asked of the statistics, through the page, the API and the CLI: intervals for every rate,
conclusive meaning precise, cluster-aware totals, auditable discrepancy lists and reviewer comparisons with real peers."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from qadesk.accounts.models import OrgSettings, User
from qadesk.analytics.selectors import quality_report, reviewer_discrepancies
from qadesk.scorecards.intervals import mean_interval
from qadesk.scorecards.scoring import score_sums
from qadesk.testing import factories as f

from .conftest import ReportData, at, make_review

pytestmark = pytest.mark.django_db
QUALITY = "/api/v1/reports/quality"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("qreport", *args, stdout=out)
    return out.getvalue()


def test_it_gives_every_rate_its_interval_on_all_three_doors(client: Client, qa_lead: User, report_data: ReportData) -> None:
    client.force_login(qa_lead)
    rossi = client.get(QUALITY, {"by": "agent"}).json()["groups"][0]
    assert (rossi["pass_rate_low"], rossi["pass_rate_high"]) == (56.55, 100.0)  # Wilson 5 of 5
    assert (rossi["high_impact_per_100_low"], rossi["high_impact_per_100_high"]) == (0.51, 111.43)  # Garwood 1 in 5
    assert (rossi["low_impact_per_100_low"], rossi["low_impact_per_100_high"]) == (12.37, 175.35)  # Garwood 3 in 5
    criterion = next(c for c in client.get(QUALITY).json()["criteria"] if c["code"] == "right_label")
    figures = (criterion["failures"], criterion["failures_per_100_low"], criterion["failures_per_100_high"])
    assert figures == (2, 8.22, 64.11)  # Wilson 2 of 7
    rows = list(csv.DictReader(io.StringIO(run("quality", "--by", "agent", "--format", "csv"))))
    assert (rows[0]["pass_rate_low"], rows[0]["low_impact_per_100_high"]) == ("56.55", "175.35")
    page = client.get(reverse("analytics:quality"), {"by": "agent"}).content.decode()
    assert "56.6–100.0 %" in page and "12.4–175.4" in page


def test_it_shows_the_intervals_in_the_readers_language(client: Client, qa_lead: User, report_data: ReportData) -> None:
    qa_lead.language = "it"
    qa_lead.save()
    client.force_login(qa_lead)
    page = client.get(reverse("analytics:quality"), {"by": "agent"}).content.decode()
    assert "56,6–100,0 %" in page and "Intervallo al 95 %" in page


def test_a_group_is_conclusive_only_when_its_interval_is_narrow_enough(
    client: Client, qa_lead: User, report_data: ReportData
) -> None:
    OrgSettings.objects.filter(pk=1).update(max_interval_width=20)
    client.force_login(qa_lead)
    body = client.get(QUALITY, {"by": "agent"}).json()
    # a.rossi has 5 reviews (the minimum) but an interval 49.51 wide: not conclusive, so not ranked.
    assert body["max_interval_width"] == 20
    groups = [(g["label"], g["conclusive"], g["rank"]) for g in body["groups"]]
    assert groups == [("A.Rossi", False, None), ("B.Martin", False, None)]  # unranked, by name
    OrgSettings.objects.filter(pk=1).update(max_interval_width=50)
    assert client.get(QUALITY, {"by": "agent"}).json()["groups"][0]["rank"] == 1


def test_the_totals_interval_allows_for_reviews_clustering_by_agent(qa_lead: User, reviewer: User, default_scorecard) -> None:  # type: ignore[no-untyped-def]
    # Four agents: two always near 95, two always near 65; two reviewers each see every agent. Reviews are far from
    # independent (the agent explains the score), so the totals' interval must be wider than treating 80 reviews as 80.
    second = f.make_user("g.neri", "reviewer")
    scores = []
    for i, level in enumerate((95, 95, 65, 65)):
        agent = f.make_agent(f"agent.{i}", f.make_team("Roma"))
        for by in (reviewer, second):
            for day in range(1, 11):
                score = level + (day % 3) - 1
                scores.append(score)
                make_review(agent, default_scorecard, by, score, submitted_at=at(9, day))
    totals = quality_report(actor=qa_lead, by="agent", date_from=None, date_to=None).totals
    independent = mean_interval(score_sums(scores))
    assert independent is not None and totals.ci_low is not None and totals.ci_high is not None
    assert totals.ci_high - totals.ci_low > 3 * (independent[1] - independent[0])
    assert totals.ci_low <= totals.iqs <= totals.ci_high  # type: ignore[operator]


def test_the_discrepancy_lists_can_show_every_row_compared(client: Client, qa_lead: User, stats_data: object) -> None:
    periods = {"a_from": "2026-09-01", "a_to": "2026-09-30", "b_from": "2026-10-01", "b_to": "2026-10-31"}
    client.force_login(qa_lead)
    body = client.get("/api/v1/reports/discrepancies", {**periods, "all": "true"}).json()
    assert body["include_all"] is True
    assert [(g["label"], g["significant"]) for g in body["groups"]] == [("A.Rossi", True), ("B.Martin", False)]
    assert [g["label"] for g in client.get("/api/v1/reports/discrepancies", periods).json()["groups"]] == ["A.Rossi"]
    args = ["--a-from", "2026-09-01", "--a-to", "2026-09-30", "--b-from", "2026-10-01", "--b-to", "2026-10-31", "--all"]
    rows = list(csv.DictReader(io.StringIO(run("discrepancies", *args, "--format", "csv"))))
    assert [(r["label"], r["significant"], r["p_value"]) for r in rows][1] == ("B.Martin", "False", "1.0")
    reviewers = json.loads(run("reviewer-discrepancies", "--from", "2026-11-01", "--to", "2026-11-30", "--all"))
    assert reviewers["reviewers"][0]["significant"] is True
    assert len(reviewers["reviewers"]) == reviewers["compared"] == 3
    page = client.get(reverse("analytics:statistics"), {**periods, "show_all": "on"}).content.decode()
    assert "B.Martin" in page and "not significant" in page


def test_two_reviewers_are_not_flagged_as_mirror_images(qa_lead: User, reviewer: User, default_scorecard) -> None:  # type: ignore[no-untyped-def]
    # With two reviewers each is the other's only peer: differences +10/−10 on every agent would flag both. An agent
    # counts only when at least 3 reviewers reviewed them, so nobody is compared.
    other = f.make_user("g.neri", "reviewer")
    for i in range(4):
        agent = f.make_agent(f"agent.{i}", f.make_team("Roma"))
        make_review(agent, default_scorecard, reviewer, 90 + i, submitted_at=at(11, 1))
        make_review(agent, default_scorecard, other, 80 + i, submitted_at=at(11, 1))
    report = reviewer_discrepancies(actor=qa_lead, date_from=None, date_to=None, include_all=True)
    assert (report.compared, report.reviewers, report.min_reviewers) == (0, [], 3)


def test_the_peers_mean_is_the_mean_of_the_other_reviewers_means(qa_lead: User, reviewer: User, default_scorecard) -> None:  # type: ignore[no-untyped-def]
    # On each agent: reviewer 90 once; g.neri 80 once; h.blu 70 nine times. Peers' mean (80 + 70)/2 = 75, so the
    # reviewer's difference is +15 (pooling the ten peer reviews would say 90 − 71 = 19).
    neri, blu = f.make_user("g.neri", "reviewer"), f.make_user("h.blu", "reviewer")
    for i in range(3):
        agent = f.make_agent(f"agent.{i}", f.make_team("Roma"))
        make_review(agent, default_scorecard, reviewer, 90 + i, submitted_at=at(11, 1))
        make_review(agent, default_scorecard, neri, 80, submitted_at=at(11, 1))
        for _ in range(9):
            make_review(agent, default_scorecard, blu, 70, submitted_at=at(11, 1))
    report = reviewer_discrepancies(actor=qa_lead, date_from=None, date_to=None, include_all=True)
    mine = next(r for r in report.reviewers if r.reviewer_id == reviewer.pk)
    assert (mine.mean_difference, mine.shared_agents, mine.direction) == (16.0, 3, "lenient")  # 15, 16, 17 → 16
