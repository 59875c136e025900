"""The quality report page and its CSV download, through the HTTP door."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from qadesk.accounts.models import OrgSettings, User
from qadesk.analytics.exports import CSV_COLUMNS, CSV_HEADERS
from qadesk.testing.clients import body

from .conftest import ReportData

pytestmark = pytest.mark.django_db
URL = reverse("analytics:quality")


def test_it_renders_figures_chart_data_and_not_conclusive_marks(
    client: Client, qa_lead: User, report_data: ReportData, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(qa_lead)
    OrgSettings.load()  # created once per install; not part of the page's steady cost
    # session, user, settings, rollup state, totals, groups, agent names, criteria sums, criteria, root causes, their criteria
    with django_assert_max_num_queries(11):
        response = client.get(URL, {"by": "agent", "date_from": "2026-09-01", "date_to": "2026-11-30"})
    assert response.status_code == 200
    page = body(response).decode()
    assert "A.Rossi" in page and "50.31–99.82" in page and "not conclusive" in page
    assert 'id="report-data"' in page and "analytics/quality.js" in page
    assert "Reason misread" in page and "Correct label" in page
    assert response.context["report"].totals.n == 7


def test_it_marks_only_non_conclusive_rows(client: Client, qa_lead: User, report_data: ReportData) -> None:
    client.force_login(qa_lead)
    page = client.get(URL, {"by": "team"}).content.decode()
    assert page.count('class="not-conclusive"') == 1  # Lyon Livraisons: 2 reviews


def test_it_shows_an_agent_only_their_own_reviews(client: Client, agent_user: User, report_data: ReportData) -> None:
    client.force_login(agent_user)
    response = client.get(URL)
    assert response.status_code == 200
    assert [g.label for g in response.context["report"].groups] == ["A.Rossi"]
    assert "B.Martin" not in body(response).decode()


def test_it_downloads_the_group_table_as_csv(client: Client, qa_lead: User, report_data: ReportData) -> None:
    client.force_login(qa_lead)
    response = client.get(URL, {"by": "channel", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    content = body(response)
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: Excel reads the accents right
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [(r["Group"], r["Reviews"], r["IQS"]) for r in rows] == [("E-mail", "5", "90.0"), ("Chat", "2", "80.0")]


def test_the_csv_download_is_in_the_users_language_for_their_spreadsheet(
    client: Client, qa_lead: User, report_data: ReportData
) -> None:
    qa_lead.language = "it"
    qa_lead.save()
    client.force_login(qa_lead)
    text = body(client.get(URL, {"by": "channel", "format": "csv"})).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))  # Italian spreadsheets split cells on semicolons
    with translation.override("it"):
        headers = [str(CSV_HEADERS[name]) for name in CSV_COLUMNS]
        yes_no = {gettext("yes"), gettext("no")}
    assert rows[0] == headers and headers[2] != "Reviews"
    by_name = {row[0]: dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert (by_name["email"]["n"], by_name["email"]["iqs"]) == ("5", "90,0")  # decimal comma
    assert by_name["email"]["conclusive"] in yes_no


def test_it_explains_a_reversed_date_range_instead_of_failing(client: Client, qa_lead: User) -> None:
    client.force_login(qa_lead)
    response = client.get(URL, {"date_from": "2026-10-01", "date_to": "2026-09-01"}, follow=True)
    assert response.status_code == 200
    assert response.context["report"] is None
    assert "The start date is after the end date." in [str(m) for m in response.context["messages"]]


def test_it_sends_anonymous_visitors_to_the_login_page(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]
