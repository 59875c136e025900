"""Importing call records: bad rows named by line and field, all or nothing, re-import by call id, interaction links."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from qadesk.accounts.models import Agent
from qadesk.phoneline.importer import calls_import_file
from qadesk.phoneline.models import CallRecord
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db
HEADER = "call_id,queue,trunk,offered_at,outcome,wait_seconds,talk_seconds,hold_seconds,interaction,mos,noisy,cost\n"
GOOD = (
    HEADER
    + "c1,Ordini,t1,2026-11-02T09:00:00Z,answered,12,300,0,T-1,4.1,no,\n"
    + "c2,Ordini,t1,2026-11-02T09:05:00Z,busy,,,,,,,\n"
    + "c3,Ordini,t1,2026-11-02T09:06:00,abandoned,40,,,,,,0.0100\n"
)


def _import(text: str, **kwargs: object) -> object:
    return calls_import_file(path_or_stream=io.BytesIO(text.encode()), fmt="csv", **kwargs)  # type: ignore[arg-type]


def test_it_imports_a_csv_and_links_the_interaction_it_names(agent: Agent) -> None:
    interaction = f.make_interaction(agent, channel="phone", external_id="T-1")
    report = _import(GOOD)
    assert (report.committed, report.created, report.linked) == (True, 3, 1)  # type: ignore[attr-defined]
    first = CallRecord.objects.get(call_id="c1")
    assert (first.interaction_id, first.mos, first.noisy, first.wait_seconds) == (interaction.pk, 4.1, False, 12)
    assert CallRecord.objects.get(call_id="c3").offered_at.tzinfo is not None  # a time without a zone is UTC


def test_importing_the_same_file_again_changes_nothing_and_a_changed_row_is_updated() -> None:
    _import(GOOD)
    again = _import(GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)  # type: ignore[attr-defined]
    changed = _import(
        GOOD.replace("c1,Ordini,t1,2026-11-02T09:00:00Z,answered,12", "c1,Ordini,t1,2026-11-02T09:00:00Z,answered,15")
    )
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)  # type: ignore[attr-defined]
    assert CallRecord.objects.get(call_id="c1").wait_seconds == 15
    assert CallRecord.objects.count() == 3


def test_a_bad_row_is_named_by_line_and_field_and_nothing_is_written() -> None:
    bad = (
        GOOD
        + "c4,Ordini,t1,2026-11-02T09:07:00Z,ringing,,,,,,,\n"
        + "c5,Ordini,t1,yesterday,answered,5,10,,,7,,\n"
        + "c1,Ordini,t1,2026-11-02T09:00:00Z,busy,,,,,,,\n"
    )
    report = _import(bad)
    errors = {(e.line, e.field) for e in report.errors}  # type: ignore[attr-defined]
    assert {(5, "outcome"), (6, "offered_at"), (6, "mos"), (7, "call_id")} <= errors
    assert report.committed is False  # type: ignore[attr-defined]
    assert CallRecord.objects.count() == 0


def test_skip_invalid_keeps_the_good_rows() -> None:
    report = _import(GOOD + "c4,Ordini,t1,2026-11-02T09:07:00Z,busy,,30,,,,,\n", skip_invalid=True)
    assert (report.committed, report.created, report.skipped) == (True, 3, 1)  # type: ignore[attr-defined]
    assert report.errors[0].field == "talk_seconds"  # type: ignore[attr-defined]


def test_it_reads_json_lines() -> None:
    rows = [
        {
            "call_id": "j1",
            "queue": "Q",
            "offered_at": "2026-11-02T09:00:00+01:00",
            "outcome": "answered",
            "wait_seconds": 3,
            "noisy": True,
        }
    ]
    stream = io.BytesIO("\n".join(json.dumps(r) for r in rows).encode())
    report = calls_import_file(path_or_stream=stream, fmt="jsonl")
    assert report.created == 1
    assert CallRecord.objects.get().noisy is True


def test_a_csv_row_with_more_cells_than_the_header_is_refused() -> None:
    report = _import(HEADER + "c1,Q,t,2026-11-02T09:00:00Z,busy,,,,,,,,extra\n")
    assert report.errors[0].line == 2  # type: ignore[attr-defined]


# A re-import's update path (a temporary table and one UPDATE … FROM) must store exactly what a first import of the
# same file stores: every column kind changes somewhere (text, time with an offset, numbers set and cleared, a flag,
# a decimal cost, links made, moved and dropped), some rows stay as they were.
FULL = (
    "call_id,queue,trunk,offered_at,outcome,wait_seconds,talk_seconds,hold_seconds,transfers,interaction,"
    "mos,jitter_ms,packet_loss,noisy,cost\n"
)
BEFORE = (
    FULL
    + "k1,Ordini,t1,2026-11-02T09:00:00Z,answered,12,300,0,0,R-1,4.1,3.5,0.25,no,0.1234\n"
    + "k2,Ordini,t1,2026-11-02T09:05:00Z,busy,,,,,,,,,,\n"
    + "k3,Resi,t2,2026-11-02T09:06:00+01:00,abandoned,40,,,1,,,,,,0.0100\n"
    + "k4,Resi,t2,2026-11-02T09:07:00Z,answered,5,60,30,2,R-2,3.9,,,yes,\n"
    + "k5,Support,,2026-11-02T09:08:00Z,callback,7,,,,R-1,,,,,\n"
    + "k6,Support,t3,2026-11-02T09:09:00Z,answered,1,2,3,0,,2.5,40.0,3.0,true,0.5000\n"
)
AFTER = (
    FULL
    + "k1,Ordini IT,t9,2026-11-02T10:00:00+02:00,answered,13,301,1,3,R-2,4.2,3.6,0.5,yes,0.2000\n"  # every column
    + "k2,Ordini,t1,2026-11-02T09:05:00Z,busy,,,,,,,,,,\n"  # unchanged
    + "k3,Resi,t2,2026-11-02T09:06:00+01:00,answered,40,20,,1,R-1,1.0,,,,\n"  # link made, cost cleared
    + "k4,Resi,t2,2026-11-02T09:07:00Z,abandoned,5,,,2,,,,,,\n"  # link, flag and measurements dropped
    + "k5,Support,,2026-11-02T09:08:00Z,callback,7,,,,R-1,,,,,\n"  # unchanged, still linked
    + "k6,Support,t3,2026-11-02T09:09:00Z,answered,1,2,3,0,NONE,2.5,40.0,3.0,false,0.5001\n"  # an unknown link
    + "k7,New,t1,2026-11-02T09:10:00Z,blocked,,,,,,,,,,\n"  # created
)


def _stored() -> dict[str, tuple[object, ...]]:
    columns = ["queue", "trunk", "offered_at", "outcome", "wait_seconds", "talk_seconds", "hold_seconds", "transfers"]
    columns += ["interaction_id", "mos", "jitter_ms", "packet_loss", "noisy", "cost"]
    return {row[0]: row[1:] for row in CallRecord.objects.values_list("call_id", *columns)}


@pytest.mark.parametrize("batch", [2000, 2])  # one batch, and several (a temporary table made and dropped per batch)
def test_a_changed_reimport_stores_exactly_what_a_first_import_of_the_file_stores(
    agent: Agent, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("qadesk.phoneline.importer.BATCH", batch)
    first = f.make_interaction(agent, channel="phone", external_id="R-1")
    second = f.make_interaction(agent, channel="phone", external_id="R-2")
    _import(BEFORE)
    ids = dict(CallRecord.objects.values_list("call_id", "pk"))
    report = _import(AFTER)
    assert (report.committed, report.created, report.updated, report.unchanged) == (True, 1, 4, 2)  # type: ignore[attr-defined]
    assert report.linked == 3  # type: ignore[attr-defined]
    reimported = _stored()
    assert {c: pk for c, pk in CallRecord.objects.values_list("call_id", "pk") if c in ids} == ids  # updated in place
    assert reimported["k1"][8] == second.pk and reimported["k3"][8] == first.pk
    assert reimported["k4"][8] is None and reimported["k6"][8] is None and reimported["k5"][8] == first.pk
    at = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # 10:00 at +02:00
    assert reimported["k1"] == ("Ordini IT", "t9", at, "answered", 13, 301, 1, 3, second.pk, 4.2, 3.6, 0.5, True, Decimal("0.2"))
    assert reimported["k4"] == ("Resi", "t2", at.replace(hour=9, minute=7), "abandoned", 5, *[None] * 2, 2, *[None] * 6)
    CallRecord.objects.all().delete()
    _import(AFTER)
    assert _stored() == reimported
    again = _import(AFTER)  # what the update stored compares equal to the file: nothing changes a second time
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)  # type: ignore[attr-defined]


# Row checking runs in pydantic-core alone (benchmarks/README.md, "Call import"): a blank value, the noise flag's
# spellings and the cost's digits are read before or by the model's own constraints, with the same reasons as before.
def _errors(report: object) -> list[tuple[int, str, str]]:
    return [(e.line, e.field, e.message) for e in report.errors]  # type: ignore[attr-defined]


def _jsonl(*rows: dict[str, object], **kwargs: object) -> object:
    stream = io.BytesIO("\n".join(json.dumps(r) for r in rows).encode())
    return calls_import_file(path_or_stream=stream, fmt="jsonl", **kwargs)  # type: ignore[arg-type]


CALL = {"call_id": "b1", "queue": "Q", "offered_at": "2026-11-02T09:00:00Z", "outcome": "answered"}
BLANKS = ("wait_seconds", "talk_seconds", "hold_seconds", "interaction", "interaction_source", "mos", "jitter_ms")
BLANKS += ("packet_loss", "noisy", "cost")


@pytest.mark.parametrize("blank", ["", None])
def test_a_json_lines_blank_or_null_value_is_a_value_not_given(blank: object) -> None:
    # An empty or null number, link, flag or cost is "not given"; a trunk or transfer count left blank is the default.
    report = _jsonl({**CALL, **dict.fromkeys(BLANKS, blank), "trunk": blank, "transfers": blank})
    assert (report.committed, report.created, _errors(report)) == (True, 1, [])  # type: ignore[attr-defined]
    stored = CallRecord.objects.values_list("trunk", "transfers", "wait_seconds", "mos", "noisy", "cost").get()
    assert stored == ("", 0, None, None, None, None)


def test_a_csv_row_shorter_than_the_header_reads_its_missing_cells_as_not_given() -> None:
    report = _import(FULL + "s1,Q,t1,2026-11-02T09:00:00Z,answered,12\n" + "s2,Q\n")
    # The first row stores what it has; the second lacks its time and outcome (null, as csv.DictReader gave them).
    assert _errors(report) == [
        (3, "offered_at", "None is not a date and time (ISO 8601, e.g. 2026-10-01T09:00:00Z)"),
        (3, "outcome", "None is not one of: 'answered', 'abandoned', 'busy', 'blocked', 'callback'"),
    ]
    report = _import(FULL + "s1,Q,t1,2026-11-02T09:00:00Z,answered,12\n")
    assert report.created == 1  # type: ignore[attr-defined]
    assert CallRecord.objects.values_list("wait_seconds", "transfers", "cost").get() == (12, 0, None)


def test_a_cost_with_more_digits_than_stored_is_refused_by_line_and_field() -> None:
    report = _import(
        FULL
        + "d1,Q,,2026-11-02T09:00:00Z,answered,,,,,,,,,,0.12345\n"  # five decimal places
        + "d2,Q,,2026-11-02T09:00:00Z,answered,,,,,,,,,,1234567.1\n"  # seven whole digits
        + "d3,Q,,2026-11-02T09:00:00Z,answered,,,,,,,,,,-0.01\n"
        + "d4,Q,,2026-11-02T09:00:00Z,answered,,,,,,,,,,0.10000\n"  # trailing zeros are not digits too many
        + "d5,Q,,2026-11-02T09:00:00Z,answered,,,,,,,,,, 123456.7891 \n"
    )
    assert _errors(report) == [
        (2, "cost", "is not valid"),
        (3, "cost", "is not valid"),
        (4, "cost", "must be 0 or more"),
    ]
    report = _import(FULL + "d4,Q,,2026-11-02T09:00:00Z,answered,,,,,,,,,,0.10000\n")
    assert CallRecord.objects.get().cost == Decimal("0.1")


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        *[("yes", True), ("Yes", True), (" YES ", True), ("true", True), ("1", True), ("on", True), ("T", True)],
        *[("no", False), (" No", False), ("FALSE", False), ("0", False), ("off", False), (" ", None), ("", None)],
    ],
)
def test_a_noise_flag_is_read_in_any_of_its_spellings(cell: str, stored: bool | None) -> None:
    report = _import(FULL + f"n1,Q,,2026-11-02T09:00:00Z,answered,,,,,,,,,{cell},\n")
    assert (report.created, _errors(report)) == (1, [])  # type: ignore[attr-defined]
    assert CallRecord.objects.get().noisy is stored
    CallRecord.objects.all().delete()
    assert _jsonl({**CALL, "noisy": cell}).created == 1  # type: ignore[attr-defined]
    assert CallRecord.objects.get().noisy is stored


def test_a_bad_noise_flag_or_measurement_is_named_with_its_reason() -> None:
    report = _import(
        FULL
        + "m1,Q,,2026-11-02T09:00:00Z,answered,,,,,,,,,maybe,\n"
        + "m2,Q,,2026-11-02T09:00:00Z,answered,,,,,,0.5,-1,101,,\n"
        + "m3,Q,,2026-11-02T09:00:00Z,answered, 7 ,12.5,-3,1001,,5.5,,,,\n"
    )
    assert _errors(report) == [
        (2, "noisy", "'maybe' is not true or false"),
        (3, "mos", "must be 1 or more"),  # a float's whole bound, written as a whole number
        (3, "jitter_ms", "must be 0 or more"),
        (3, "packet_loss", "must be 100 or less"),
        (4, "talk_seconds", "'12.5' is not a whole number"),
        (4, "hold_seconds", "must be 0 or more"),
        (4, "transfers", "must be 1000 or less"),
        (4, "mos", "must be 5 or less"),
    ]


def test_the_reasons_are_in_the_users_language() -> None:
    from django.utils import translation

    with translation.override("it"):
        report = _import(FULL + "m2,Q,,2026-11-02T09:00:00Z,answered,,,,,,0.5,,,forse,\n")
    assert _errors(report) == [
        (2, "mos", "deve essere pari o superiore a 1"),
        (2, "noisy", "'forse' non è true o false"),
    ]


def test_a_header_naming_a_column_twice_takes_its_last_filled_cell_as_before() -> None:
    header = "call_id,queue,offered_at,outcome, queue \n"
    report = _import(header + "h1,Q1,2026-11-02T09:00:00Z,answered,Q2\n" + "h2,Q1,2026-11-02T09:00:00Z,answered,\n")
    assert (report.created, _errors(report)) == (2, [])  # type: ignore[attr-defined]
    assert dict(CallRecord.objects.values_list("call_id", "queue")) == {"h1": "Q2", "h2": "Q1"}
