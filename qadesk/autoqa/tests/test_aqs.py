"""The AQS by group (qadesk/autoqa/aqs.py): a hand-worked example, visibility per persona, the page, the API, the CLI —
and the human IQS unchanged by automatic verdicts."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from qadesk.accounts.models import Agent, OrgSettings, User
from qadesk.autoqa.aqs import aqs_report
from qadesk.autoqa.models import AutoResult
from qadesk.autoqa.services import autoqa_run, current_detectors
from qadesk.interactions.models import Interaction, InteractionAgent
from qadesk.testing import factories as f
from qadesk.testing.clients import api_client, page_client

pytestmark = pytest.mark.django_db

CHECKS = ("greeting", "closing", "rude", "solution")


def _at(month: int, day: int) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, 12))


def _checked(agent: Agent, verdicts: list[str], *, created_at: datetime, channel: str = "email") -> Interaction:
    """An interaction with the current versions' verdicts of the first len(verdicts) CHECKS, as a run leaves them."""
    interaction = f.make_interaction(agent, created_at=created_at, channel=channel)
    versions = {d.code: d.version for d in current_detectors()}
    AutoResult.objects.bulk_create(
        AutoResult(interaction=interaction, detector=code, version=versions[code], criterion=code, verdict=v, confidence=1)
        for code, v in zip(CHECKS, verdicts, strict=False)
    )
    return interaction


@pytest.fixture
def worked(agent: Agent, other_team_agent: Agent) -> dict[str, Interaction]:
    """a.rossi (Milano Ordini): 2 of 2 passed (100), 1 of 2 (50), 0 of 3 (0), 3 of 4 (75) — in September, e-mail;
    b.martin (Lyon Livraisons): 1 of 1 (100) and one interaction where nothing applied — in October, chat.
    Plus an old version's fail on the first interaction, which no longer counts."""
    found = {
        "i1": _checked(agent, ["pass", "pass", "na"], created_at=_at(9, 1)),
        "i2": _checked(agent, ["pass", "fail"], created_at=_at(9, 2)),
        "i3": _checked(agent, ["fail", "fail", "fail"], created_at=_at(9, 3)),
        "i4": _checked(agent, ["pass", "pass", "pass", "fail"], created_at=_at(9, 20)),
        "i5": _checked(other_team_agent, ["pass"], created_at=_at(10, 1), channel="chat"),
        "i6": _checked(other_team_agent, ["na", "na"], created_at=_at(10, 2), channel="chat"),
    }
    AutoResult.objects.create(interaction=found["i1"], detector="rude", version=0, criterion="rude", verdict="fail", confidence=1)
    return found


def test_it_averages_the_interactions_aqs_with_the_iqs_interval(qa_lead: User, worked: dict[str, Interaction]) -> None:
    report = aqs_report(actor=qa_lead, by="team")
    lyon, milano = report.groups  # a.rossi's team has the lower AQS but both are not conclusive: by name
    assert (lyon.label, milano.label) == ("Lyon Livraisons", "Milano Ordini")
    # (100 + 50 + 0 + 75) / 4 = 56.25. Interval: a = 3/4 above 0, Wilson 0.3006–0.9544; m = 75 over 100, 50, 75,
    # s² = 625, t(2) = 4.3027, ± 62.10 → 12.90–100 (capped); MOVER: 56.25·exp(−√(ln(.75/.3006)² + ln(75/12.90)²)) = 7.74,
    # 56.25·exp(√(ln(.9544/.75)² + ln(100/75)²)) = 81.87.
    assert (milano.n, milano.aqs, milano.ci_low, milano.ci_high) == (4, 56.25, 7.74, 81.87)
    assert (milano.passed, milano.failed, milano.na) == (6, 5, 1)  # pooled it would be 6/11 = 54.5 %: not the AQS
    assert (lyon.n, lyon.aqs, lyon.ci_low, lyon.passed, lyon.na) == (1, 100.0, None, 1, 2)  # one interaction: no interval
    assert not milano.conclusive and not lyon.conclusive  # under the minimum n of 5
    # All: 100, 50, 0, 75, 100 → 65.0; k = 4, s² = 572.92, t(3) = 3.1824 → 24.25–85.91.
    t = report.totals
    assert (t.n, t.aqs, t.ci_low, t.ci_high, t.passed, t.failed, t.na) == (5, 65.0, 24.25, 85.91, 7, 5, 3)


def test_the_iqs_rule_decides_what_is_conclusive(qa_lead: User, worked: dict[str, Interaction]) -> None:
    OrgSettings.objects.update_or_create(pk=1, defaults={"minimum_n": 4, "max_interval_width": 80})
    milano = aqs_report(actor=qa_lead, by="team").groups[0]
    assert milano.label == "Milano Ordini" and milano.conclusive  # n 4 ≥ 4, width 74.13 ≤ 80
    OrgSettings.objects.update_or_create(pk=1, defaults={"minimum_n": 4, "max_interval_width": 70})
    assert not aqs_report(actor=qa_lead, by="team").groups[1].conclusive  # too wide: listed after Lyon, by name


def test_it_groups_by_period_channel_and_dates(qa_lead: User, worked: dict[str, Interaction]) -> None:
    months = aqs_report(actor=qa_lead, by="period", period="month").groups
    assert [(g.key, g.n, g.aqs) for g in months] == [("2026-09-01", 4, 56.25), ("2026-10-01", 1, 100.0)]
    days = aqs_report(actor=qa_lead, by="period", period="day", date_from=_at(9, 2).date(), date_to=_at(9, 3).date())
    assert [(g.key, g.aqs) for g in days.groups] == [("2026-09-02", 50.0), ("2026-09-03", 0.0)]
    channels = {g.key: (g.label, g.n) for g in aqs_report(actor=qa_lead, by="channel").groups}
    assert channels == {"email": ("E-mail", 4), "chat": ("Chat", 1)}


