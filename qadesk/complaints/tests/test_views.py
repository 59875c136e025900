"""The register's pages through the test client: visibility per persona, logging from an interaction, the detail page's
forms, exports, the report page, and customer-written text rendered as text."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from qadesk.complaints.models import Complaint
from qadesk.complaints.services import complaint_act, complaint_transition
from qadesk.complaints.tests.factories import make_category, make_complaint
from qadesk.interactions.models import Customer, Interaction
from qadesk.testing.clients import body, page_client

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def mine(qa_lead, interaction):
    """A complaint on the agent's contact (team "Milano Ordini")."""
    return make_complaint(qa_lead, interactions=[interaction], description="Mine")


@pytest.fixture
def theirs(qa_lead, other_interaction):
    """A complaint on another team's contact."""
    return make_complaint(qa_lead, interactions=[other_interaction], description="Theirs")


@pytest.mark.parametrize(
    ("persona", "sees_mine", "sees_theirs"),
    [
        ("qa_lead", True, True),
        ("manager", True, True),
        ("admin_user", True, True),
        ("team_lead", True, False),
        ("agent_user", True, False),
        ("other_team_agent_user", False, True),
        ("reviewer", False, False),
    ],
)
def test_each_persona_sees_only_their_complaints_on_list_detail_and_export(
    request, persona, sees_mine, sees_theirs, mine, theirs
) -> None:
    client = page_client(request.getfixturevalue(persona))
    listed = client.get("/complaints/").content.decode()
    exported = body(client.get("/complaints/export/")).decode("utf-8-sig")
    for complaint, expected in ((mine, sees_mine), (theirs, sees_theirs)):
        assert (f'href="/complaints/{complaint.pk}/"' in listed) is expected
        assert (complaint.description in exported) is expected
        assert client.get(f"/complaints/{complaint.pk}/").status_code == (200 if expected else 404)


