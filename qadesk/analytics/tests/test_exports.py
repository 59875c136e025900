"""Downloading the quality report's group table and the statistics tables, through the page and the API."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from qadesk.accounts.models import User
from qadesk.testing.clients import api_client, page_client
from qadesk.testing.exports import read_csv, read_number, read_xlsx, sheet_rows

from .conftest import ReportData

pytestmark = pytest.mark.django_db
YEAR = {"date_from": "2026-01-01", "date_to": "2026-12-31"}
API_YEAR = {"from": "2026-01-01", "to": "2026-12-31"}


def get(user: User, door: str, what: str, **params: str) -> object:
    if door == "page":
        page = {"quality": "/reports/quality/export/", "precision": "/reports/statistics/export/"}[what]
        extra = {"table": "precision"} if what == "precision" else {}
        return page_client(user).get(page, {**YEAR, **extra, **params})
    return api_client(user).get(f"/api/v1/reports/{what}/export", {**API_YEAR, **params})


@pytest.mark.parametrize("door", ["page", "api"])
@pytest.mark.parametrize("language", ["en", "it", "fr"])
def test_it_downloads_the_quality_table_in_the_users_language(
    report_data: ReportData, qa_lead: User, door: str, language: str
) -> None:
    qa_lead.language = language
    qa_lead.save()
    header, *rows = read_csv(get(qa_lead, door, "quality", by="channel"), language)
    with translation.override(language):
        assert header[1:4] == [gettext("Group"), gettext("Reviews"), gettext("IQS")]
        email = gettext("E-mail")
    by_label = {r[1]: r for r in rows}
    assert read_number(by_label[email][3], language) == 90.0
    assert by_label[email][2] == "5"


@pytest.mark.parametrize("door", ["page", "api"])
def test_it_downloads_the_quality_table_as_xlsx(report_data: ReportData, qa_lead: User, door: str) -> None:
    rows = sheet_rows(read_xlsx(get(qa_lead, door, "quality", by="agent", format="xlsx")))
    row = next(r for r in rows if r["Reviews"].value == 5)
    assert (row["IQS"].value, row["IQS"].data_type, row["IQS"].number_format) == (90.0, "n", "0.0")
    assert row["Rank"].value == 1 and row["Conclusive (yes/no)"].value == "yes"


@pytest.mark.parametrize("door", ["page", "api"])
def test_an_agent_downloads_only_their_own_quality(report_data: ReportData, agent_user: User, door: str) -> None:
    _header, *rows = read_csv(get(agent_user, door, "quality", by="agent"), "en")
    assert [r[2] for r in rows] == ["5"]  # a.rossi's own 5 reviews, not b.martin's


@pytest.mark.parametrize("door", ["page", "api"])
@pytest.mark.parametrize("language", ["it", "fr"])
def test_it_downloads_the_precision_table(report_data: ReportData, qa_lead: User, door: str, language: str) -> None:
    qa_lead.language = language
    qa_lead.save()
    header, *rows = read_csv(get(qa_lead, door, "precision"), language)
    with translation.override(language):
        assert header[0] == gettext("Group") and header[8] == gettext("Reviews needed")
    row = next(r for r in rows if r[1] == "5")
    assert read_number(row[2], language) == 90.0


def test_the_statistics_export_of_the_reviewers_table_names_people(report_data: ReportData, qa_lead: User) -> None:
    response = page_client(qa_lead).get("/reports/statistics/export/", {**YEAR, "table": "reviewers", "show_all": "on"})
    header, *_rows = read_csv(response, "en")
    assert header[0] == "Reviewer"
    assert page_client(qa_lead).get("/reports/statistics/export/", {"table": "nope"}).status_code == 400


def test_the_quality_page_still_answers_format_csv(report_data: ReportData, qa_lead: User) -> None:
    response = page_client(qa_lead).get("/reports/quality/", {**YEAR, "by": "channel", "format": "xlsx"})
    assert len(sheet_rows(read_xlsx(response))) == 2


def test_a_report_that_cannot_be_made_answers_its_reason(qa_lead: User) -> None:
    response = page_client(qa_lead).get("/reports/quality/export/", {"date_from": "2026-12-31", "date_to": "2026-01-01"})
    assert response.status_code == 400 and b"start date is after the end date" in response.content
