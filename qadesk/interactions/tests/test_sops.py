"""The SOP catalogue as data (issue 12): imported and exported as YAML/JSON through the CLI and the API, edited on its
page by QA leads, shown beside the transcript on the scoring screen, and created as placeholders by an import."""

import json
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from qadesk.imports.services import interactions_import
from qadesk.interactions.models import Interaction, Label, Sop
from qadesk.interactions.selectors import sop_catalogue_export
from qadesk.interactions.services import sop_catalogue_import
from qadesk.interactions.sops import steps_read
from qadesk.reviews.models import Review
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db

CATALOGUE = """
sops:
  - code: SOP-REF-01
    title: Refund
    labels: [refund_request, damaged_item]
    steps:
      - text: Verify identity
        evidence: [account-lookup, "can you confirm your order number"]
      - text: Offer a voucher
        required: false
      - text: Issue the refund
        evidence: [refund-issued]
        forbidden: [refund before identity check]
  - code: SOP-INF-01
    title: Product information
    steps: [Identify the product, Answer from the product sheet]
"""


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("sop", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_a_catalogue_from_the_cli_and_a_second_import_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "sops.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    assert "created 2, updated 0, unchanged 0" in run("import", str(path))[0]
    refund = Sop.objects.get(code="SOP-REF-01")
    assert sorted(refund.labels.values_list("code", flat=True)) == ["damaged_item", "refund_request"]
    assert [(s["text"], s["required"]) for s in refund.steps] == [
        ("Verify identity", True),
        ("Offer a voucher", False),
        ("Issue the refund", True),
    ]
    assert refund.steps[0]["evidence"] == ["account-lookup", "can you confirm your order number"]
    assert refund.steps[2]["forbidden"] == ["refund before identity check"]
    assert Sop.objects.get(code="SOP-INF-01").steps[1] == {
        "text": "Answer from the product sheet",
        "required": True,
        "evidence": [],
        "forbidden": [],
    }
    assert "created 0, updated 0, unchanged 2" in run("import", str(path))[0]
    assert Sop.objects.count() == 2 and Label.objects.count() == 2


def test_the_export_reads_back_as_the_same_catalogue_in_yaml_and_json(tmp_path: Path) -> None:
    sop_catalogue_import(document=yaml.safe_load(CATALOGUE))
    exported, _err = run("export")
    assert yaml.safe_load(exported) == sop_catalogue_export()
    run("export", str(tmp_path / "sops.json"), "--code", "SOP-INF-01")
    document = json.loads((tmp_path / "sops.json").read_text(encoding="utf-8"))
    assert [s["code"] for s in document["sops"]] == ["SOP-INF-01"]
    Sop.objects.all().delete()
    (tmp_path / "all.yaml").write_text(exported, encoding="utf-8")
    run("import", str(tmp_path / "all.yaml"))
    assert sop_catalogue_export() == yaml.safe_load(exported)


def test_a_changed_step_updates_that_sop_only() -> None:
    document = yaml.safe_load(CATALOGUE)
    sop_catalogue_import(document=document)
    document["sops"][1]["steps"].append("Offer a follow-up")
    report = sop_catalogue_import(document=document)
    assert (report.created, report.updated, report.unchanged) == ([], ["SOP-INF-01"], ["SOP-REF-01"])
    assert len(Sop.objects.get(code="SOP-INF-01").steps) == 3


def test_a_catalogue_with_errors_writes_nothing_and_names_each_entry(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "sops:\n  - code: A\n    title: Fine\n  - code: B\n    steps: [{text: x, colour: red}]\n  - code: A\n    title: Again\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("sop", "import", str(path), stdout=StringIO(), stderr=(err := StringIO()))
    lines = err.getvalue().splitlines()
    assert "B: title: is required" in lines
    assert "B: steps[0].colour: is not an accepted field" in lines
    assert "A: code: appears twice in the file" in lines
    assert not Sop.objects.exists()


def test_old_steps_written_as_plain_text_read_as_required_steps() -> None:
    assert steps_read(["Verify identity"]) == [{"text": "Verify identity", "required": True, "evidence": [], "forbidden": []}]


def test_the_api_reads_the_catalogue_and_imports_one_for_qa_leads_only(client: Client, qa_lead, reviewer) -> None:
    document = yaml.safe_load(CATALOGUE)
    client.force_login(reviewer)
    assert client.post("/api/v1/sops/import", document, content_type="application/json").status_code == 403
    client.force_login(qa_lead)
    answer = client.post("/api/v1/sops/import", document, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["created"] == ["SOP-REF-01", "SOP-INF-01"]
    again = client.post("/api/v1/sops/import", document, content_type="application/json").json()
    assert again["unchanged"] == ["SOP-REF-01", "SOP-INF-01"] and again["created"] == []
    bad = client.post("/api/v1/sops/import", {"sops": [{"code": "X"}]}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"] == [{"entry": "X", "field": "title", "message": "is required"}]
    client.force_login(reviewer)
    listed = client.get("/api/v1/sops").json()
    assert [s["code"] for s in listed["sops"]] == ["SOP-INF-01", "SOP-REF-01"]
    assert listed["sops"][1]["steps"][2]["forbidden"] == ["refund before identity check"]


def _form(**steps: str) -> dict[str, str]:
    data = {"code": "SOP-NEW", "title": "New procedure", "labels": "billing, refund_request"}
    data |= {"steps-TOTAL_FORMS": "3", "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000"}
    return data | steps


def test_a_qa_lead_creates_and_edits_an_sop_on_its_page(client: Client, qa_lead) -> None:
    client.force_login(qa_lead)
    assert client.get(reverse("sops:create")).status_code == 200
    data = _form(
        **{
            "steps-0-text": "Greet",
            "steps-0-ORDER": "2",
            "steps-0-required": "on",
            "steps-1-text": "Verify identity",
            "steps-1-ORDER": "1",
            "steps-1-required": "on",
            "steps-1-evidence": "account-lookup\n  \ncan you confirm",
            "steps-1-forbidden": "share the password",
        }
    )
    assert client.post(reverse("sops:create"), data)["Location"] == reverse("sops:list")
    sop = Sop.objects.get(code="SOP-NEW")
    assert [s["text"] for s in sop.steps] == ["Verify identity", "Greet"]
    assert sop.steps[0]["evidence"] == ["account-lookup", "can you confirm"]
    assert sop.steps[0]["forbidden"] == ["share the password"]
    assert sorted(sop.labels.values_list("code", flat=True)) == ["billing", "refund_request"]

    page = client.get(reverse("sops:edit", args=[sop.pk])).content.decode()
    assert 'value="Verify identity"' in page and "account-lookup\ncan you confirm</textarea>" in page
    data = {
        "code": "SOP-NEW",
        "title": "Renamed",
        "labels": "billing",
        "steps-TOTAL_FORMS": "4",
        "steps-INITIAL_FORMS": "2",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-text": "Verify identity",
        "steps-0-ORDER": "1",
        "steps-0-DELETE": "on",
        "steps-1-text": "Greet",
        "steps-1-ORDER": "2",
    }
    client.post(reverse("sops:edit", args=[sop.pk]), data)
    sop.refresh_from_db()
    assert sop.title == "Renamed" and sop.steps == [{"text": "Greet", "required": False, "evidence": [], "forbidden": []}]
    listing = client.get(reverse("sops:list")).content.decode()
    assert "SOP-NEW" in listing and "Renamed" in listing


def test_a_duplicate_code_is_refused_on_the_page(client: Client, qa_lead) -> None:
    Sop.objects.create(code="SOP-NEW", title="Taken")
    client.force_login(qa_lead)
    page = client.post(reverse("sops:create"), _form(**{"steps-0-text": "x"}))
    assert page.status_code == 200 and "Another SOP already has the code SOP-NEW." in page.content.decode()


def test_reviewers_read_the_catalogue_but_cannot_edit_it(client: Client, reviewer, agent_user) -> None:
    sop = Sop.objects.create(code="SOP-X", title="X")
    client.force_login(reviewer)
    page = client.get(reverse("sops:list")).content.decode()
    assert "SOP-X" in page and reverse("sops:create") not in page
    assert client.get(reverse("sops:edit", args=[sop.pk])).status_code == 403
    assert client.post(reverse("sops:create"), _form()).status_code == 403 and Sop.objects.count() == 1


def test_the_page_is_translated(client: Client, qa_lead) -> None:
    qa_lead.language = "it"
    qa_lead.save()
    client.force_login(qa_lead)
    client.cookies["django_language"] = "it"
    page = client.get(reverse("sops:create"), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Nuova SOP" in page or "Nuovo SOP" in page


def test_the_scoring_screen_shows_the_sop_beside_the_transcript(client: Client, reviewer, default_scorecard, agent) -> None:
    sop_catalogue_import(document=yaml.safe_load(CATALOGUE))
    interaction = f.make_interaction(agent, sop=Sop.objects.get(code="SOP-REF-01"))
    plain = f.make_interaction(agent)
    client.force_login(reviewer)
    client.post(reverse("reviews:create"), {"interaction": interaction.pk})
    page = client.get(reverse("reviews:edit", args=[Review.objects.get().pk])).content.decode()
    assert 'class="card sop-panel"' in page
    assert "Verify identity" in page and "account-lookup · can you confirm your order number" in page
    assert "refund before identity check" in page and "Optional" in page
    client.post(reverse("reviews:create"), {"interaction": plain.pk})
    other = client.get(reverse("reviews:edit", args=[Review.objects.get(interaction=plain).pk])).content.decode()
    assert "sop-panel" not in other


RECORD = {
    "source": "zendesk",
    "channel": "email",
    "created_at": "2026-10-01T09:00:00Z",
    "agents": ["a.rossi"],
    "messages": [{"author": "customer", "body": "Hi"}],
}


def test_an_unknown_sop_code_is_an_error_for_that_row_only() -> None:
    Sop.objects.create(code="SOP-KNOWN", title="Known")
    rows = [(1, {**RECORD, "external_id": "1", "sop": "SOP-KNOWN"}), (2, {**RECORD, "external_id": "2", "sop": "SOP-NOPE"})]
    report = interactions_import(rows=rows, skip_invalid=True)
    assert report.committed and report.created == 1
    assert [(e.line, e.field) for e in report.errors] == [(2, "sop")]
    assert Interaction.objects.get().sop.code == "SOP-KNOWN"


def test_create_missing_sop_makes_a_placeholder_to_complete_later(client: Client, qa_lead, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join(json.dumps({**RECORD, "external_id": str(i), "sop": "SOP-NEW-9"}) for i in range(3)), encoding="utf-8"
    )
    with pytest.raises(CommandError):
        call_command("qimport", "interactions", str(path), stdout=StringIO(), stderr=StringIO())
    assert not Sop.objects.exists()
    out = StringIO()
    call_command("qimport", "interactions", str(path), "--create-missing", "sop", stdout=out, stderr=StringIO())
    assert "SOPs to complete: SOP-NEW-9" in out.getvalue()
    sop = Sop.objects.get()
    assert sop.placeholder and sop.title == "SOP-NEW-9" and sop.steps == [] and sop.interactions.count() == 3
    client.force_login(qa_lead)
    assert "To complete" in client.get(reverse("sops:list")).content.decode()
    sop_catalogue_import(document={"sops": [{"code": "SOP-NEW-9", "title": "Completed", "steps": ["Do it"]}]})
    sop.refresh_from_db()
    assert not sop.placeholder and sop.title == "Completed"


def test_the_import_api_creates_missing_sops_when_asked(client: Client, qa_lead) -> None:
    client.force_login(qa_lead)
    records = {"records": [{**RECORD, "external_id": "A-1", "sop": "SOP-API"}]}
    refused = client.post("/api/v1/imports/interactions", records, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "sop" and not Sop.objects.exists()
    answer = client.post("/api/v1/imports/interactions?create_missing=sop", records, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["sops_created"] == ["SOP-API"]
    assert Sop.objects.get().placeholder
