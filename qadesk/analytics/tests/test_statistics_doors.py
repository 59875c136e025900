"""The statistics through every door: the API endpoints, the page and `qadesk report precision|discrepancies`."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from qadesk.accounts.models import OrgSettings, User

from .conftest import StatsData

pytestmark = pytest.mark.django_db
PERIODS = {"a_from": "2026-09-01", "a_to": "2026-09-30", "b_from": "2026-10-01", "b_to": "2026-10-31"}
PAGE = reverse("analytics:statistics")


def test_the_api_answers_the_precision_plan(client: Client, qa_lead: User, stats_data: StatsData) -> None:
    client.force_login(qa_lead)
    body = client.get("/api/v1/reports/precision", {"by": "agent", "margin": 5, "from": "2026-09-01", "to": "2026-09-30"}).json()
    assert (body["margin"], body["minimum_n"]) == (5.0, 5)
    assert [(g["label"], g["n"], g["reviews_needed"], g["more_needed"]) for g in body["groups"]] == [
        ("B.Martin", 2, 83, 81),
        ("A.Rossi", 5, 43, 38),
        ("C.Verdi", 1, None, None),
    ]


def test_the_api_answers_significant_changes_and_rejects_overlaps(client: Client, qa_lead: User, stats_data: StatsData) -> None:
    client.force_login(qa_lead)
    body = client.get("/api/v1/reports/discrepancies", {"by": "agent", **PERIODS}).json()
    assert (body["compared"], [(g["label"], g["a"]["iqs"], g["b"]["iqs"], g["change"]) for g in body["groups"]]) == (
        2,
        [("A.Rossi", 90.0, 70.0, -20.0)],
    )
    row = body["groups"][0]
    assert (body["correction"], round(row["p_value"], 5), round(row["p_adjusted"], 5)) == ("benjamini-hochberg", 0.00395, 0.0079)
    overlap = client.get("/api/v1/reports/discrepancies", {**PERIODS, "b_from": "2026-09-15"})
    assert overlap.status_code == 400 and "overlap" in overlap.json()["detail"]
    assert client.get("/api/v1/reports/discrepancies", {"by": "agent"}).status_code == 422


def test_the_api_answers_reviewers_unlike_their_peers(
    client: Client, qa_lead: User, reviewer: User, stats_data: StatsData
) -> None:
    client.force_login(qa_lead)
    body = client.get("/api/v1/reports/reviewer-discrepancies", {"from": "2026-11-01"}).json()
    assert [
        (r["reviewer"], r["mean_difference"], round(r["p_value"], 5), round(r["p_adjusted"], 5)) for r in body["reviewers"]
    ] == [(str(reviewer), 10.0, 0.01307, 0.03922)]


def test_the_api_lists_no_result_that_the_correction_no_longer_supports(
    client: Client, qa_lead: User, borderline_data: StatsData
) -> None:
    client.force_login(qa_lead)
    changes = client.get("/api/v1/reports/discrepancies", {"by": "agent", **PERIODS}).json()
    assert (changes["compared"], changes["groups"]) == (2, [])  # a.rossi: p = 0.0432 alone, 0.0864 adjusted
    reviewers = client.get("/api/v1/reports/reviewer-discrepancies", {"from": "2026-11-01"}).json()
    assert (reviewers["compared"], reviewers["reviewers"]) == (3, [])  # dario: p = 0.0494 alone, 0.148 adjusted


def test_the_api_gives_an_agent_only_their_own_figures(client: Client, agent_user: User, stats_data: StatsData) -> None:
    client.force_login(agent_user)
    plan = client.get("/api/v1/reports/precision").json()
    assert [g["label"] for g in plan["groups"]] == ["A.Rossi"]
    assert client.get("/api/v1/reports/reviewer-discrepancies").json()["reviewers"] == []
    client.logout()
    assert client.get("/api/v1/reports/precision").status_code == 401


def test_the_page_shows_the_three_tables(client: Client, qa_lead: User, reviewer: User, stats_data: StatsData) -> None:
    client.force_login(qa_lead)
    response = client.get(PAGE, {"by": "agent", "margin": "5", "date_from": "2026-09-01", "date_to": "2026-09-30", **PERIODS})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="precision-table"' in page and "83" in page and "C.Verdi" in page
    assert [g.label for g in response.context["changes"].groups] == ["A.Rossi"]
    assert response.context["reviewers"].reviewers == []  # September only: each agent had one reviewer
    assert "No reviewer differs significantly from their peers." in page
    changes = page[page.index('id="changes-table"') :]
    assert "Adjusted p" in changes and '<td class="num">0.0039</td>' in changes and '<td class="num">0.0079</td>' in changes
    assert "adjusted for those 2 tests (Benjamini–Hochberg)" in page


def test_the_page_shows_both_p_values_of_a_reviewer(client: Client, qa_lead: User, stats_data: StatsData) -> None:
    client.force_login(qa_lead)
    page = client.get(PAGE, {"date_from": "2026-11-01", "date_to": "2026-11-30", **PERIODS}).content.decode()
    reviewers = page[page.index('id="reviewers-table"') :]
    assert "Adjusted p" in reviewers and '<td class="num">0.0131</td>' in reviewers and '<td class="num">0.0392</td>' in reviewers


def test_the_page_lists_no_result_that_the_correction_no_longer_supports(
    client: Client, qa_lead: User, borderline_data: StatsData
) -> None:
    client.force_login(qa_lead)
    response = client.get(PAGE, {"by": "agent", "date_from": "2026-11-01", "date_to": "2026-11-30", **PERIODS})
    page = response.content.decode()
    assert (response.context["changes"].compared, response.context["changes"].groups) == (2, [])
    assert (response.context["reviewers"].compared, response.context["reviewers"].reviewers) == (3, [])
    assert "No significant change." in page and "No reviewer differs significantly from their peers." in page


def test_the_page_shows_an_agent_only_their_own_figures(client: Client, agent_user: User, stats_data: StatsData) -> None:
    client.force_login(agent_user)
    response = client.get(PAGE, {"by": "agent", **PERIODS})
    page = response.content.decode()
    assert [g.label for g in response.context["plan"].groups] == ["A.Rossi"]
    assert "B.Martin" not in page and "C.Verdi" not in page and "g.neri" not in page


def test_the_page_defaults_to_the_last_30_days_and_explains_bad_input(client: Client, qa_lead: User) -> None:
    client.force_login(qa_lead)
    report = client.get(PAGE).context["changes"]
    assert ((report.b_to - report.b_from).days, (report.b_from - report.a_to).days) == (29, 1)
    response = client.get(PAGE, {"date_from": "2026-10-01", "date_to": "2026-09-01"})
    assert "The start date is after the end date." in [str(m) for m in response.context["messages"]]
    assert client.get(PAGE, {"margin": "0"}).context["plan"] is None
    client.logout()
    assert client.get(PAGE).status_code == 302


def test_the_quality_page_shows_ranks_only_for_conclusive_rows(client: Client, qa_lead: User, stats_data: StatsData) -> None:
    client.force_login(qa_lead)
    groups = client.get(reverse("analytics:quality"), {"by": "agent"}).context["report"].groups
    # All months: a.rossi 13 reviews (IQS 80.77), b.martin 7 (77.43), c.verdi 4: below the minimum n of 5, unranked.
    assert [(g.label, g.rank) for g in groups] == [("A.Rossi", 1), ("B.Martin", 2), ("C.Verdi", None)]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("qreport", *args, stdout=out)
    return out.getvalue()


def test_the_cli_prints_the_precision_plan_as_json_and_csv(stats_data: StatsData) -> None:
    body = json.loads(run("precision", "--by", "agent", "--margin", "5", "--from", "2026-09-01", "--to", "2026-09-30"))
    assert (body["date_from"], [g["more_needed"] for g in body["groups"]]) == ("2026-09-01", [81, 38, None])
    rows = list(csv.DictReader(io.StringIO(run("precision", "--from", "2026-09-01", "--to", "2026-09-30", "--format", "csv"))))
    assert [(r["label"], r["reviews_needed"]) for r in rows] == [("B.Martin", "83"), ("A.Rossi", "43"), ("C.Verdi", "")]


def test_the_cli_prints_discrepancies_with_both_periods(stats_data: StatsData) -> None:
    args = ["--a-from", "2026-09-01", "--a-to", "2026-09-30", "--b-from", "2026-10-01", "--b-to", "2026-10-31"]
    body = json.loads(run("discrepancies", "--by", "team", *args))
    assert (body["a_from"], [g["label"] for g in body["groups"]]) == ("2026-09-01", ["Milano Ordini"])
    rows = list(csv.DictReader(io.StringIO(run("discrepancies", *args, "--format", "csv"))))
    assert [(r["label"], r["a_n"], r["a_iqs"], r["b_iqs"], r["change"]) for r in rows] == [
        ("A.Rossi", "5", "90.0", "70.0", "-20.0")
    ]
    assert (round(float(rows[0]["p_value"]), 5), round(float(rows[0]["p_adjusted"]), 5)) == (0.00395, 0.0079)
    reviewers = json.loads(run("reviewer-discrepancies", "--from", "2026-11-01"))
    assert [(r["mean_difference"], round(r["p_value"], 5), round(r["p_adjusted"], 5)) for r in reviewers["reviewers"]] == [
        (10.0, 0.01307, 0.03922)
    ]
    assert reviewers["correction"] == "benjamini-hochberg"


def test_the_cli_lists_no_result_that_the_correction_no_longer_supports(borderline_data: StatsData) -> None:
    args = ["--a-from", "2026-09-01", "--a-to", "2026-09-30", "--b-from", "2026-10-01", "--b-to", "2026-10-31"]
    changes = json.loads(run("discrepancies", "--by", "agent", *args))
    assert (changes["compared"], changes["groups"]) == (2, [])
    assert run("discrepancies", *args, "--format", "csv") == ""
    reviewers = json.loads(run("reviewer-discrepancies", "--from", "2026-11-01"))
    assert (reviewers["compared"], reviewers["reviewers"]) == (3, [])
    # As that agent (a family of one) the same drop is listed, with both p-values equal.
    alone = json.loads(run("discrepancies", "--by", "agent", *args, "--user", "alice"))
    assert [(g["label"], round(g["p_value"], 4), round(g["p_adjusted"], 4)) for g in alone["groups"]] == [
        ("A.Rossi", 0.0432, 0.0432)
    ]


def test_the_cli_fails_clearly_on_overlapping_periods(db: None) -> None:
    args = ["--a-from", "2026-09-01", "--a-to", "2026-09-30", "--b-from", "2026-09-15", "--b-to", "2026-10-31"]
    with pytest.raises(CommandError, match="overlap"):
        run("discrepancies", *args)


def test_the_page_costs_a_fixed_number_of_queries(
    client: Client, qa_lead: User, stats_data: StatsData, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(qa_lead)
    OrgSettings.load()
    # session, user, settings, plan sums, agent names, period A sums, period B sums, their names, reviewer cells, reviewers
    with django_assert_max_num_queries(10):
        response = client.get(PAGE, {"by": "agent", "date_from": "2026-11-01", **PERIODS})
    assert len(response.context["reviewers"].reviewers) == 1
