"""Results through every door (page, API, CLI, downloads) and who sees which responses (404 for the others)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from qadesk.accounts.models import User
from qadesk.accounts.services import api_token_create
from qadesk.interactions.models import Interaction
from qadesk.surveys.models import Survey, SurveyResponse
from qadesk.surveys.rollup import survey_rollup_kept
from qadesk.surveys.services import invitation_create, response_answer, response_for_invitation
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db
XSS = '<img src=x onerror="alert(1)">'


def _respond(survey: Survey, interaction: Interaction | None, csat: int, comment: str = "") -> SurveyResponse:
    response = response_for_invitation(invitation=invitation_create(survey=survey, interaction=interaction))
    version = response.version
    response_answer(response=response, question=version.questions.get(code="csat"), raw=str(csat))
    if comment:
        code = "what_went_wrong" if csat <= 2 else "comment"
        response_answer(response=response, question=version.questions.get(code=code), raw=comment)
    return response


@pytest.fixture
def answered(post_contact, agent, other_team_agent) -> dict[str, object]:
    """Alice's customers: 5, 4, 2 (with an XSS comment) and one invitation never answered; Bob's customer: 1."""
    mine = [f.make_interaction(agent) for _ in range(4)]
    _respond(post_contact, mine[0], 5)
    _respond(post_contact, mine[1], 4)
    low = _respond(post_contact, mine[2], 2, comment=XSS)
    invitation_create(survey=post_contact, interaction=mine[3])
    theirs = _respond(post_contact, f.make_interaction(other_team_agent), 1, comment="Bob was rude")
    return {"low": low, "theirs": theirs}


def _api(user: User) -> Client:
    _token, key = api_token_create(user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_the_api_gives_csat_with_its_definition_n_interval_and_response_rate(post_contact, answered, qa_lead) -> None:
    body = _api(qa_lead).get(f"/api/v1/surveys/{post_contact.pk}/results", {"by": "agent"}).json()
    csat = body["overall"]["csat"]
    assert (csat["definition"], csat["n"], csat["value"]) == ("csat_top_two", 4, 50.0)
    assert csat["ci_low"] < 50 < csat["ci_high"] and csat["conclusive"] is False  # 4 answers < minimum 5
    assert body["definitions"]["csat_top_two"].startswith("CSAT")
    assert body["overall"]["response_rate"]["value"] == 80.0  # 4 of 5 invitations answered
    groups = {g["label"]: g for g in body["groups"]}
    assert groups["A.Rossi"]["csat"]["value"] == pytest.approx(66.67)
    assert groups["A.Rossi"]["response_rate"]["value"] == 75.0
    distribution = next(q for q in body["questions"] if q["code"] == "csat")["distribution"]
    assert [d["count"] for d in distribution] == [1, 1, 0, 1, 1]


def test_an_agent_sees_only_their_own_customers_ratings(post_contact, answered, agent_user, other_team_agent_user) -> None:
    mine = _api(agent_user).get(f"/api/v1/surveys/{post_contact.pk}/results").json()
    assert mine["overall"]["csat"]["n"] == 3
    theirs = answered["theirs"].pk  # type: ignore[attr-defined]
    assert _api(agent_user).get(f"/api/v1/surveys/responses/{theirs}").status_code == 404
    assert _api(other_team_agent_user).get(f"/api/v1/surveys/responses/{theirs}").status_code == 200
    listed = _api(agent_user).get("/api/v1/surveys/responses").json()
    assert listed["count"] == 3
    page = Client()
    page.force_login(agent_user)
    assert page.get(f"/surveys/responses/{theirs}/").status_code == 404
    assert page.get("/surveys/responses/987654/").status_code == 404
    assert "Bob was rude" not in page.get(f"/surveys/{post_contact.pk}/").content.decode()


def test_a_team_lead_sees_their_teams_responses_only(post_contact, answered, team_lead) -> None:
    body = _api(team_lead).get(f"/api/v1/surveys/{post_contact.pk}/results").json()
    assert body["overall"]["csat"]["n"] == 3
    assert _api(team_lead).get(f"/api/v1/surveys/responses/{answered['theirs'].pk}").status_code == 404  # type: ignore[attr-defined]
    low = answered["low"].pk  # type: ignore[attr-defined]
    assert _api(team_lead).get(f"/api/v1/surveys/responses/{low}").status_code == 200


def test_nobody_signed_out_reads_results_or_responses(client: Client, post_contact, answered) -> None:
    assert client.get(f"/surveys/{post_contact.pk}/").status_code == 302
    assert client.get(f"/api/v1/surveys/{post_contact.pk}/results").status_code == 401


def test_free_text_is_escaped_on_the_results_page_and_the_response_page(post_contact, answered, qa_lead) -> None:
    page = Client()
    page.force_login(qa_lead)
    for url in (f"/surveys/{post_contact.pk}/", f"/surveys/responses/{answered['low'].pk}/"):  # type: ignore[attr-defined]
        text = page.get(url).content.decode()
        assert XSS not in text and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in text, url


def test_the_results_page_names_each_definition_and_says_not_conclusive(post_contact, answered, qa_lead) -> None:
    page = Client()
    page.force_login(qa_lead)
    text = page.get(f"/surveys/{post_contact.pk}/", {"by": "team"}).content.decode()
    assert "share of 4 and 5 on a 1–5 scale" in text and "not conclusive" in text and "Milano Ordini" in text
    assert page.get("/surveys/").status_code == 200
    assert page.get(f"/surveys/{post_contact.pk}/", {"from": "2026-02-01", "to": "2026-01-01"}).status_code == 400


def test_downloads_hold_the_page_rows_as_csv_and_xlsx(post_contact, answered, qa_lead) -> None:
    page = Client()
    page.force_login(qa_lead)
    csv_text = b"".join(page.get(f"/surveys/{post_contact.pk}/export/", {"by": "agent"}).streaming_content).decode()
    assert csv_text.startswith("\ufeffGroup,Responses,CSAT (%)") and "A.Rossi" in csv_text
    xlsx = _api(qa_lead).get(f"/api/v1/surveys/{post_contact.pk}/results/export", {"format": "xlsx", "by": "agent"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("Group", "Responses", "CSAT (%)") and rows[1][2] == 50.0


def test_the_cli_reports_as_json_and_csv(post_contact, answered, capsys) -> None:
    call_command("qreport", "surveys", "--survey", "post-contact", "--by", "agent")
    body = json.loads(capsys.readouterr().out)
    assert body["overall"]["csat"]["value"] == 50.0 and len(body["groups"]) == 2
    call_command("qreport", "surveys", "--survey", str(post_contact.pk), "--format", "csv", "--user", "alice")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("key,label,responses,csat_n,csat_value") and lines[1].startswith(",All,3,3,66.67")


def test_only_leads_invite_and_import_definitions(post_contact, interaction, agent_user, qa_lead) -> None:
    refused = _api(agent_user).post(
        f"/api/v1/surveys/{post_contact.pk}/invitations", {"interaction": interaction.pk}, content_type="application/json"
    )
    assert refused.status_code == 403
    made = _api(qa_lead).post(
        f"/api/v1/surveys/{post_contact.pk}/invitations", {"interaction": interaction.pk}, content_type="application/json"
    )
    assert made.status_code == 201 and "/s/" in made.json()["url"]
    exported = _api(agent_user).get(f"/api/v1/surveys/{post_contact.pk}/definition").json()
    assert _api(agent_user).post("/api/v1/surveys/import", exported, content_type="application/json").status_code == 403
    assert _api(qa_lead).post("/api/v1/surveys/import", exported, content_type="application/json").json()["number"] == 2


def test_the_open_links_qr_code_is_served_as_svg_and_png_to_those_who_see_the_link(templates, qa_lead, agent_user) -> None:
    survey = templates["suggestion_box"]
    lead = Client()
    lead.force_login(qa_lead)
    svg = lead.get(f"/surveys/{survey.pk}/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = lead.get(f"/surveys/{survey.pk}/qr.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert f"/s/o/{survey.open_token}/" in lead.get(f"/surveys/{survey.pk}/").content.decode()
    agent = Client()
    agent.force_login(agent_user)
    assert agent.get(f"/surveys/{survey.pk}/qr.svg").status_code == 404
    assert survey.open_token not in agent.get(f"/surveys/{survey.pk}/").content.decode()
    assert lead.get(f"/surveys/{templates['post_contact'].pk}/qr.png").status_code == 404


@pytest.fixture
def two_months(post_contact, agent, other_team_agent) -> Survey:
    """Alice's customers: 5 and 4 now, 1 forty days ago; Bob's customer: 2 now."""
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    for who, days, csat in [(agent, 0, 5), (agent, 0, 4), (agent, 40, 1), (other_team_agent, 0, 2)]:
        response = _respond(post_contact, f.make_interaction(who), csat)
        moved = SurveyResponse.objects.filter(pk=response.pk)
        with survey_rollup_kept(responses=moved):  # written past the services: the results' rollup follows the move
            moved.update(started_at=now - timedelta(days=days))
    return post_contact


def test_the_api_gives_the_trend_per_month_and_week_over_what_the_caller_sees(two_months, qa_lead, agent_user) -> None:
    url = f"/api/v1/surveys/{two_months.pk}/trends"
    body = _api(qa_lead).get(url, {"period": "month"}).json()
    assert body["period"] == "month" and body["definitions"]["nps"].startswith("NPS")
    assert [(p["csat"]["n"], p["csat"]["value"]) for p in body["periods"]] == [(1, 0.0), (3, 66.67)]
    first, last = body["periods"]
    assert first["start"] < last["start"] and last["start"].endswith("-01") and last["csat"]["conclusive"] is False
    weeks = _api(qa_lead).get(url, {"period": "week"}).json()["periods"]
    assert sum(p["csat"]["n"] for p in weeks) == 4
    mine = _api(agent_user).get(url, {"period": "month"}).json()["periods"]
    assert [(p["csat"]["n"], p["csat"]["value"]) for p in mine] == [(1, 0.0), (2, 100.0)]  # not Bob's customer
    today = two_months.responses.order_by("-started_at").first().started_at.date().isoformat()  # type: ignore[union-attr]
    recent = _api(qa_lead).get(url, {"period": "month", "from": today}).json()
    assert recent["from"] == today and [p["csat"]["n"] for p in recent["periods"]] == [3]


def test_the_trends_api_refuses_an_unknown_period_and_a_stranger(two_months, client: Client, qa_lead) -> None:
    url = f"/api/v1/surveys/{two_months.pk}/trends"
    assert _api(qa_lead).get(url, {"period": "day"}).status_code in (400, 422)
    assert _api(qa_lead).get(url, {"from": "2026-12-01", "to": "2026-11-01"}).status_code == 400
    assert client.get(url).status_code in (401, 404)
    assert _api(qa_lead).get("/api/v1/surveys/999999/trends").status_code == 404


def test_the_cli_reports_the_trend_as_json_and_safe_csv(two_months, capsys) -> None:
    call_command("qreport", "surveys", "--survey", "post-contact", "--trend", "month")
    body = json.loads(capsys.readouterr().out)
    assert [p["csat"]["n"] for p in body["periods"]] == [1, 3] and body["period"] == "month"
    call_command("qreport", "surveys", "--survey", str(two_months.pk), "--trend", "week", "--format", "csv", "--user", "alice")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("start,label,csat_n,csat_value,csat_ci_low")
    assert sum(int(line.split(",")[2]) for line in lines[1:]) == 3  # Alice sees her own customers only
    assert all(line[:4].isdigit() for line in lines[1:])


def test_the_cli_refuses_trend_together_with_by(two_months) -> None:
    from django.core.management.base import CommandError

    with pytest.raises((CommandError, SystemExit)):
        call_command("qreport", "surveys", "--survey", "post-contact", "--trend", "month", "--by", "agent")
