"""Downloading the dispute list through the page and the API, in the reader's language; only disputes they may see."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from qadesk.accounts.models import User
from qadesk.disputes.models import Dispute
from qadesk.disputes.services import ContestedCriterion, dispute_open
from qadesk.disputes.tests.test_views import submitted
from qadesk.interactions.models import Interaction
from qadesk.reviews.tests.helpers import criteria_by_code
from qadesk.scorecards.models import ScorecardVersion
from qadesk.testing.clients import api_client, page_client
from qadesk.testing.exports import read_csv, read_xlsx, sheet_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispute(reviewer: User, interaction: Interaction, agent_user: User, default_scorecard: ScorecardVersion) -> Dispute:
    review = submitted(reviewer, interaction, default_scorecard, empathy=1)
    c = criteria_by_code(default_scorecard)
    return dispute_open(review=review, actor=agent_user, argument="=1+1 I did", items=[ContestedCriterion(c["empathy"].pk, 4)])


def get(user: User, door: str, **params: str) -> object:
    if door == "page":
        return page_client(user).get("/disputes/export/", params)
    return api_client(user).get("/api/v1/disputes/export", params)


@pytest.mark.parametrize("door", ["page", "api"])
@pytest.mark.parametrize("language", ["en", "it", "fr"])
def test_it_downloads_the_disputes_in_the_users_language(dispute: Dispute, qa_lead: User, door: str, language: str) -> None:
    qa_lead.language = language
    qa_lead.save()
    header, *rows = read_csv(get(qa_lead, door), language)
    with translation.override(language):
        assert header[0] == gettext("Dispute") and header[12] == gettext("Status")
        assert rows[0][12] == str(dispute.get_status_display())  # the label, not the code
    assert [int(r[0]) for r in rows] == [dispute.pk]
    assert rows[0][7] == "1"


@pytest.mark.parametrize("door", ["page", "api"])
def test_it_downloads_the_disputes_as_xlsx_with_dates(dispute: Dispute, qa_lead: User, door: str) -> None:
    (row,) = sheet_rows(read_xlsx(get(qa_lead, door, format="xlsx")))
    assert row["Dispute"].value == dispute.pk and row["Dispute"].data_type == "n"
    assert row["Opened"].is_date and row["Due"].is_date
    assert row["Overdue"].value == "no"


@pytest.mark.parametrize("door", ["page", "api"])
def test_an_agent_of_another_team_downloads_none_of_them(dispute: Dispute, other_team_agent_user: User, door: str) -> None:
    _header, *rows = read_csv(get(other_team_agent_user, door), "en")
    assert rows == []


def test_the_page_export_keeps_the_lists_filters(dispute: Dispute, qa_lead: User) -> None:
    _header, *rows = read_csv(get(qa_lead, "page", status="decided"), "en")
    assert rows == []
    html = page_client(qa_lead).get("/disputes/", {"status": "open"}).content.decode()
    assert 'href="/disputes/export/?status=open&amp;format=xlsx"' in html
