"""The import's fast paths behave like the plain ones: JSON Lines validated as text, background writer, GC, constraints."""

import gc
import weakref
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from qadesk.accounts.models import Agent
from qadesk.imports import services, writers
from qadesk.imports.services import interactions_import, interactions_import_file
from qadesk.imports.tests.helpers import record, write_jsonl
from qadesk.interactions.models import Interaction, InteractionAgent, Message, Sop

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
    assert (from_text.refused, from_text.committed, Interaction.objects.count()) == (9, False, 0)


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

    def insert(self: Any, model: Any, columns: Any, rows: Any, extra: Any = ()) -> None:
        rows = list(rows)
        if model is Message and any(row[1] == 1 for row in rows):  # the third batch's messages: two batches are stored
            raise RuntimeError("disk full")
        real_insert(self, model, columns, rows, extra)

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


def _foreign_keys() -> list[tuple[str, str, str]]:
    tables = [m._meta.db_table for m in (Interaction, InteractionAgent, Message)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [tables],
        )
        return cursor.fetchall()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based key check is PostgreSQL's")
@pytest.mark.django_db(transaction=True)  # only an import that is its own transaction drops its keys
def test_a_first_import_checks_its_keys_once_and_puts_them_back_as_they_were(monkeypatch: pytest.MonkeyPatch) -> None:
    before = _foreign_keys()
    assert len(before) >= 9 and all("DEFERRABLE INITIALLY DEFERRED" in definition for _t, _n, definition in before)
    dropped: list[list[tuple[str, str, str]]] = []
    real = writers.CopyWriter.insert

    def insert(self: Any, model: Any, columns: Any, rows: Any, extra: Any = ()) -> None:  # the keys while rows are stored
        dropped.append(_foreign_keys())
        real(self, model, columns, rows, extra)

    monkeypatch.setattr(writers.CopyWriter, "insert", insert)
    assert interactions_import(rows=enumerate([record(1), record(2)], 1)).committed
    assert dropped and dropped[0] == []  # an empty table: no per-row checks during the load
    assert _foreign_keys() == before
    dropped.clear()
    assert interactions_import(rows=[(1, record(3))]).committed
    assert dropped[0] == before  # rows were there: checked row by row, nothing dropped or locked
    Interaction.objects.all().delete()
    with transaction.atomic():  # inside a larger transaction the locks would outlive the import: keys kept
        dropped.clear()
        assert interactions_import(rows=[(1, record(4))]).committed
        assert dropped[0] == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based key check is PostgreSQL's")
def test_a_first_import_whose_rows_break_a_key_stores_nothing_and_keeps_the_keys() -> None:
    before = _foreign_keys()
    with (
        pytest.raises(IntegrityError, match="agent") as broken,
        transaction.atomic(),
        services._keys_checked_once_when_empty(outermost=True),
    ):
        agent = Agent.objects.create(username="gone")
        interaction = Interaction.objects.create(
            external_id="X-1", source="test", channel="chat", agent=agent, created_at=timezone.now()
        )
        with connection.cursor() as cursor:  # nothing stops this while the keys are off; the check at the end does
            cursor.execute(f"DELETE FROM {Agent._meta.db_table} WHERE id = %s", [agent.pk])  # noqa: S608
    assert Interaction.objects.count() == 0
    assert _foreign_keys() == before
    assert interaction.pk and "foreign key" in str(broken.value)


class _BackgroundOrmWriter(writers.OrmWriter):
    """bulk_create on the import's second thread, as COPY runs on PostgreSQL: the threaded path on every database."""

    background = True


def _use_writer(monkeypatch: pytest.MonkeyPatch, writer: type[writers.OrmWriter]) -> None:
    monkeypatch.setattr(services, "writer_for", lambda conn, batch_size=1000: writer(batch_size))


MIXED = [
    *BROKEN,
    record(10, agents=["n.nuovo"], team="Torino Resi", site="Torino", customer="C-1", customer_segment="silver"),
    record(11, messages=[{"author": "agent", "agent": "x.unlisted", "body": "ciao"}]),  # unknown, not listed
    record(12, agents=["n.nuovo", "a.rossi"], sop="SOP-REF-01", team="Roma", site="Roma"),  # n.nuovo keeps Torino
    record(2, channel="chat"),  # line 2 was broken; this one is fine
    record(13, external_id="T-1010", subject="the later row wins"),
]


def _snapshot() -> dict[str, Any]:
    return {
        "interactions": list(
            Interaction.objects.order_by("external_id").values_list(
                "external_id",
                "channel",
                "subject",
                "team__name",
                "site__name",
                "agent__username",
                "label__code",
                "sop__code",
                "customer__external_id",
                "customer__segment",
            )
        ),
        "messages": list(
            Message.objects.order_by("interaction__external_id", "position").values_list(
                "interaction__external_id", "position", "author_role", "agent__username", "body"
            )
        ),
        "agents": list(Agent.objects.order_by("username").values_list("username", "team__name", "site__name")),
    }


