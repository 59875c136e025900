"""Custom fields and tags in imports, through the CLI and the API: declared fields are checked in their type, undeclared
ones are stored and reported as a warning, tags are a list; absent keeps, empty clears."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from qadesk.imports.tests.helpers import record, write_jsonl
from qadesk.interactions.models import CustomField, Interaction

pytestmark = pytest.mark.django_db
URL = "/api/v1/imports/interactions"


@pytest.fixture
def declared(db: None) -> None:
    CustomField.objects.create(key="plan", label="Plan", type="choice", choices=["gold", "silver"])
    CustomField.objects.create(key="order_value", label="Order value", type="number")
    CustomField.objects.create(key="delivery", label="Delivery date", type="date")
    CustomField.objects.create(key="product", label="Product", type="text")


def _cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[dict[str, Any]]) -> tuple[bool, str, str]:
    path = write_jsonl(tmp_path / "rows.jsonl", rows)
    try:
        call_command("qimport", "interactions", str(path))
    except CommandError as exc:
        out = capsys.readouterr()
        return False, out.out, out.err + str(exc)
    out = capsys.readouterr()
    return True, out.out, out.err


def _stored(external_id: str) -> tuple[dict[str, Any], list[str]]:
    interaction = Interaction.objects.get(external_id=external_id)
    return interaction.custom_fields, interaction.tags


def test_declared_fields_are_stored_in_their_type_and_tags_as_a_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], declared: None
) -> None:
    fields = {"plan": "gold", "order_value": "49.90", "delivery": "2026-10-03", "product": 1234, "empty": ""}
    ok, _out, err = _cli(tmp_path, capsys, [record(1, custom_fields=fields, tags=["vip", "refund", "vip"])])
    assert ok, err
    assert _stored("T-1001") == (
        {"plan": "gold", "order_value": 49.9, "delivery": "2026-10-03", "product": "1234"},
        ["vip", "refund"],
    )
    assert "Warning" not in err


def test_bad_values_of_declared_fields_are_named_by_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], declared: None
) -> None:
    rows = [
        record(1, custom_fields={"plan": "bronze"}),
        record(2, custom_fields={"order_value": "a lot", "delivery": "03/10/2026"}),
        record(3, custom_fields={"colour": {"r": 1}}),
        record(4, custom_fields=["plan"]),
        record(5, tags="vip", channel="fax", custom_fields={"plan": "tin"}),  # shape errors and field errors together
        record(6, tags=["x" * 101]),
    ]
    ok, _out, err = _cli(tmp_path, capsys, rows)
    assert not ok
    assert "line 1: custom_fields.plan: 'bronze' is not one of: 'gold', 'silver'" in err
    assert "line 2: custom_fields.order_value: 'a lot' is not a number" in err
    assert "line 2: custom_fields.delivery: '03/10/2026' is not a date (YYYY-MM-DD)" in err
    assert "line 3: custom_fields.colour: must be text, a number or true/false" in err
    assert "line 4: custom_fields: must be an object" in err
    assert "line 5: channel: 'fax' is not one of" in err
    assert "line 5: custom_fields.plan: 'tin' is not one of: 'gold', 'silver'" in err
    assert "line 5: tags: must be a list" in err
    assert "line 6: tags[0]: must be at most 100 characters" in err
    assert not Interaction.objects.exists()


def test_undeclared_fields_are_stored_and_reported_as_a_warning(client: Client, qa_lead, declared: None) -> None:
    client.force_login(qa_lead)
    rows = [
        record(1, custom_fields={"plan": "silver", "region": "Nord", "priority": 2}),
        record(2, custom_fields={"region": "Sud"}),
    ]
    response = client.post(URL, {"records": rows}, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["undeclared_fields"] == ["region", "priority"]
    assert _stored("T-1001")[0] == {"plan": "silver", "region": "Nord", "priority": 2}


def test_the_cli_warns_about_undeclared_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ok, out, err = _cli(tmp_path, capsys, [record(1, custom_fields={"region": "Nord"})])
    assert ok and "created 1" in out
    assert "Warning: custom fields nobody declared (stored as given; declare them to check their type): region" in err


def test_absent_keeps_and_empty_clears_custom_fields_and_tags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], declared: None
) -> None:
    _cli(tmp_path, capsys, [record(1, custom_fields={"plan": "gold"}, tags=["vip"])])
    row = record(1, subject="Another subject")
    ok, out, _err = _cli(tmp_path, capsys, [row])  # no custom_fields, no tags: kept
    assert ok and "updated 1" in out
    assert _stored("T-1001") == ({"plan": "gold"}, ["vip"])
    ok, out, _err = _cli(tmp_path, capsys, [record(1, subject="Another subject", custom_fields={"plan": "silver"}, tags=[])])
    assert ok and "updated 1" in out
    assert _stored("T-1001") == ({"plan": "silver"}, [])
    ok, out, _err = _cli(tmp_path, capsys, [record(1, subject="Another subject", custom_fields={"plan": "silver"}, tags=[])])
    assert ok and "unchanged 1" in out
    _cli(tmp_path, capsys, [record(1, subject="Another subject", custom_fields=None)])
    assert _stored("T-1001") == ({}, [])


def test_a_csv_gives_tags_separated_by_semicolons_and_fields_as_json(tmp_path: Path, declared: None) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(
        "external_id,source,channel,created_at,tags,custom_fields\n"
        'T-1,zendesk,email,2026-10-01T09:00:00Z,vip; refund,"{""plan"": ""gold"", ""order_value"": ""12""}"\n'
        "T-2,zendesk,email,2026-10-01T09:00:00Z,,\n",
        encoding="utf-8",
    )
    call_command("qimport", "interactions", str(path))
    assert _stored("T-1") == ({"plan": "gold", "order_value": 12}, ["vip", "refund"])
    assert _stored("T-2") == ({}, [])
