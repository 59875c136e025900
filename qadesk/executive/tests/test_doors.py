"""Through the user's doors: the page (managers and admins only), baselines and targets, recipients, the PDF and the
`qadesk report executive` command."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from pypdf import PdfReader

from qadesk.accounts.models import User
from qadesk.executive.models import Baseline, DigestSubscription, HeadlineTarget
from qadesk.executive.pdf import summary_pdf_bytes
from qadesk.executive.selectors import executive_summary
from qadesk.executive.tests.conftest import NOVEMBER, Worked


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", ["agent_user", "reviewer", "team_lead", "qa_lead"])
def test_only_managers_and_admins_find_the_executive_pages(persona: str, request: pytest.FixtureRequest) -> None:
    client = _client(request.getfixturevalue(persona))
    for path in ("/executive/", "/executive/report.pdf", "/executive/targets/", "/executive/digest/"):
        assert client.get(path).status_code == 404, path


def test_the_manager_sees_every_section_sparklines_and_what_changed(worked: Worked, manager: User) -> None:
    page = _client(manager).get("/executive/", {"period": "month", "day": "2026-11-15"})
    assert page.status_code == 200
    html = page.content.decode()
    for title in ("Quality delivered", "Quality received", "Value and cost", "Efficiency", "Competence"):
        assert title in html
    assert html.count('class="sparkline"') == 11
    assert "no data in the period" in html and "not available yet" not in html  # no costs or training recorded
    changed = html.split('id="changed"')[1].split("</section>")[0]
    assert "IQS 95.0" in changed and "CSAT" not in changed
    assert "Executive summary" in _client(manager).get("/").content.decode()  # the sidebar entry


def test_the_page_writes_numbers_as_the_reader_does(worked: Worked, admin_user: User) -> None:
    admin_user.language = "it"
    admin_user.save()
    client = _client(admin_user)
    client.cookies["django_language"] = "it"
    html = client.get("/executive/", {"period": "month", "day": "2026-11-15"}, HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Qualità erogata" in html and "95,0" in html


def test_the_manager_captures_a_baseline_and_sets_targets_on_the_page(worked: Worked, manager: User) -> None:
    client = _client(manager)
    response = client.post("/executive/targets/", {"action": "baseline", "start": "2026-10-01", "end": "2026-10-31"})
    assert response.status_code == 302
    assert Baseline.objects.get(headline="iqs").value == 75.0
    response = client.post("/executive/targets/", {"action": "targets", "iqs": "90", "aht": "240"})
    assert response.status_code == 302
    assert dict(HeadlineTarget.objects.values_list("headline", "value")) == {"iqs": 90.0, "aht": 240.0}
    bad = client.post("/executive/targets/", {"action": "baseline", "start": "2026-10-31", "end": "2026-10-01"})
    assert bad.status_code == 200 and "The end comes before the start." in bad.content.decode()
    html = client.get("/executive/", {"period": "month", "day": "2026-11-15"}).content.decode()
    assert "met" in html.split('id="headline-iqs"')[1].split("</tr>")[0]


def test_the_manager_chooses_who_receives_the_digest(manager: User, admin_user: User, agent_user: User) -> None:
    admin_user.email, admin_user.first_name, admin_user.last_name = "ada@example.com", "Ada", "Rossi"
    admin_user.save()
    client = _client(manager)
    assert client.post("/executive/digest/", {"user": admin_user.pk, "frequency": "weekly"}).status_code == 302
    subscription = DigestSubscription.objects.get()
    assert subscription.frequency == "weekly"
    assert "Ada Rossi" in client.get("/executive/digest/").content.decode()
    refused = client.post("/executive/digest/", {"user": agent_user.pk, "frequency": "weekly"})
    assert refused.status_code == 200 and DigestSubscription.objects.count() == 1  # an agent is not a choice
    assert client.post(f"/executive/digest/{subscription.pk}/delete/").status_code == 302
    assert not DigestSubscription.objects.exists()


def test_the_pdf_renders_and_holds_the_figures(worked: Worked, manager: User) -> None:
    response = _client(manager).get("/executive/report.pdf", {"period": "month", "day": "2026-11-15"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("Executive summary", "IQS", "95.0", "Average handle time", "250 s", "no data in the period", "significant"):
        assert expected in text, expected


def test_the_pdf_speaks_the_readers_language(worked: Worked) -> None:
    from django.utils import translation

    with translation.override("fr"):
        data = summary_pdf_bytes(executive_summary(start=NOVEMBER[0], end=NOVEMBER[1], granularity="month"))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Synthèse de direction" in text and "95,0" in text


def test_the_command_prints_json_csv_and_writes_a_pdf(worked: Worked, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("qreport", "executive", "--from", "2026-11-01", "--to", "2026-11-30", stdout=out)
    report = json.loads(out.getvalue())
    assert report["previous_from"] == "2026-10-02"  # the same 30 days just before
    iqs = next(h for h in report["headlines"] if h["code"] == "iqs")
    assert iqs["value"] == 95.0 and iqs["n"] == 10
    out = io.StringIO()
    call_command("qreport", "executive", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("code,section,unit") and len(lines) == 12
    target = tmp_path / "summary.pdf"
    call_command("qreport", "executive", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "pdf", "--file", str(target))
    assert "IQS" in PdfReader(str(target)).pages[0].extract_text()
    with pytest.raises(CommandError, match="after the end"):
        call_command("qreport", "executive", "--from", "2026-11-30", "--to", "2026-11-01", stdout=io.StringIO())
