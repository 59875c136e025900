"""A first import into an empty interaction table (PostgreSQL) fills the tables the triggers keep once, at its end
(qadesk/core/rollups.py `derived_tables_filled_at_the_end`): the same tables as the triggers give, all or nothing."""

from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from qadesk.core import rollups
from qadesk.costs.rollup import work_rollup_verify
from qadesk.imports import services, writers
from qadesk.imports.services import interactions_import_file
from qadesk.imports.tests.helpers import record, write_jsonl
from qadesk.interactions.models import Interaction
from qadesk.operations.rollup import kpi_rollup_verify
from qadesk.operations.sql import contact_links_verify

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers and their tables are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),  # only an import that is its own transaction takes the first-import path
]

AGENTS = [["a.rossi"], ["a.rossi", "b.bianchi"], ["b.bianchi", "c.verdi", "a.rossi"], []]
TEAMS = [("Milano Ordini", "Milano"), ("Lyon Livraisons", "Lyon")]
LABELS = ["refund_request", "late_delivery", "damaged_item"]


def _records(start: int, count: int) -> list[dict[str, Any]]:
    """Contacts of a few customers, coming back on the same reasons, over days, with 0 to 3 handlers."""
    out = []
    for n in range(start, start + count):
        team, site = TEAMS[n % 2]
        agents = AGENTS[n % 4]
        day, hour = 1 + n % 9, 8 + n % 11
        out.append(
            record(
                n,
                customer=f"C-{n % 5}",
                label=LABELS[n % 3],
                team=team,
                site=site,
                agents=agents,
                created_at=f"2026-10-{day:02d}T{hour:02d}:{n % 60:02d}:00Z",
                resolved_at=None if n % 7 == 0 else f"2026-10-{day + n % 3:02d}T{hour + 1:02d}:00:00Z",
                messages=[
                    {"author": "customer", "at": f"2026-10-{day:02d}T{hour:02d}:{n % 60:02d}:00Z", "body": f"n {n}"},
                    *(
                        {"author": "agent", "agent": a, "at": f"2026-10-{day:02d}T{hour:02d}:59:00Z", "body": "ok"}
                        for a in agents
                    ),
                ],
            )
        )
    return out


def _triggers() -> dict[tuple[str, str], str]:
    """(trigger, table) → pg_trigger.tgenabled ('O' on, 'D' off) of every trigger that keeps a derived table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname, tgrelid::regclass::text, tgenabled FROM pg_trigger WHERE NOT tgisinternal")
        found = {(name, table): state for name, table, state in cursor.fetchall()}
    return {key: found[key] for key in rollups.derived_triggers()}


KPI = import_module("qadesk.operations.migrations.0005_kpi_rollup_postgresql")
# Each rollup's measures: a row where they are all 0 counts nothing (the triggers may leave one, a fill does not).
MEASURES = {
    "costs_workday": ["resolved", "handle", "timed", "received"],
    "costs_customerincidents": ["incidents"],
    "operations_kpiday": KPI.DAY_NAMES,
    "operations_kpihist": ["n"],
    "operations_kpiresolved": ["closed", "decided", "once"],
    "operations_kpipath": ["n"],
}


def _derived() -> dict[str, list[tuple[Any, ...]]]:
    """Every derived table's rows that count something (the links by the contacts' external ids; the other tables'
    keys, teams, agents and customers, survive a TRUNCATE of the contacts), and the rollups' zones."""
    tables = {
        "links": "SELECT i.external_id, l.next_at, l.handler_last FROM operations_contactlink AS l "
        "JOIN interactions_interaction AS i ON i.id = l.interaction_id",
        "costs_workstate": "SELECT * FROM costs_workstate",
        "operations_kpistate": "SELECT * FROM operations_kpistate",
        **{t: f"SELECT * FROM {t} WHERE {' OR '.join(f'{m} <> 0' for m in ms)}" for t, ms in MEASURES.items()},  # noqa: S608
    }
    with connection.cursor() as cursor:
        out = {}
        for name, sql in tables.items():
            cursor.execute(sql)
            out[name] = sorted(cursor.fetchall(), key=repr)
    return out


def _verified() -> None:
    assert (contact_links_verify(), work_rollup_verify(), kpi_rollup_verify()) == (0, 0, 0)


def _explode(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("fill failed")


def test_a_first_import_fills_the_derived_tables_as_the_triggers_would(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_jsonl(tmp_path / "x.jsonl", _records(1, 40))
    seen: list[set[str]] = []
    real = writers.CopyWriter.insert

    def insert(self: Any, model: Any, columns: Any, rows: Any, extra: Any = ()) -> None:  # the triggers during the load
        seen.append(set(_triggers().values()))
        real(self, model, columns, rows, extra)

    monkeypatch.setattr(writers.CopyWriter, "insert", insert)
    call_command("qimport", "interactions", str(path), "--batch-size", "7")
    assert seen and all(states == {"D"} for states in seen)  # off while the batches were stored
    assert set(_triggers().values()) == {"O"}
    _verified()
    filled = _derived()
    assert len(filled["links"]) > 20 and filled["operations_kpipath"] and filled["costs_workday"]

    with connection.cursor() as cursor:  # the TRUNCATE triggers empty the derived tables
        cursor.execute("TRUNCATE interactions_interaction CASCADE")
    monkeypatch.setattr(services, "DERIVED_FILLED_AT_THE_END", False)  # the same file through the triggers
    call_command("qimport", "interactions", str(path), "--batch-size", "7")
    _verified()
    assert _derived() == filled


def test_a_second_import_goes_through_the_triggers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    call_command("qimport", "interactions", str(write_jsonl(tmp_path / "a.jsonl", _records(1, 20))))
    for module in rollups.DERIVED:  # not filled again: the triggers keep the tables
        monkeypatch.setattr(import_module(module), "fill", _explode)
    changed = [{**r, "agents": ["c.verdi"], "label": "late_delivery"} for r in _records(11, 5)]
    rows = [*changed, *_records(21, 20)]
    call_command("qimport", "interactions", str(write_jsonl(tmp_path / "b.jsonl", rows)), "--batch-size", "6")
    assert Interaction.objects.count() == 40
    assert set(_triggers().values()) == {"O"}
    _verified()


def _nothing_written() -> None:
    assert Interaction.objects.count() == 0
    assert set(_triggers().values()) == {"O"}
    assert all(not rows for name, rows in _derived().items() if not name.endswith("state"))
    _verified()


def test_a_first_import_with_a_broken_row_writes_nothing_and_leaves_the_triggers_on(tmp_path: Path) -> None:
    rows = [*_records(1, 10), record(11, channel="fax")]
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("qimport", "interactions", str(write_jsonl(tmp_path / "x.jsonl", rows)))
    _nothing_written()


def test_a_first_import_whose_fill_fails_writes_nothing_and_leaves_the_triggers_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_module(rollups.DERIVED[-1]), "fill", _explode)  # the links and two rollups filled by then
    with pytest.raises(RuntimeError, match="fill failed"):
        interactions_import_file(path_or_stream=write_jsonl(tmp_path / "x.jsonl", _records(1, 10)))
    _nothing_written()
