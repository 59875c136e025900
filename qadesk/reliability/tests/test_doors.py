"""Reliability through its doors (page, API) on the worked example of docs/reliability.md; who may see it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from qadesk.accounts.models import Agent, User
from qadesk.interactions.models import Interaction
from qadesk.reliability.demo import demo_promises_create
from qadesk.reliability.models import ServicePromise
from qadesk.reliability.selectors import reliability_report
from qadesk.surveys.models import Question, Survey, SurveyAnswer, SurveyResponse, SurveyVersion
from qadesk.testing import factories as f
from qadesk.testing.clients import api_client, page_client

pytestmark = pytest.mark.django_db
T = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
RANGE = {"from": "2026-11-01", "to": "2026-12-31"}


def _answer(interaction: Interaction, question: Question, code: str) -> None:
    response = SurveyResponse.objects.create(
        survey=question.version.survey,
        version=question.version,
        interaction=interaction,
        source="import",
        key=f"k{interaction.pk}",
        completed_at=T,
    )
    SurveyAnswer.objects.create(response=response, question=question, choices=[code])


@pytest.fixture
def worked(agent: Agent) -> ServicePromise:
    """E-mails answered within 4 h for 90 %: November 2 kept of 4 judged (50 %), 2 of 3 customers' expectations met;
    December 1 of 1. A chat (other channel) is left out."""
    survey = Survey.objects.create(code="expectation", name={"en": "Expectations"}, kind="expectation")
    version = SurveyVersion.objects.create(survey=survey, number=1, status="published")
    question = Question.objects.create(version=version, code="expectations", position=1, kind="single", text={"en": "?"})
    made = {}
    for name, created, reply_after in [
        ("e1", T, 1),
        ("e2", T, 5),
        ("e3", T, None),
        ("e4", T, 2),
        ("e5", T + timedelta(days=30), 3),
    ]:
        reply = created + timedelta(hours=reply_after) if reply_after else None
        made[name] = f.make_interaction(agent, channel="email", created_at=created, first_reply_at=reply)
    chat = f.make_interaction(agent, channel="chat", created_at=T, first_reply_at=T + timedelta(hours=10))
    for name, code in [("e1", "met"), ("e2", "below"), ("e4", "above")]:
        _answer(made[name], question, code)
    _answer(chat, question, "below")
    return ServicePromise.objects.create(
        text="We answer e-mails within 4 hours", measure="first_response", channel="email", within_hours=4, promised_percent=90
    )


def test_the_report_works_out_promised_delivered_and_expected(worked: ServicePromise, qa_lead: User) -> None:
    report = reliability_report(actor=qa_lead, date_from=T.date(), date_to=NOW.date(), now=NOW)[0]
    november, december = report.periods
    assert (november.delivered.part, november.delivered.whole) == (2, 4)
    assert (november.expected.part, november.expected.whole) == (2, 3)
    assert november.gaps.promise_gap == pytest.approx(-40.0)
    assert november.gaps.expectation_gap == pytest.approx(200 / 3 - 50)
    assert (december.delivered.part, december.delivered.whole, december.expected.whole) == (1, 1, 0)
    assert (report.delivered.part, report.delivered.whole) == (3, 5)


@pytest.mark.parametrize("persona", ["qa_lead", "manager", "admin_user"])
def test_leads_and_managers_open_the_page(persona: str, request: pytest.FixtureRequest, worked: ServicePromise) -> None:
    page = page_client(request.getfixturevalue(persona)).get(
        "/reliability/", {"date_from": "2026-11-01", "date_to": "2026-12-31"}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "We answer e-mails within 4 hours" in text
    assert "50.0 %" in text and "-40.0" in text


@pytest.mark.parametrize("persona", ["agent_user", "reviewer", "team_lead"])
@pytest.mark.parametrize("url", ["/reliability/", "/api/v1/reliability/report", "/api/v1/reliability/promises"])
def test_others_get_404_everywhere(persona: str, url: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(persona)
    client = api_client(user) if url.startswith("/api/") else page_client(user)
    assert client.get(url).status_code == 404


def test_the_api_gives_the_same_figures(worked: ServicePromise, manager: User) -> None:
    data = api_client(manager).get("/api/v1/reliability/report", RANGE).json()
    november = data[0]["periods"][0]
    assert (november["period"], november["delivered"]["percent"], november["promise_gap"]) == ("2026-11-01", 50.0, -40.0)
    assert data[0]["promise"]["channel"] == "email"


def test_a_qa_lead_adds_a_promise_and_a_manager_may_not(qa_lead: User, manager: User) -> None:
    body = {"text": "Refunds within 5 days", "measure": "resolution", "within_hours": 120}
    assert api_client(manager).post("/api/v1/reliability/promises", body, content_type="application/json").status_code == 403
    assert api_client(qa_lead).post("/api/v1/reliability/promises", body, content_type="application/json").status_code == 201
    unknown = api_client(qa_lead).post("/api/v1/reliability/promises", {**body, "label": "nope"}, content_type="application/json")
    assert unknown.status_code == 422
    page = page_client(qa_lead).post(
        "/reliability/",
        {
            "text": "Chats within 1 h",
            "measure": "first_response",
            "within_hours": "1",
            "promised_percent": "80",
            "channel": "chat",
        },
    )
    assert page.status_code == 302
    assert sorted(ServicePromise.objects.values_list("text", flat=True)) == ["Chats within 1 h", "Refunds within 5 days"]


def test_the_demo_sets_its_promises_once_however_often_it_loads() -> None:
    assert demo_promises_create() == demo_promises_create()
    assert ServicePromise.objects.count() == 4
