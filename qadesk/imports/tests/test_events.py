"""Actions, system events and translations in imported transcripts, through the CLI and the API.

An event is a message of author `event` with a `name` and `parameters` (a JSON object): stored, refused by line and
field when malformed (in the user's language), kept by the re-import rules (a reviewed transcript only grows).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from qadesk.imports.tests.helpers import record, write_jsonl
from qadesk.interactions.models import Interaction, Message
from qadesk.reviews.services import review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import perfect_ratings

pytestmark = pytest.mark.django_db
URL = "/api/v1/imports/interactions"

LOOKUP = {
    "author": "event",
    "name": "account-lookup",
    "agent": "a.rossi",
    "at": "2026-10-01T09:03:00Z",
    "parameters": {"customer": "C-1"},
}
REFUND = {"author": "event", "name": "refund-issued", "agent": "a.rossi", "parameters": {"amount": 20.5, "currency": "EUR"}}
TRANSFER = {"author": "event", "name": "transferred", "parameters": {"to": "billing"}, "body": "Moved by the routing rule"}


def _with_events(n: int = 1, *events: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    row = record(n, **overrides)
    row["messages"] = [row["messages"][0], *events, row["messages"][1]]
    return row


def _cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[dict[str, Any]], *args: str) -> tuple[bool, str]:
    path = write_jsonl(tmp_path / "rows.jsonl", rows)
    try:
        call_command("qimport", "interactions", str(path), *args)
    except CommandError as exc:
        out = capsys.readouterr()
        return False, out.out + out.err + str(exc)
    out = capsys.readouterr()
    return True, out.out + out.err


def _stored(external_id: str) -> list[tuple[Any, ...]]:
    query = Message.objects.filter(interaction__external_id=external_id).order_by("position")
    return list(query.values_list("author_role", "event_name", "event_parameters", "agent__username", "body"))


def test_events_are_stored_in_place_with_their_parameters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ok, _out = _cli(tmp_path, capsys, [_with_events(1, LOOKUP, REFUND, TRANSFER)])
    assert ok
    assert _stored("T-1001") == [
        ("customer", "", None, None, "Il mio ordine è arrivato rotto."),
        ("event", "account-lookup", {"customer": "C-1"}, "a.rossi", ""),
        ("event", "refund-issued", {"amount": 20.5, "currency": "EUR"}, "a.rossi", ""),
        ("event", "transferred", {"to": "billing"}, None, "Moved by the routing rule"),
        ("agent", "", None, "a.rossi", "Mi dispiace, la rimborso subito."),
    ]
    assert Interaction.objects.get(external_id="T-1001").message_count == 5


def test_an_event_without_parameters_has_an_empty_object_and_name_is_ignored_on_messages(client: Client, qa_lead) -> None:
    client.force_login(qa_lead)
    row = _with_events(1, {"author": "event", "name": "ticket-closed"})
    row["messages"][0]["name"] = "Maria"  # some exports name the customer: not an event name
    response = client.post(URL, {"records": [row]}, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert _stored("T-1001")[:2] == [
        ("customer", "", None, None, "Il mio ordine è arrivato rotto."),
        ("event", "ticket-closed", {}, None, ""),
    ]


def test_bad_events_are_named_by_line_and_field_in_one_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [
        _with_events(1, {"author": "event", "parameters": {"to": "billing"}}),  # no name
        _with_events(2, {"author": "event", "name": "refund-issued", "parameters": [20]}),  # not an object
        _with_events(3, {"author": "event", "name": "x" * 101}),
        _with_events(4, {"author": "event", "name": "lookup", "agent": "ghost"}),  # an agent nobody lists
        _with_events(5, {"author": "event", "name": "big", "parameters": {"blob": "y" * 10_001}}),
        _with_events(6, {"author": "customer", "at": "2026-10-01T09:01:00Z"}),  # a message without its body
    ]
    ok, out = _cli(tmp_path, capsys, rows)
    assert not ok
    assert "line 1: messages[1].name: is required for an event (e.g. refund-issued)" in out
    assert "line 2: messages[1].parameters: must be an object" in out
    assert "line 3: messages[1].name: must be at most 100 characters" in out
    assert "line 4: messages[1].agent: unknown agent ghost: list them in agents" in out
    assert "line 5: messages[1].parameters: must be at most 10000 characters as JSON" in out
    assert "line 6: messages[1].body: is required" in out
    assert "Nothing was imported: 6 rows have errors." in out
    assert not Interaction.objects.exists()


def test_a_customer_message_may_not_name_an_agent_but_an_event_may(client: Client, qa_lead) -> None:
    client.force_login(qa_lead)
    row = record(1)
    row["messages"][0]["agent"] = "a.rossi"
    response = client.post(URL, {"records": [row]}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"line": 1, "field": "messages[0].agent", "message": "only agent messages and events name an agent"}
    ]


def test_event_errors_come_in_the_users_language(client: Client, qa_lead) -> None:
    qa_lead.language = "it"
    qa_lead.save(update_fields=["language"])
    client.force_login(qa_lead)
    row = _with_events(1, {"author": "event", "parameters": "billing"})
    response = client.post(URL, {"records": [row]}, content_type="application/json")
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert messages["messages[1].name"] == "è obbligatorio per un evento (per esempio refund-issued)"
    assert messages["messages[1].parameters"] == "deve essere un oggetto"


def test_events_in_a_csv_cell_import_like_json_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    row = _with_events(1, TRANSFER)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["external_id", "source", "channel", "created_at", "agents", "messages"])
    writer.writerow([row["external_id"], "zendesk", "chat", row["created_at"], "a.rossi", json.dumps(row["messages"])])
    path = tmp_path / "rows.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    call_command("qimport", "interactions", str(path))
    assert _stored("T-1001")[1] == ("event", "transferred", {"to": "billing"}, None, "Moved by the routing rule")


def test_a_reimport_of_the_same_events_is_unchanged_and_a_new_parameter_updates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _cli(tmp_path, capsys, [_with_events(1, LOOKUP, REFUND)])
    ids = list(Message.objects.order_by("position").values_list("pk", flat=True))
    same = _with_events(1, LOOKUP, REFUND)
    same["subject"] = "Rimborso ordine"  # the same values, written again: not the same row bytes as before
    same["messages"][2] = {**REFUND, "parameters": {"currency": "EUR", "amount": 20.5}}  # keys in another order
    ok, out = _cli(tmp_path, capsys, [same])
    assert ok and "updated 0, unchanged 1" in out
    changed = _with_events(1, LOOKUP, {**REFUND, "parameters": {"amount": 25, "currency": "EUR"}})
    ok, out = _cli(tmp_path, capsys, [changed])
    assert ok and "updated 1" in out
    assert _stored("T-1001")[2][2] == {"amount": 25, "currency": "EUR"}
    assert list(Message.objects.order_by("position").values_list("pk", flat=True)) == ids  # updated in place


def test_a_reviewed_transcript_takes_new_events_at_its_end_and_refuses_changed_ones(
    client: Client, qa_lead, default_scorecard, reviewer
) -> None:
    client.force_login(qa_lead)
    assert client.post(URL, {"records": [_with_events(1, LOOKUP)]}, content_type="application/json").status_code == 200
    interaction = Interaction.objects.get(external_id="T-1001")
    review = review_create(interaction=interaction, actor=reviewer, scorecard_version=default_scorecard)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard))
    review_submit(review=review, actor=reviewer)

    grown = _with_events(1, LOOKUP)
    grown["messages"].append(TRANSFER)
    response = client.post(URL, {"records": [grown]}, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["changes"][0]["changed"] == ["messages: +1"]

    edited = _with_events(1, {**LOOKUP, "parameters": {"customer": "C-2"}})
    edited["messages"].append(TRANSFER)
    response = client.post(URL, {"records": [edited]}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "line": 1,
            "field": "messages[1]",
            "message": "changed (parameters) though the transcript is reviewed: only new messages at its end are taken "
            "(“Revise reviewed transcripts”, or --new-revision, keeps it as a revision)",
        }
    ]
    assert _stored("T-1001")[1][2] == {"customer": "C-1"}


def test_translations_are_stored_beside_the_original_and_checked(client: Client, qa_lead) -> None:
    client.force_login(qa_lead)
    row = record(1)
    row["messages"][0].update(language="it", translation="My order arrived broken.", translation_language="en")
    bad = record(2)
    bad["messages"][0].update(translation="x", translation_language="english")
    response = client.post(URL, {"records": [row, bad]}, content_type="application/json")
    assert response.status_code == 422
    assert [(e["line"], e["field"]) for e in response.json()["errors"]] == [(2, "messages[0].translation_language")]
    response = client.post(URL, {"records": [row]}, content_type="application/json")
    assert response.status_code == 200
    message = Message.objects.get(interaction__external_id="T-1001", position=0)
    assert (message.body, message.language) == ("Il mio ordine è arrivato rotto.", "it")
    assert (message.translation, message.translation_language) == ("My order arrived broken.", "en")


def test_transcripts_without_events_keep_the_digest_they_had() -> None:
    """Digests made before events existed still tell an unchanged transcript: no spurious "messages" change."""
    from qadesk.imports.reimports import digest, transcript_digest
    from qadesk.imports.schemas import InteractionIn

    rec = InteractionIn.model_validate(record(1))
    before = digest(
        [
            (m.author, m.agent, m.at.timestamp() if m.at else None, m.body, m.public, m.language or "", m.format)
            for m in rec.messages
        ]
    )
    assert transcript_digest(rec.messages) == before
