"""Helpdesk export files (fixtures/files, shapes in fixtures/README.md): mapped as the connectors map API payloads, and
imported with `qadesk import interactions FILE --format zendesk|freshdesk|intercom`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qadesk.connectors.files import vendor_rows
from qadesk.core.errors import ApplicationError
from qadesk.interactions.models import AuthorRole, Interaction, Label

FILES = Path(__file__).parent / "fixtures" / "files"
ZENDESK = FILES / "zendesk_tickets.jsonl"
FRESHDESK = FILES / "freshdesk_tickets.json"
INTERCOM = FILES / "intercom_conversations.json"


def _rows(data: bytes, vendor: str, labels: frozenset[str] = frozenset()) -> list[tuple[int, object]]:
    return list(vendor_rows(io.BytesIO(data), vendor=vendor, source=vendor, labels=labels))


class TestMapping:
    def test_a_zendesk_export_line_becomes_the_row_the_connector_makes(self) -> None:
        (line, row), _second = _rows(ZENDESK.read_bytes(), "zendesk", frozenset({"refund_request"}))
        assert line == 1 and isinstance(row, dict)
        assert row["external_id"] == "5001" and row["channel"] == "email" and row["status"] == "resolved"
        assert row["customer"] == "zendesk-7001" and row["agents"] == ["zendesk-8002", "zendesk-8001"]  # assignee last
        assert row["label"] == "refund_request" and row["customer_rating"] == "positive"
        assert row["resolved_at"] == "2026-10-02T11:00:00Z"  # from the export's metric_set
        assert [(m["author"], m["public"]) for m in row["messages"]] == [("customer", True), ("agent", False), ("agent", True)]

    def test_a_freshdesk_document_maps_conversations_and_the_rating(self) -> None:
        rows = _rows(FRESHDESK.read_bytes(), "freshdesk")
        first, second = (row for _line, row in rows)
        assert isinstance(first, dict) and isinstance(second, dict)
        assert first["status"] == "resolved" and first["customer_rating"] == "positive"
        assert [m["author"] for m in first["messages"]] == ["customer", "agent", "agent", "customer"]
        assert first["messages"][1]["public"] is False  # a private note
        assert second["channel"] == "phone" and second["agents"] == [] and len(second["messages"]) == 1

    def test_an_intercom_conversation_list_maps_parts_bots_and_unix_times(self) -> None:
        rows = [row for _line, row in _rows(INTERCOM.read_bytes(), "intercom")]
        first, second = rows
        assert isinstance(first, dict) and isinstance(second, dict)
        assert first["created_at"] == "2025-10-06T09:00:00+00:00" and first["customer_rating"] == "positive"
        assert [m["author"] for m in first["messages"]] == ["customer", "agent", "agent"]  # the empty "close" part is left out
        assert second["status"] == "open" and second["messages"][1]["author"] == "bot"

    def test_a_record_that_cannot_be_mapped_is_an_error_of_its_line_only(self) -> None:
        good = json.loads(ZENDESK.read_text().splitlines()[0])
        data = "\n".join([json.dumps(good), json.dumps({"subject": "no id"}), json.dumps({**good, "id": 9, "comments": "x"})])
        (_l1, ok), (l2, no_id), (l3, bad) = _rows(data.encode(), "zendesk")
        assert isinstance(ok, dict)
        assert (l2, no_id.field) == (2, "id")  # type: ignore[union-attr]
        assert l3 == 3 and "comments" in bad.message  # type: ignore[union-attr]

    def test_a_document_with_side_loaded_users_tells_agents_by_role(self) -> None:
        ticket = json.loads(ZENDESK.read_text().splitlines()[0])
        ticket["requester_id"] = 1  # the comments' customer is not the requester: only the users side-load says so
        users = [{"id": 7001, "role": "end-user"}, {"id": 8001, "role": "agent"}, {"id": 8002, "role": "admin"}]
        [(_line, row)] = _rows(json.dumps({"tickets": [ticket], "users": users}).encode(), "zendesk")
        assert isinstance(row, dict) and row["messages"][0]["author"] == "customer"

    def test_a_file_of_another_shape_is_refused_as_a_whole(self) -> None:
        with pytest.raises(ApplicationError, match="list of conversations"):
            _rows(b'{"type": "admin.list", "admins": []}', "intercom")


@pytest.mark.django_db
class TestCommand:
    @pytest.mark.parametrize(("path", "vendor"), [(ZENDESK, "zendesk"), (FRESHDESK, "freshdesk"), (INTERCOM, "intercom")])
    def test_it_imports_each_export_and_a_second_import_changes_nothing(self, path: Path, vendor: str) -> None:
        out = io.StringIO()
        call_command("qimport", "interactions", str(path), "--format", vendor, stdout=out)
        assert "created 2, updated 0, unchanged 0, skipped 0" in out.getvalue()
        assert Interaction.objects.filter(source=vendor).count() == 2
        out = io.StringIO()
        call_command("qimport", "interactions", str(path), "--format", vendor, stdout=out)
        assert "created 0, updated 0, unchanged 2, skipped 0" in out.getvalue()

    def test_the_source_can_be_named_and_tags_become_existing_labels(self) -> None:
        Label.objects.create(code="refund_request", name="Refund")
        call_command("qimport", "interactions", str(ZENDESK), "--format", "zendesk", "--source", "zd-eu", stdout=io.StringIO())
        ticket = Interaction.objects.get(source="zd-eu", external_id="5001")
        assert ticket.label is not None and ticket.label.code == "refund_request"
        assert list(ticket.messages.order_by("position").values_list("author_role", flat=True)) == [
            AuthorRole.CUSTOMER,
            AuthorRole.AGENT,
            AuthorRole.AGENT,
        ]

    def test_a_bad_record_fails_the_file_unless_skip_invalid(self, tmp_path: Path) -> None:
        path = tmp_path / "export.jsonl"
        path.write_text(ZENDESK.read_text() + json.dumps({"id": 5009, "created_at": "soon", "comments": []}) + "\n")
        err = io.StringIO()
        with pytest.raises(CommandError, match="Nothing was imported"):
            call_command("qimport", "interactions", str(path), "--format", "zendesk", stdout=io.StringIO(), stderr=err)
        assert "line 3: created_at" in err.getvalue() and not Interaction.objects.exists()
        out = io.StringIO()
        call_command("qimport", "interactions", str(path), "--format", "zendesk", "--skip-invalid", stdout=out, stderr=err)
        assert "created 2, updated 0, unchanged 0, skipped 1" in out.getvalue()
