"""The quality report grouped by a declared custom field (`by=field:<key>`) on the page, the API and the CLI."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from qadesk.analytics.selectors import quality_report
from qadesk.interactions.models import CustomField

from .conftest import at, make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_reviews(agent, reviewer, default_scorecard):
    """gold: 90 and 80; silver: 60; a contact without the field: 70 (and a value of an undeclared field, ignored)."""
    CustomField.objects.create(key="plan", label="Plan", type="choice", choices=["gold", "silver"], names={"fr": "Formule"})
    for score, fields in [(90, {"plan": "gold"}), (80, {"plan": "gold", "x": 1}), (60, {"plan": "silver"}), (70, {})]:
        make_review(agent, default_scorecard, reviewer, score, submitted_at=at(10, 5), custom_fields=fields)


def _groups(groups) -> dict[str, tuple[int, float | None]]:
    return {
        g["label"] if isinstance(g, dict) else g.label: (g["n"], g["iqs"]) if isinstance(g, dict) else (g.n, g.iqs)
        for g in groups
    }


def test_the_report_groups_reviews_by_a_custom_fields_value(qa_lead, plan_reviews):
    report = quality_report(actor=qa_lead, by="field:plan", date_from=None, date_to=None)
    assert _groups(report.groups) == {"gold": (2, 85.0), "silver": (1, 60.0), "(none)": (1, 70.0)}
    assert report.totals.n == 4 and report.by == "field:plan"
    through_rollup = quality_report(actor=qa_lead, by="agent", date_from=None, date_to=None)
    assert through_rollup.totals.n == 4 and through_rollup.totals.iqs == report.totals.iqs


def test_the_page_offers_declared_fields_and_groups_by_them(client, qa_lead, plan_reviews):
    client.force_login(qa_lead)
    page = client.get(reverse("analytics:quality"), {"by": "field:plan"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="field:plan" selected' in html
    table = html.split("<tbody")[1].split("</tbody>")[0]
    assert "gold" in table and "silver" in table
    csv = client.get(reverse("analytics:quality_export"), {"by": "field:plan", "format": "csv"})
    assert csv.status_code == 200 and "quality-by-field-plan" in csv["Content-Disposition"]
    assert client.get(reverse("analytics:quality"), {"by": "field:nope"}).status_code == 200  # the form refuses it
    assert 'value="field:nope"' not in client.get(reverse("analytics:quality"), {"by": "field:nope"}).content.decode()


def test_the_api_groups_by_a_declared_field_and_refuses_others(client, qa_lead, plan_reviews):
    client.force_login(qa_lead)
    body = client.get("/api/v1/reports/quality", {"by": "field:plan"}).json()
    assert body["by"] == "field:plan"
    assert _groups(body["groups"]) == {"gold": (2, 85.0), "silver": (1, 60.0), "(none)": (1, 70.0)}
    unknown = client.get("/api/v1/reports/quality", {"by": "field:nope"})
    assert unknown.status_code == 400 and "nope" in unknown.json()["detail"]
    assert client.get("/api/v1/reports/quality", {"by": "field:a b"}).status_code == 422


def test_the_cli_groups_by_a_declared_field(plan_reviews):
    out = StringIO()
    call_command("qreport", "quality", "--by", "field:plan", stdout=out)
    assert _groups(json.loads(out.getvalue())["groups"]) == {"gold": (2, 85.0), "silver": (1, 60.0), "(none)": (1, 70.0)}
    with pytest.raises(CommandError, match="nope"):
        call_command("qreport", "quality", "--by", "field:nope", stdout=StringIO())