@pytest.mark.parametrize("skip_invalid", [True, False])
def test_batches_stored_on_a_second_thread_give_the_same_report_and_rows(
    skip_invalid: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    Sop.objects.create(code="SOP-REF-01", title="Refunds")
    results = []
    for writer in (writers.OrmWriter, _BackgroundOrmWriter):
        _use_writer(monkeypatch, writer)
        try:
            with transaction.atomic():
                report = interactions_import(rows=enumerate(MIXED, 1), skip_invalid=skip_invalid, last_wins=True, batch_size=3)
                results.append((report.as_dict(), _snapshot()))
                raise _Undo
        except _Undo:
            pass
    (inline_report, inline_rows), (threaded_report, threaded_rows) = results
    assert threaded_report == inline_report and threaded_rows == inline_rows
    assert {e["line"] for e in inline_report["errors"]} == {2, 3, 4, 5, 6, 7, 8, 11}
    if skip_invalid:
        assert ("n.nuovo", "Torino Resi", "Torino") in inline_rows["agents"]
        assert "x.unlisted" not in {name for name, *_rest in inline_rows["agents"]}
        stored = {row[0]: row for row in inline_rows["interactions"]}
        assert stored["T-1010"][1:3] == ("email", "the later row wins") and stored["T-1002"][1] == "chat"
        assert stored["T-1012"][3:5] == ("Roma", "Roma") and "T-1011" not in stored
    else:
        assert inline_rows == {"interactions": [], "messages": [], "agents": []}


def test_errors_found_on_the_writers_thread_are_in_the_importers_language(monkeypatch: pytest.MonkeyPatch) -> None:
    _use_writer(monkeypatch, _BackgroundOrmWriter)
    with translation.override("it"):
        report = interactions_import(rows=enumerate([record(1), record(2, sop="SOP-NOPE")], 1), batch_size=1)
        expected = gettext("unknown SOP {code}: SOPs come from the catalogue").format(code="SOP-NOPE")
    assert expected != "unknown SOP SOP-NOPE: SOPs come from the catalogue"  # the catalogue translates it
    assert [(e.line, e.field, e.message) for e in report.errors] == [(2, "sop", expected)]


def _customer_scans() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'interactions_customer'")
        return int(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="per-session plans and DISCARD PLANS are PostgreSQL's")
def test_plans_made_while_the_customers_were_few_are_made_again_as_an_import_fills_them(monkeypatch) -> None:
    """The customers' foreign-key check is planned the first time it runs, here with one customer stored (a scan of
    them); in one session, 3,000 more contacts of new customers would each scan them all again. Once the interactions
    have doubled since the plans were made, the import has PostgreSQL make them anew: the customers are scanned for the
    first batches only."""
    monkeypatch.setattr(writers, "_PLANNED_AT", weakref.WeakKeyDictionary())  # the session's plans: as if just made
    after_batch = []  # the customers' scans so far, after each batch stored

    def counted(connection: Any) -> bool:
        made_again = writers.plans_kept_current(connection)
        after_batch.append(_customer_scans())
        return made_again

    monkeypatch.setattr(services, "plans_kept_current", counted)
    interactions_import(rows=[(1, record(1))])
    report = interactions_import(rows=enumerate((record(n) for n in range(2, 3002)), 2), batch_size=250)
    assert (report.committed, report.created) == (True, 3000)
    assert len(after_batch) == 1 + 12
    # The last four batches (1,000 contacts): a scan per contact written (about 1,000) without the plans made again;
    # with them, none or a few. The first batches scan, however many scans earlier tests left in the statistics.
    assert after_batch[-1] - after_batch[-5] < 100


def _setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return str(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT compilation is PostgreSQL's")
def test_an_import_stores_its_batches_without_jit_and_sets_it_back(monkeypatch) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET jit = on")
    seen = []
    store = services._BatchImport._store_batch

    def storing(self: Any, *args: Any) -> None:
        seen.append(_setting("jit"))
        store(self, *args)

    monkeypatch.setattr(services._BatchImport, "_store_batch", storing)
    report = interactions_import(rows=enumerate((record(n) for n in range(1, 6)), 1), batch_size=2)
    assert (report.created, seen, _setting("jit")) == (5, ["off", "off", "off"], "on")


def _estimated_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return float(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's statistics are PostgreSQL's")
def test_a_large_import_leaves_the_planner_statistics_of_the_tables_it_filled(monkeypatch) -> None:
    monkeypatch.setattr(services, "ANALYZE_AFTER_CREATED", 40)
    interactions_import(rows=enumerate((record(n) for n in range(1, 40)), 1))  # below: not analysed
    assert _estimated_rows("interactions_interaction") != Interaction.objects.count()
    interactions_import(rows=enumerate((record(n) for n in range(100, 140)), 1))
    counts = (Interaction.objects.count(), InteractionAgent.objects.count(), Message.objects.count())
    tables = ("interactions_interaction", "interactions_interactionagent", "interactions_message")
    assert tuple(_estimated_rows(table) for table in tables) == counts