def test_an_agent_logs_a_complaint_from_their_interaction_page(agent_user, interaction) -> None:
    make_category("delivery_x", hours=24)
    client = page_client(agent_user)
    page = client.get(f"/interactions/{interaction.pk}/").content.decode()
    assert f"/complaints/new/?interaction={interaction.pk}" in page
    category = make_category("late", hours=24)
    response = client.post(
        "/complaints/new/",
        {"interaction": interaction.pk, "category": category.pk, "severity": "high", "description": "Hung up on me"},
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/complaints/{complaint.pk}/"
    assert list(complaint.interactions.all()) == [interaction]
    assert Interaction.objects.get(pk=interaction.pk).complaint is True
    assert complaint.created_by == agent_user
    assert client.get(f"/complaints/{complaint.pk}/").status_code == 200
    # The interaction's page now lists the complaint, for those who may see it.
    assert f'href="/complaints/{complaint.pk}/"' in client.get(f"/interactions/{interaction.pk}/").content.decode()


def test_nobody_logs_a_complaint_on_an_interaction_they_cannot_see(other_team_agent_user, interaction) -> None:
    category = make_category()
    client = page_client(other_team_agent_user)
    assert client.get(f"/complaints/new/?interaction={interaction.pk}").status_code == 404
    data = {"interaction": interaction.pk, "category": category.pk, "severity": "low", "description": "x"}
    assert client.post("/complaints/new/", data).status_code == 404
    assert not Complaint.objects.exists()


def test_a_manager_reads_but_does_not_log(manager) -> None:
    client = page_client(manager)
    assert client.get("/complaints/new/").status_code == 404
    assert "/complaints/new/" not in client.get("/complaints/").content.decode()


def test_the_detail_page_records_actions_and_closes_with_root_cause_and_outcome(qa_lead, mine) -> None:
    client = page_client(qa_lead)
    assert client.post(f"/complaints/{mine.pk}/act/", {"kind": "contact", "body": "Rang the customer"}).status_code == 302
    assert client.post(f"/complaints/{mine.pk}/status/", {"status": "in_progress"}).status_code == 302
    refused = client.post(f"/complaints/{mine.pk}/status/", {"status": "resolved", "root_cause": "", "outcome": ""})
    assert refused.status_code == 400 and "root cause and the outcome" in refused.content.decode()
    data = {"status": "resolved", "root_cause": "Carrier lost it", "outcome": "Refund"}
    assert client.post(f"/complaints/{mine.pk}/status/", data).status_code == 302
    page = client.get(f"/complaints/{mine.pk}/").content.decode()
    assert "Rang the customer" in page and "Carrier lost it" in page
    # Closed: a second close (an old tab) is refused with the reason, and the forms are gone.
    again = client.post(f"/complaints/{mine.pk}/status/", {"status": "rejected", "root_cause": "x", "outcome": "y"}, follow=True)
    assert "cannot become" in again.content.decode()
    assert f'action="/complaints/{mine.pk}/act/"' not in page
    assert Complaint.objects.get(pk=mine.pk).status == "resolved"


def test_someone_who_only_sees_it_cannot_act_on_it(agent_user, mine) -> None:
    client = page_client(agent_user)
    page = client.get(f"/complaints/{mine.pk}/").content.decode()
    assert f'action="/complaints/{mine.pk}/act/"' not in page
    client.post(f"/complaints/{mine.pk}/act/", {"kind": "note", "body": "sneaky"})
    assert not mine.actions.exists()
    assert client.get(f"/complaints/{mine.pk}/edit/").status_code == 404


def test_the_edit_page_changes_the_owner(qa_lead, reviewer, mine) -> None:
    client = page_client(qa_lead)
    data = {
        "category": mine.category_id,
        "severity": "critical",
        "phase": "",
        "description": "Mine, edited",
        "owner": reviewer.pk,
    }
    assert client.post(f"/complaints/{mine.pk}/edit/", data).status_code == 302
    mine.refresh_from_db()
    assert (mine.severity, mine.owner, mine.description) == ("critical", reviewer, "Mine, edited")


def test_unlinking_on_the_page_clears_the_flag(qa_lead, mine, interaction) -> None:
    page_client(qa_lead).post(f"/complaints/{mine.pk}/unlink/{interaction.pk}/")
    assert not mine.interactions.exists()
    assert Interaction.objects.get(pk=interaction.pk).complaint is False


def test_customer_text_is_shown_as_text_on_every_page(qa_lead, interaction) -> None:
    complaint = make_complaint(qa_lead, interactions=[interaction], description=XSS, owner=qa_lead)
    complaint_act(complaint=complaint, actor=qa_lead, kind="note", body=XSS)
    complaint_transition(complaint=complaint, actor=qa_lead, status="rejected", root_cause=XSS, outcome=XSS)
    client = page_client(qa_lead)
    for url in (f"/complaints/{complaint.pk}/", "/complaints/", "/complaints/report/"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in client.get(f"/complaints/{complaint.pk}/").content.decode()


def test_the_list_filters_and_sorts(qa_lead, team, other_team) -> None:
    late = make_complaint(qa_lead, team=team, created_at=timezone.now() - timedelta(days=10), severity="low")
    fresh = make_complaint(qa_lead, team=other_team, severity="critical")
    client = page_client(qa_lead)

    def ids(query: str) -> list[int]:
        return [c.pk for c in client.get(f"/complaints/?{query}").context["page_obj"]]

    assert ids("overdue=on") == [late.pk]
    assert ids(f"team={other_team.pk}") == [fresh.pk]
    assert ids(f"category={late.category_id}") == [late.pk]
    assert ids("sort=created") == [late.pk, fresh.pk]
    assert ids("sort=-severity") == [fresh.pk, late.pk]
    assert ids("status=resolved") == []


def test_the_list_downloads_as_xlsx_and_as_italian_csv(qa_lead, mine) -> None:
    client = page_client(qa_lead)
    sheet = load_workbook(io.BytesIO(body(client.get("/complaints/export/?format=xlsx")))).active
    rows = list(sheet.values)
    assert rows[0][0] == "Complaint" and rows[1][0] == mine.pk
    qa_lead.language = "it"
    qa_lead.save()
    text = body(page_client(qa_lead).get("/complaints/export/")).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Reclamo;")


def test_the_report_page_shows_counts_and_repeat_complainants(qa_lead, interaction) -> None:
    customer = Customer.objects.create(external_id="C-42")
    make_complaint(qa_lead, customer=customer)
    make_complaint(qa_lead, customer=customer)
    page = page_client(qa_lead).get("/complaints/report/?by=category").content.decode()
    assert "C-42" in page and "2 complaints" in page


def test_the_list_page_and_the_api_list_take_as_many_queries_for_ten_complaints_as_for_two(qa_lead, reviewer) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qadesk.testing.clients import api_client

    page, api = page_client(qa_lead), api_client(qa_lead)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as on_page:
            assert page.get("/complaints/").status_code == 200
        with CaptureQueriesContext(connection) as on_api:
            assert api.get("/api/v1/complaints").status_code == 200
        return len(on_page), len(on_api)

    for _ in range(2):
        make_complaint(qa_lead, owner=reviewer, customer=Customer.objects.create(external_id=f"C{_}"))
    queries()  # the token's first use writes its last-used time once
    few = queries()
    for i in range(8):
        make_complaint(qa_lead, owner=reviewer, customer=Customer.objects.create(external_id=f"D{i}"))
    assert queries() == few


def test_the_report_page_writes_numbers_and_dates_the_italian_way(qa_lead) -> None:
    from qadesk.complaints.services import complaint_transition as move

    category = make_category("late", hours=10)
    for hours_ago in (1, 2, 3, 30):  # closed now: three within the 10 h target, one after it
        complaint = make_complaint(qa_lead, category=category, created_at=timezone.now() - timedelta(hours=hours_ago))
        move(complaint=complaint, actor=qa_lead, status="rejected", root_cause="x", outcome="y")
    qa_lead.language = "it"
    qa_lead.save()
    client = page_client(qa_lead)
    page = client.get("/complaints/report/").content.decode()
    assert "Report dei reclami" in page and "75,0 %" in page and "2,5 h" in page  # median of 1, 2, 3, 30 hours
    assert "Chiusi entro l&#x27;obiettivo" in page or "Chiusi entro l'obiettivo" in page
    detail = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "Respinto" in detail
    month = timezone.localtime(complaint.created_at).month
    assert ["gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"][month - 1] in detail
