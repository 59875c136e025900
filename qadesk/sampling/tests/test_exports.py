"""Downloading the coverage report: agents by name and channels by label, through the page and the API."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from qadesk.accounts.models import Agent, User
from qadesk.reviews.models import ReviewAssignment
from qadesk.sampling.models import SamplingPlan
from qadesk.sampling.services import sampling_plan_run
from qadesk.sampling.tests.conftest import WEEK
from qadesk.testing.clients import api_client, page_client
from qadesk.testing.exports import read_csv, read_number, read_xlsx, sheet_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(plan: SamplingPlan, week_interactions: list[Agent], qa_lead: User) -> SamplingPlan:
    agent = week_interactions[0]
    agent.display_name = "Anna Rossi"
    agent.save()
    sampling_plan_run(plan=plan, actor=qa_lead, period_start=WEEK)
    ReviewAssignment.objects.filter(pk=ReviewAssignment.objects.filter(interaction__agent=agent).first().pk).update(status="done")  # type: ignore[union-attr]
    return plan


def get(user: User, door: str, plan: SamplingPlan, **params: str) -> object:
    if door == "page":
        return page_client(user).get(f"/sampling/{plan.pk}/coverage/export/", params)
    return api_client(user).get(f"/api/v1/sampling/plans/{plan.pk}/coverage/export", params)


@pytest.mark.parametrize("door", ["page", "api"])
@pytest.mark.parametrize("language", ["en", "it", "fr"])
def test_it_downloads_coverage_with_names_and_labels(drawn: SamplingPlan, qa_lead: User, door: str, language: str) -> None:
    qa_lead.language = language
    qa_lead.save()
    header, *rows = read_csv(get(qa_lead, door, drawn), language)
    with translation.override(language):
        assert header[1] == gettext("Name")
        agent, channel, phone = gettext("Agent"), gettext("Channel"), gettext("Phone")
    anna = next(r for r in rows if r[0] == agent and r[1] == "Anna Rossi")  # the name, not a.rossi
    assert read_number(anna[4], language) == 25.0
    assert phone in [r[1] for r in rows if r[0] == channel]  # the channel's label, not "phone"


def test_the_coverage_page_names_agents_and_channels(drawn: SamplingPlan, qa_lead: User) -> None:
    qa_lead.language = "it"
    qa_lead.save()
    html = page_client(qa_lead).get(f"/sampling/{drawn.pk}/coverage/").content.decode()
    assert "<td>Anna Rossi</td>" in html and "<td>a.rossi</td>" not in html
    assert "<td>Telefono</td>" in html and "<td>phone</td>" not in html


@pytest.mark.parametrize("door", ["page", "api"])
def test_it_downloads_coverage_as_xlsx(drawn: SamplingPlan, qa_lead: User, door: str) -> None:
    rows = sheet_rows(read_xlsx(get(qa_lead, door, drawn, format="xlsx")))
    cell = next(r["Coverage (%)"] for r in rows if r["Name"].value == "Anna Rossi")
    assert (cell.value, cell.data_type, cell.number_format) == (25.0, "n", "0.00")


@pytest.mark.parametrize("persona", ["agent_user", "team_lead"])
def test_agents_and_team_leads_cannot_download_coverage(
    drawn: SamplingPlan, persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    assert get(user, "page", drawn).status_code == 404  # type: ignore[attr-defined]
    assert get(user, "api", drawn).status_code == 404  # type: ignore[attr-defined]