@pytest.mark.parametrize(
    ("persona", "agents"),
    [
        ("agent_user", ["a.rossi"]),
        ("other_team_agent_user", ["b.martin"]),
        ("team_lead", ["a.rossi"]),
        ("reviewer", ["a.rossi", "b.martin"]),
        ("manager", ["a.rossi", "b.martin"]),
        ("qa_lead", ["a.rossi", "b.martin"]),
    ],
)
def test_each_persona_sees_the_aqs_of_what_they_may_see(request, worked, persona: str, agents: list[str]) -> None:
    user = request.getfixturevalue(persona)
    report = aqs_report(actor=user, by="agent")
    assert sorted(Agent.objects.get(pk=int(g.key)).username for g in report.groups) == agents


def test_an_agent_does_not_see_a_colleague_on_a_contact_they_handed_over(agent_user, agent, other_team_agent) -> None:
    handed = _checked(other_team_agent, ["fail"], created_at=_at(9, 5))
    InteractionAgent.objects.create(interaction=handed, agent=agent, position=1)  # alice handled it too
    assert Interaction.objects.visible_to(agent_user).filter(pk=handed.pk).exists()
    assert aqs_report(actor=agent_user, by="agent").groups == []


def test_the_page_shows_the_aqs_by_team_in_the_readers_language(team_lead: User, worked) -> None:
    team_lead.language = "it"
    team_lead.save()
    html = page_client(team_lead).get("/autoqa/?by=team").content.decode()
    assert 'id="aqs-by-table"' in html and "Milano Ordini" in html and "Lyon Livraisons" not in html
    assert "56,3 %" in html and "7,7–81,9 %" in html and "non conclusivo" in html
    assert "accuracy-table" not in html  # the accuracy and the settings stay the QA lead's
    assert page_client(team_lead).post("/autoqa/", {"reliable_kappa": "0,5"}).status_code == 404


def test_the_page_exports_the_table_as_csv_and_xlsx(qa_lead: User, worked) -> None:
    client = page_client(qa_lead)
    response = client.get("/autoqa/export/?by=team&format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Code", "Group", "Interactions"] and rows[1][1] == "Lyon Livraisons" and rows[2][3] == "56.25"
    xlsx = client.get("/autoqa/export/?by=team&format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get("/autoqa/export/?by=nothing").status_code == 400


def test_the_api_gives_the_aqs_by_group_to_each_persona(agent_user, qa_lead, worked) -> None:
    rows = api_client(qa_lead).get("/api/v1/autoqa/aqs?by=team&from=2026-09-01&to=2026-09-30").json()
    total, milano = rows
    assert (total["key"], total["n"], total["aqs"]["value"]) == ("", 4, 0.5625)
    assert milano["label"] == "Milano Ordini" and milano["aqs"]["interval"] == [0.0774, 0.8187] and not milano["conclusive"]
    mine = api_client(agent_user).get("/api/v1/autoqa/aqs?by=agent").json()
    assert [r["label"] for r in mine[1:]] == ["A.Rossi"]
    assert api_client(agent_user).get("/api/v1/autoqa/aqs").status_code == 404  # the per-check table: QA leads only
    assert api_client(qa_lead).get("/api/v1/autoqa/aqs?by=team&from=2026-10-01&to=2026-09-01").status_code == 400


def test_the_cli_prints_the_aqs_by_team_as_json_and_csv(worked) -> None:
    out = io.StringIO()
    call_command("autoqa", "report", "--by", "team", "--from", "2026-09-01", "--to", "2026-10-31", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["totals"]["aqs"] == 65.0 and [g["label"] for g in data["groups"]] == ["Lyon Livraisons", "Milano Ordini"]
    out = io.StringIO()
    call_command("autoqa", "report", "--by", "team", "--format", "csv", stdout=out)
    header, *lines = list(csv.reader(io.StringIO(out.getvalue())))
    assert header[:4] == ["key", "label", "n", "aqs"] and lines[1][1:4] == ["Milano Ordini", "4", "56.25"]


def test_automatic_verdicts_never_change_the_iqs(qa_lead, reviewer, agent, default_scorecard) -> None:
    from qadesk.analytics.tests.conftest import make_review

    rude = [("customer", "This is unacceptable!"), ("agent", "Not my problem, deal with it.")]
    for score in (80, 90, 100):
        make_review(agent, default_scorecard, reviewer, score, submitted_at=timezone.now(), messages=rude)

    def quality() -> dict[str, object]:
        return api_client(qa_lead).get("/api/v1/reports/quality?by=agent").json()

    before = quality()
    autoqa_run()
    assert AutoResult.objects.filter(verdict="fail").exists()
    assert quality() == before and before["totals"]["iqs"] == 90.0
    assert aqs_report(actor=qa_lead, by=None).totals.aqs != 90.0


def test_the_per_check_rows_and_their_total_keep_to_the_dates(qa_lead, worked) -> None:
    rows = api_client(qa_lead).get("/api/v1/autoqa/aqs?from=2026-10-01&to=2026-10-31").json()
    total, *checks = rows
    assert (total["key"], total["n"], total["aqs"]["value"], total["not_applicable"]) == ("", 1, 1.0, 2)
    by_check = {r["detector"]: (r["n"], r["passed"], r["not_applicable"]) for r in checks}
    assert by_check == {"greeting": (1, 1, 1), "closing": (0, 0, 1)}
