"""The import's fast paths behave like the plain ones: JSON Lines validated as text, background writer, GC, constraints."""

import gc
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from qadesk.imports import services, writers
from qadesk.imports.services import interactions_import, interactions_import_file
from qadesk.imports.tests.helpers import record, write_jsonl
from qadesk.interactions.models import Interaction, Message, Sop

pytestmark = pytest.mark.django_db

BROKEN = [
    record(1),
    record(2, channel="fax"),
    record(3, created_at="yesterday", phase="lunch"),
    {k: v for k, v in record(4).items() if k not in ("external_id", "source")},
    record(5, messages=[{"author": "robot", "body": "beep"}, {"author": "customer", "agent": "a.rossi", "body": "hm"}]),
    record(6, messages=[{"author": "customer", "agent": "a.rossi", "body": "hm"}]),  # valid shape, wrong authorship
    record(7, sop="SOP-NOPE"),
    record(8, talk_seconds=-3, abandoned="maybe", messages="none"),
    record(9, language=None, subject=None, status="", abandoned=""),  # blanks and nulls that validate
]


def test_json_lines_text_gets_exactly_the_errors_of_decoded_records(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "broken.jsonl", BROKEN)
    path.write_text(path.read_text(encoding="utf-8") + "[1, 2]\n{not json\n", encoding="utf-8")
    from_text = interactions_import_file(path_or_stream=path)
    from_records = interactions_import(rows=enumerate(BROKEN, 1))

    assert [e for e in from_text.errors if e.line < 10] == from_records.errors
    unreadable = [e for e in from_text.errors if e.line >= 10]
    assert [(e.line, e.field) for e in unreadable] == [(10, ""), (11, "")]
    assert "one JSON object" in unreadable[0].message and "not valid JSON" in unreadable[1].message
    assert {e.line for e in from_text.errors} == {2, 3, 4, 5, 6, 7, 8, 10, 11}
    assert (from_text.skipped, from_text.committed, Interaction.objects.count()) == (9, False, 0)


def test_json_lines_text_stores_the_same_values_as_decoded_records(tmp_path: Path) -> None:
    rec = record(1, language=None, subject=None, status="", talk_seconds=30, abandoned="", agents=["a.rossi", "b.neri"])
    rec["messages"][0]["at"] = "2026-10-01T09:00:00"  # no offset: UTC
    interactions_import_file(path_or_stream=write_jsonl(tmp_path / "one.jsonl", [rec]))
    from_text = _stored()
    Interaction.objects.all().delete()
    interactions_import(rows=[(1, rec)])
    assert _stored() == from_text
    assert from_text[0]["language"] == "" and from_text[0]["status"] == "resolved" and from_text[0]["talk_seconds"] == 30


def _stored() -> list[dict[str, Any]]:
    interactions = list(Interaction.objects.values("external_id", "language", "subject", "status", "talk_seconds", "agent"))
    messages = list(Message.objects.values("position", "author_role", "agent", "sent_at", "body", "is_public"))
    return [*interactions, *messages]


@pytest.mark.parametrize("fails", [False, True])
def test_the_garbage_collector_is_back_as_it_was_after_an_import(fails: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if fails:
        monkeypatch.setattr(services._BatchImport, "_resolve_names", _explode)
    for enabled in (True, False):
        gc.enable() if enabled else gc.disable()
        try:
            try:
                interactions_import(rows=[(1, record(1, external_id=f"T-{enabled}"))])
            except RuntimeError:
                assert fails
            assert gc.isenabled() is enabled
            assert gc.get_freeze_count() == 0
        finally:
            gc.enable()


def _explode(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("boom")


def test_a_failing_write_rolls_everything_back_even_from_the_background_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    writer: Any = writers.CopyWriter if connection.vendor == "postgresql" else writers.OrmWriter  # COPY works in the background
    real_insert = writer.insert

    def insert(self: Any, model: Any, columns: Any, rows: Any) -> None:
        if model is Message and any(row[1] == 1 for row in rows):  # the third batch's messages: two batches are stored
            raise RuntimeError("disk full")
        real_insert(self, model, columns, rows)

    monkeypatch.setattr(writer, "insert", insert)
    records = [record(i, messages=[{"author": "customer", "body": "hello"}]) for i in range(5)] + [record(5), record(6)]
    with pytest.raises(RuntimeError, match="disk full"):
        interactions_import(rows=enumerate(records, 1), batch_size=2)
    assert Interaction.objects.count() == 0 and Message.objects.count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="deferred constraints are PostgreSQL's")
def test_foreign_keys_are_deferred_again_after_an_import() -> None:
    Sop.objects.create(code="SOP-REF-01", title="Refunds")
    assert interactions_import(rows=[(1, record(1))]).committed
    try:
        with transaction.atomic():
            Message.objects.create(interaction_id=10**9, position=0, author_role="customer", body="orphan")  # not checked yet
            with pytest.raises(IntegrityError):
                connection.check_constraints()
            raise _Undo
    except _Undo:
        pass


class _Undo(Exception):
    pass
