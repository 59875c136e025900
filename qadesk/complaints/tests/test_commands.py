"""`qadesk import complaints FILE` and `qadesk report complaints` through the command line."""

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from qadesk.audit.models import Action, AuditEvent
from qadesk.complaints.models import Complaint
from qadesk.complaints.services import complaint_transition
from qadesk.complaints.tests.factories import make_category, make_complaint
from qadesk.interactions.models import Customer, Interaction

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def late(db):
    return make_category("late", hours=48)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


CSV = """source,external_id,category,description,severity,phase,customer,owner,interactions,interaction_source,created_at
crm,C-1,late,"Parcel lost, customer angry",high,delivery,CU-1,elena,{ext},test,2026-11-02T09:00:00Z
crm,C-2,late,Refund missing,,,CU-1,,,,
"""


def test_it_imports_csv_links_interactions_and_is_idempotent(tmp_path, late, qa_lead, interaction) -> None:
    path = write(tmp_path, "c.csv", CSV.format(ext=interaction.external_id))  # the interactions' source: "test"
    out, _err = run("qimport", "complaints", path)
    assert "created 2" in out
    first = Complaint.objects.get(external_id="C-1")
    assert (first.severity, first.phase, first.owner, first.customer.external_id) == ("high", "delivery", qa_lead, "CU-1")
    assert first.due_at - first.created_at == timedelta(hours=48)
    assert list(first.interactions.all()) == [interaction]
    assert Interaction.objects.get(pk=interaction.pk).complaint is True
    assert AuditEvent.objects.filter(action=Action.IMPORT).count() == 2
    out, _err = run("qimport", "complaints", path)
    assert "created 0, updated 0, unchanged 2" in out
    assert Complaint.objects.count() == 2


def test_bad_rows_are_named_by_line_and_field_and_nothing_is_written(tmp_path, late) -> None:
    rows = [
        {"source": "crm", "external_id": "A", "category": "late", "description": "fine"},
        {"source": "crm", "external_id": "B", "category": "nope", "description": "x"},
        {"source": "crm", "external_id": "C", "category": "late", "description": "x", "severity": "urgent"},
        {"source": "crm", "external_id": "D", "category": "late", "description": "x", "interactions": ["T-404"]},
        {"source": "crm", "external_id": "A", "category": "late", "description": "again"},
    ]
    path = write(tmp_path, "c.jsonl", "\n".join(json.dumps(r) for r in rows) + "\nnot json\n")
    with pytest.raises(CommandError, match="Nothing was imported"):
        run("qimport", "complaints", path)
    assert not Complaint.objects.exists()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("qimport", "complaints", path, stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert any(line.startswith("line 2: category: no category with the code nope") for line in lines)
    assert any(line.startswith("line 3: severity:") for line in lines)
    assert any(line.startswith("line 4: interactions[0]: no interaction T-404") for line in lines)
    assert any(line.startswith("line 5: external_id: repeats line 1") for line in lines)
    assert any(line.startswith("line 6:") and "JSON" in line for line in lines)


def test_skip_invalid_keeps_the_good_rows(tmp_path, late) -> None:
    rows = [{"source": "crm", "external_id": "A", "category": "late", "description": "fine"}, {"source": "crm"}]
    path = write(tmp_path, "c.jsonl", "\n".join(json.dumps(r) for r in rows))
    out, err = run("qimport", "complaints", path, "--skip-invalid")
    assert "created 1" in out and "skipped 1" in out
    assert "line 2: external_id: is required" in err
    assert Complaint.objects.get().external_id == "A"


def test_a_reimport_updates_what_the_file_changed(tmp_path, late) -> None:
    row = {"source": "crm", "external_id": "A", "category": "late", "description": "first"}
    path = write(tmp_path, "c.jsonl", json.dumps(row))
    run("qimport", "complaints", path)
    write(tmp_path, "c.jsonl", json.dumps({**row, "description": "second", "severity": "critical"}))
    out, _err = run("qimport", "complaints", path)
    assert "updated 1" in out
    assert Complaint.objects.values_list("description", "severity").get() == ("second", "critical")


def test_the_report_command_prints_json_and_csv(qa_lead, late) -> None:
    customer = Customer.objects.create(external_id="CU-9")
    a = make_complaint(qa_lead, category=late, customer=customer, created_at=timezone.now() - timedelta(hours=10))
    make_complaint(qa_lead, category=late, customer=customer)
    complaint_transition(complaint=a, actor=qa_lead, status="rejected", root_cause="dup", outcome="merged")
    out, _err = run("qreport", "complaints", "--by", "category")
    report = json.loads(out)
    row = next(r for r in report["rows"] if r["key"] == "late")
    assert (row["logged"], row["closed"], row["closed_within_target"]) == (2, 1, 1)
    assert row["median_hours_to_resolve"] == pytest.approx(10, abs=0.1)
    assert report["repeat_complainants"] == [{"customer": "CU-9", "complaints": 2}]
    since, today = (timezone.localdate() - timedelta(days=1)).isoformat(), timezone.localdate().isoformat()
    out, _err = run("qreport", "complaints", "--by", "period", "--from", since, "--to", today, "--format", "csv")
    lines = out.strip().splitlines()
    assert lines[0].startswith("key,label,logged")
    assert lines[-1].startswith("total,total,2,")


def test_the_report_command_as_a_user_sees_what_they_see(qa_lead, agent_user, interaction, late) -> None:
    make_complaint(qa_lead, category=late)  # on nothing the agent handled
    make_complaint(qa_lead, category=late, interactions=[interaction])
    report = json.loads(run("qreport", "complaints", "--user", agent_user.username)[0])
    assert report["total"]["logged"] == 1
