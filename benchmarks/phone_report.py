"""Benchmark: the phone line's delivery figures over --calls call records on PostgreSQL, against hand-written SQL and
pandas.

    .venv/bin/python benchmarks/phone_report.py [--calls 1000000] [--repeat 5] [--keep] [--reuse] [--db-name NAME]

Creates a throwaway database (qadesk_bench_phone on 127.0.0.1:5432, user postgres; BENCH_PG_URL overrides the server),
migrates it, fills it with INSERT … SELECT generate_series: --calls records over 90 days, 6 queues, 4 trunks (3 with a
tariff, one without), a daily curve peaking around midday (07:00–20:00 local), outcomes 78 % answered, 10 % abandoned,
5 % busy, 2 % blocked, 5 % callback; MOS (two decimals, 2.0–4.6) on 85 % of answered calls, a noise flag on 60 % of
connected calls (8 % noisy), an own cost on 30 % of connected calls. Then, over the 90 days, it times:

- `phone_report(by=…)` for queue, trunk, month and interval (15 minutes) — the code path of the page, the API and
  `qadesk report calls` — against one hand-written SQL query per report shape (GROUP BY GROUPING SETS ((key), ())
  joined to the tariffs, every figure in SQL), and against the same report with the calls loaded into Python and
  computed by the pure functions (`report_python`: how main computed it before; timed once, it is slow);
- `compliance()` over 6 months with 7 levels (every parameter, all queues, and two of one queue), against a
  hand-written GROUP BY month, queue;
- pandas from a CSV export of the calls and the tariffs (COPY … TO STDOUT, timed apart): read_csv and the figures.

Prints JSON with median latencies, their ratios, and the load average; `agree` is true when the report, the
hand-written SQL, the pure functions and pandas give the same figures (counts exactly, the rest to 1e-6 relative).
`--keep` leaves the database; `--reuse` measures a kept one without filling it again. The database is dropped
afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
from bench_pg import BASE_URL, django_on, machine, median_seconds

DB_NAME = os.environ.get("BENCH_DB_NAME", "qadesk_bench_phone")
START = date(2026, 9, 1)
DAYS = 90
QUEUES = ("Ordini IT", "Support FR", "Resi IT", "Fatture IT", "Billing FR", "VIP")
TRUNKS = ("TIM-01", "Orange-02", "Fastweb-03", "Legacy-04")  # Legacy-04 has no tariff
TARIFFS = {"TIM-01": "0.0120", "Orange-02": "0.0250", "Fastweb-03": "0.0090"}
MOS_BELOW = 3.5
COUNTS = ("attempts", "busy", "answered", "abandoned", "measured_mos", "low_mos", "noise_known", "noisy")
VALUES = ("busy_rate", "abandonment_rate", "asa_seconds", "low_mos_rate", "mean_mos", "noise_rate", "cost",
          "billed_minutes", "cost_per_call", "cost_per_minute")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--db-name", default=DB_NAME)
    parser.add_argument("--reuse", action="store_true", help="Use the database a --keep run left (migrated, not refilled).")
    parser.add_argument("--no-python", action="store_true", help="Do not time the pure functions over loaded calls.")
    args = parser.parse_args()
    globals()["DB_NAME"] = args.db_name
    with django_on(DB_NAME, fresh=not args.reuse, keep=args.keep) as url:
        result: dict[str, Any] = {"machine": machine(), "calls": args.calls}
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        if args.reuse:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE phoneline_callrecord")
                result["calls"] = conn.execute("SELECT count(*) FROM phoneline_callrecord").fetchone()[0]  # type: ignore[index]
        else:
            result["fill_seconds"] = _fill(args.calls)
        result.update(_measure(args.repeat, python=not args.no_python))
    print(json.dumps(result, indent=2))
    if not result["agree"]:
        sys.exit("the report, the hand-written SQL, the pure functions and pandas disagree")


def _fill(n: int) -> float:
    from django.db import connection

    from qadesk.phoneline.models import Tariff

    started = time.perf_counter()
    for trunk, rate in TARIFFS.items():
        Tariff.objects.create(trunk=trunk, per_minute=rate)
    queues = ", ".join(f"'{q}'" for q in QUEUES)
    trunks = ", ".join(f"'{t}'" for t in TRUNKS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.9)")
        cursor.execute(f"""
            INSERT INTO phoneline_callrecord (call_id, queue, trunk, offered_at, outcome, wait_seconds, talk_seconds,
                hold_seconds, transfers, interaction_id, mos, jitter_ms, packet_loss, noisy, cost)
            SELECT 'call-' || i, queue, trunk, offered, outcome,
                CASE WHEN connected THEN wait END,
                CASE WHEN outcome = 'answered' THEN 30 + (i::bigint * 7919) % 870 END,
                CASE WHEN outcome = 'answered' THEN (ARRAY[0, 0, 0, 30, 90])[1 + i % 5] END,
                CASE WHEN i % 20 = 0 THEN 1 ELSE 0 END, NULL,
                CASE WHEN outcome = 'answered' AND r2 < 0.85 THEN round((2.0 + r3 * 2.6)::numeric, 2)::float8 END,
                CASE WHEN outcome = 'answered' THEN round((1 + r3 * 39)::numeric, 1)::float8 END,
                CASE WHEN outcome = 'answered' THEN round((r2 * 3)::numeric, 2)::float8 END,
                CASE WHEN connected AND r4 < 0.6 THEN r4 < 0.048 END,
                CASE WHEN connected AND r5 < 0.3 THEN round((0.01 + r5 * 1.5)::numeric, 4) END
            FROM (
                SELECT i, queue, trunk, outcome, outcome NOT IN ('busy', 'blocked') AS connected, r2, r3, r4, r5,
                    (TIMESTAMP '{START.isoformat()} 07:00' + (i % {DAYS}) * INTERVAL '1 day'
                        + ((r0 + r1) / 2 * 13 * 3600)::int * INTERVAL '1 second') AT TIME ZONE 'Europe/Rome' AS offered,
                    CASE WHEN outcome = 'answered' THEN floor(r1 * r1 * 240)::int ELSE floor(r1 * 180)::int END AS wait
                FROM (
                    SELECT i, random() AS r0, random() AS r1, random() AS r2, random() AS r3, random() AS r4,
                        random() AS r5,
                        (ARRAY[{queues}])[1 + (i * 31) % {len(QUEUES)}] AS queue,
                        (ARRAY[{trunks}])[1 + (i * 17 / 7) % {len(TRUNKS)}] AS trunk,
                        CASE WHEN i % 100 < 78 THEN 'answered' WHEN i % 100 < 88 THEN 'abandoned'
                             WHEN i % 100 < 93 THEN 'busy' WHEN i % 100 < 95 THEN 'blocked' ELSE 'callback' END AS outcome
                    FROM generate_series(1, {n}) AS i
                ) AS drawn
            ) AS timed
        """)
    connection.close()
    with psycopg.connect(f"{BASE_URL}/{DB_NAME}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE phoneline_callrecord")
    return round(time.perf_counter() - started, 1)


# One hand-written query per report shape: every figure of every group and of the total, in SQL.
HAND_WRITTEN = """
WITH c AS (
    SELECT {key} AS key, c.outcome, c.outcome NOT IN ('busy', 'blocked') AS connected, c.wait_seconds, c.mos, c.noisy,
        CASE WHEN c.outcome IN ('busy', 'blocked') THEN 0
             ELSE coalesce(c.wait_seconds, 0) + coalesce(c.talk_seconds, 0) + coalesce(c.hold_seconds, 0) END AS billed,
        coalesce(c.cost, CASE WHEN c.outcome IN ('busy', 'blocked') THEN 0
             ELSE coalesce(c.wait_seconds, 0) + coalesce(c.talk_seconds, 0) + coalesce(c.hold_seconds, 0) END
             / 60.0 * coalesce(t.per_minute, 0)) AS cost
    FROM phoneline_callrecord c LEFT JOIN phoneline_tariff t ON t.trunk = c.trunk
    WHERE c.offered_at >= %(start)s AND c.offered_at < %(end)s
)
SELECT key, count(*) AS attempts, count(*) FILTER (WHERE NOT connected) AS busy,
    count(*) FILTER (WHERE outcome = 'answered') AS answered, count(*) FILTER (WHERE outcome = 'abandoned') AS abandoned,
    sum(wait_seconds) FILTER (WHERE outcome = 'answered') AS wait,
    count(mos) FILTER (WHERE connected) AS measured_mos, count(*) FILTER (WHERE connected AND mos < %(mos_below)s) AS low_mos,
    sum(mos) FILTER (WHERE connected) AS mos_total,
    count(noisy) FILTER (WHERE connected) AS noise_known, count(*) FILTER (WHERE connected AND noisy) AS noisy,
    count(*) FILTER (WHERE connected) AS connected, sum(billed) AS billed, coalesce(sum(cost) FILTER (WHERE connected), 0) AS cost
FROM c GROUP BY GROUPING SETS ((key), ())
"""
KEYS = {
    "queue": "c.queue",
    "trunk": "CASE WHEN c.trunk = '' THEN '—' ELSE c.trunk END",
    "month": "to_char(c.offered_at AT TIME ZONE %(zone)s, 'YYYY-MM')",
    "interval": "to_char(date_bin(INTERVAL '15 minutes', c.offered_at AT TIME ZONE %(zone)s, TIMESTAMP '2000-01-01'), 'HH24:MI')",
}
# The same figures by hand as one would write them knowing where the time goes: grouped by trunk and outcome too (no
# outcome tested per aggregate, tariffs applied per trunk afterwards), local months and quarter hours from the stored
# instant (the Europe/Rome offsets of the benchmark's 90 days written in), no time zone looked up per row.
HAND_WRITTEN_LEAN = """
SELECT {key} AS key, trunk, outcome, count(*), sum(wait_seconds), sum(talk_seconds), sum(hold_seconds),
    sum(coalesce(wait_seconds, 0) + coalesce(talk_seconds, 0) + coalesce(hold_seconds, 0)) FILTER (WHERE cost IS NULL),
    sum(cost), count(mos), count(*) FILTER (WHERE mos < %(mos_below)s), sum(mos), count(noisy), count(*) FILTER (WHERE noisy)
FROM phoneline_callrecord WHERE offered_at >= %(start)s AND offered_at < %(end)s GROUP BY 1, 2, 3
"""
LEAN_KEYS = {
    "queue": "queue",
    "trunk": "CASE WHEN trunk = '' THEN '—' ELSE trunk END",
    "month": "CASE WHEN offered_at < '2026-10-01 00:00+02' THEN '2026-09' WHEN offered_at < '2026-11-01 00:00+01' THEN "
    "'2026-10' ELSE '2026-11' END",
    "interval": "to_char(date_bin('15 minutes', offered_at + CASE WHEN offered_at < '2026-10-25 01:00+00' THEN "
    "INTERVAL '2 hours' ELSE INTERVAL '1 hour' END, TIMESTAMPTZ '2000-01-01 00:00+00'), 'HH24:MI')",
}


def _lean(rows: list[tuple[Any, ...]]) -> dict[str, dict[str, Any]]:
    """The figures per key from the lean query's rows (per key, trunk and outcome), the tariffs applied per trunk."""
    sums: dict[str, dict[str, Any]] = {}
    names = ("attempts", "busy", "answered", "abandoned", "wait", "measured_mos", "low_mos", "mos_total", "noise_known",
             "noisy", "connected", "billed", "cost")  # fmt: skip
    for key, trunk, outcome, n, wait, talk, hold, unpriced, own, measured, low, mos, known, noisy in rows:
        for target in (sums.setdefault(key, dict.fromkeys(names, 0)), sums.setdefault("total", dict.fromkeys(names, 0))):
            target["attempts"] += n
            if outcome in ("busy", "blocked"):
                target["busy"] += n
                continue
            target["connected"] += n
            target["answered"] += n if outcome == "answered" else 0
            target["abandoned"] += n if outcome == "abandoned" else 0
            target["wait"] += (wait or 0) if outcome == "answered" else 0
            target["measured_mos"] += measured
            target["low_mos"] += low
            target["mos_total"] += mos or 0.0
            target["noise_known"] += known
            target["noisy"] += noisy
            target["billed"] += (wait or 0) + (talk or 0) + (hold or 0)
            target["cost"] += float(own or 0) + (unpriced or 0) / 60 * float(TARIFFS.get(trunk, 0))
    return {key: _figures(row) for key, row in sums.items()}


HAND_WRITTEN_COMPLIANCE = (
    HAND_WRITTEN.replace("{key} AS key", "to_char(c.offered_at AT TIME ZONE %(zone)s, 'YYYY-MM') AS month, c.queue")
    .replace("SELECT key,", "SELECT month, queue,")
    .replace("GROUPING SETS ((key), ())", "GROUPING SETS ((month, queue), (month))")
)


def _figures(row: dict[str, Any]) -> dict[str, Any]:
    """The report's figures from one row of sums, by the definitions in docs/phoneline.md."""

    def rate(part: float, whole: float) -> float | None:
        return 100.0 * part / whole if whole else None

    minutes = float(row["billed"] or 0) / 60
    cost = float(row["cost"] or 0)
    return {
        "attempts": row["attempts"], "busy": row["busy"], "busy_rate": rate(row["busy"], row["attempts"]),
        "answered": row["answered"], "abandoned": row["abandoned"],
        "abandonment_rate": rate(row["abandoned"], row["answered"] + row["abandoned"]),
        "asa_seconds": float(row["wait"] or 0) / row["answered"] if row["answered"] else None,
        "measured_mos": row["measured_mos"], "low_mos": row["low_mos"], "low_mos_rate": rate(row["low_mos"], row["measured_mos"]),
        "mean_mos": float(row["mos_total"]) / row["measured_mos"] if row["measured_mos"] else None,
        "noise_known": row["noise_known"], "noisy": row["noisy"], "noise_rate": rate(row["noisy"], row["noise_known"]),
        "cost": round(cost, 4), "billed_minutes": round(minutes, 2),
        "cost_per_call": cost / row["connected"] if row["connected"] else None,
        "cost_per_minute": cost / minutes if minutes else None,
    }  # fmt: skip


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Counts equal; the other figures equal to 1e-6 relative (sums of floats in another order), rounded money to 1e-4."""
    for name in COUNTS:
        if a[name] != b[name]:
            return False
    for name in VALUES:
        x, y = a[name], b[name]
        if (x is None) != (y is None):
            return False
        tolerance = 1.01e-4 if name == "cost" else 1.01e-2 if name == "billed_minutes" else 0
        if x is not None and not math.isclose(x, y, rel_tol=1e-6, abs_tol=tolerance):
            return False
    return True


def _agree(one: dict[str, dict[str, Any]], other: dict[str, dict[str, Any]]) -> bool:
    return one.keys() == other.keys() and all(_same(one[k], other[k]) for k in one)


EXPORT_CALLS = """
COPY (SELECT queue, trunk, offered_at, outcome, wait_seconds, talk_seconds, hold_seconds, mos, noisy, cost
      FROM phoneline_callrecord) TO STDOUT WITH (FORMAT csv, HEADER)
"""
EXPORT_TARIFFS = "COPY (SELECT trunk, per_minute FROM phoneline_tariff) TO STDOUT WITH (FORMAT csv, HEADER)"


def _export(folder: Path) -> float:
    """The CSV export an analyst would start from (every call, and the tariffs), timed apart."""
    started = time.perf_counter()
    with psycopg.connect(f"{BASE_URL}/{DB_NAME}") as conn, conn.cursor() as cursor:
        for name, sql in (("calls.csv", EXPORT_CALLS), ("tariffs.csv", EXPORT_TARIFFS)):
            with open(folder / name, "wb") as out, cursor.copy(sql) as copy:  # type: ignore[arg-type]
                for chunk in copy:
                    out.write(chunk)
    return round(time.perf_counter() - started, 2)


def _pandas(folder: Path, params: dict[str, Any], zone: str) -> dict[str, dict[str, dict[str, Any]]]:
    """Every report shape's figures with pandas from the CSV export (read included)."""
    import pandas as pd

    df = pd.read_csv(folder / "calls.csv", keep_default_na=False, na_values={c: [""] for c in (
        "wait_seconds", "talk_seconds", "hold_seconds", "mos", "noisy", "cost")})  # fmt: skip
    df["offered_at"] = pd.to_datetime(df["offered_at"], utc=True, format="ISO8601")
    df = df[(df.offered_at >= params["start"]) & (df.offered_at < params["end"])].copy()
    rates = pd.read_csv(folder / "tariffs.csv").set_index("trunk")["per_minute"]
    local = df.offered_at.dt.tz_convert(zone)
    connected = ~df.outcome.isin(["busy", "blocked"])
    billed = df[["wait_seconds", "talk_seconds", "hold_seconds"]].fillna(0).sum(axis=1).where(connected, 0)
    noisy = df.noisy.map({"t": True, "f": False})
    frame = pd.DataFrame({
        "attempts": 1, "busy": ~connected, "answered": df.outcome == "answered", "abandoned": df.outcome == "abandoned",
        "wait": df.wait_seconds.where(df.outcome == "answered", 0).fillna(0),
        "measured_mos": connected & df.mos.notna(), "low_mos": connected & (df.mos < MOS_BELOW),
        "mos_total": df.mos.where(connected, 0).fillna(0),
        "noise_known": connected & noisy.notna(), "noisy": connected & (noisy == True),  # noqa: E712
        "connected": connected, "billed": billed,
        "cost": df.cost.fillna(billed / 60 * df.trunk.map(rates).fillna(0)).where(connected, 0),
    })  # fmt: skip
    keys = {
        "queue": df.queue,
        "trunk": df.trunk.where(df.trunk != "", "—"),
        "month": local.dt.strftime("%Y-%m"),
        "interval": ((local.dt.hour * 60 + local.dt.minute) // 15 * 15).map(lambda m: f"{m // 60:02d}:{m % 60:02d}"),
    }

    def sums(row: Any) -> dict[str, Any]:
        out = {k: (int(v) if k not in ("wait", "mos_total", "billed", "cost") else float(v)) for k, v in row.items()}
        return _figures(out)

    result = {}
    for by, key in keys.items():
        grouped = frame.groupby(key).sum()
        shaped = {str(k): sums(row) for k, row in grouped.iterrows()}
        shaped["total"] = sums(frame.sum())
        result[by] = shaped
    return result


def _measure(repeat: int, *, python: bool) -> dict[str, Any]:
    from dataclasses import asdict

    from django.conf import settings
    from django.db import connection, transaction

    from qadesk.accounts.models import Role, User
    from qadesk.core.days import day_start, next_day_start
    from qadesk.phoneline import selectors
    from qadesk.phoneline.models import DeliveryLevel, Parameter

    actor = User(username="system", role=Role.ADMIN, is_superuser=True)
    first, last = START, START + timedelta(days=DAYS - 1)
    zone = settings.TIME_ZONE
    params = {"start": day_start(first), "end": next_day_start(last), "mos_below": MOS_BELOW, "zone": zone}

    def report(by: str) -> Any:
        return selectors.phone_report(actor=actor, by=by, date_from=first, date_to=last, mos_below=MOS_BELOW,
                                      interval_minutes=15)  # fmt: skip

    def python_report(by: str) -> Any:
        selectors.IN_DATABASE = False
        try:
            return report(by)
        finally:
            selectors.IN_DATABASE = True

    def as_dicts(result: Any) -> dict[str, dict[str, Any]]:
        return {**{key: asdict(f) for key, f in result.groups}, "total": asdict(result.total)}

    def hand_written(query: str) -> dict[str, dict[str, Any]]:
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            names = [c.name for c in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        return {("total" if row["key"] is None else row["key"]): _figures(row) for row in rows}

    def lean(query: str) -> dict[str, dict[str, Any]]:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(query, params)
            return _lean(cursor.fetchall())

    out: dict[str, Any] = {"mos_below": MOS_BELOW, "interval_minutes": 15, "load_before": round(os.getloadavg()[0], 2)}
    agree = True
    ours_all: dict[str, dict[str, dict[str, Any]]] = {}
    has_python = hasattr(selectors, "IN_DATABASE")
    for by, key in KEYS.items():
        query = HAND_WRITTEN.replace("{key}", key)
        ours_s = median_seconds(lambda by=by: report(by), repeat)
        hand_s = median_seconds(lambda query=query: hand_written(query), repeat)
        lean_query = HAND_WRITTEN_LEAN.replace("{key}", LEAN_KEYS[by])
        lean_s = median_seconds(lambda q=lean_query: lean(q), repeat)
        ours, hand, by_lean = as_dicts(report(by)), hand_written(query), lean(lean_query)
        ours_all[by] = ours
        entry: dict[str, Any] = {
            "report_seconds": ours_s, "hand_written_sql_seconds": hand_s, "ratio": round(ours_s / hand_s, 2),
            "hand_written_lean_seconds": lean_s, "ratio_to_lean": round(ours_s / lean_s, 2),
            "groups": len(ours) - 1, "agree_sql": _agree(ours, hand) and _agree(ours, by_lean),
        }  # fmt: skip
        agree &= entry["agree_sql"]
        if python and has_python:
            started = time.perf_counter()
            pure = as_dicts(python_report(by))
            entry["report_python_seconds"] = round(time.perf_counter() - started, 3)
            entry["agree_python"] = _agree(ours, pure)
            agree &= entry["agree_python"]
        out[f"by_{by}"] = entry

    # Compliance: every parameter for all queues, two for one queue, 6 months ending with the last day.
    DeliveryLevel.objects.all().delete()
    for parameter in Parameter:
        DeliveryLevel.objects.create(parameter=parameter, value=1.0)
    for parameter in (Parameter.BUSY_RATE, Parameter.COST_PER_MINUTE):
        DeliveryLevel.objects.create(parameter=parameter, value=1.0, queue=QUEUES[0])

    def comply() -> Any:
        return selectors.compliance(actor=actor, months=6, today=last, mos_below=MOS_BELOW)

    firsts = selectors.months_before(last, 6)
    cparams = {**params, "start": day_start(firsts[0])}

    def hand_compliance() -> Any:
        with connection.cursor() as cursor:
            cursor.execute(HAND_WRITTEN_COMPLIANCE, cparams)
            names = [c.name for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    comply_s = median_seconds(comply, repeat)
    hand_c_s = median_seconds(hand_compliance, repeat)
    months, rows = comply()
    by_cell = {(r["month"], r["queue"] or ""): _figures(r) for r in hand_compliance()}
    expected = {
        (row.level.pk, m): by_cell.get((m.strftime("%Y-%m"), row.level.queue), {}).get(row.level.parameter)
        for row in rows
        for m in months
    }
    got = {(row.level.pk, m): v for row in rows for m, v, _met in row.cells}
    compliance_agree = expected.keys() == got.keys() and all(
        (expected[k] is None) == (got[k] is None) and (got[k] is None or math.isclose(got[k], expected[k], rel_tol=1e-6))
        for k in got
    )
    out["compliance"] = {
        "levels": len(rows), "months": len(months), "compliance_seconds": comply_s, "hand_written_sql_seconds": hand_c_s,
        "ratio": round(comply_s / hand_c_s, 2), "agree_sql": compliance_agree,
    }  # fmt: skip
    agree &= compliance_agree
    if python and has_python:
        selectors.IN_DATABASE = False
        try:
            started = time.perf_counter()
            pure_rows = comply()[1]
            out["compliance"]["compliance_python_seconds"] = round(time.perf_counter() - started, 3)
        finally:
            selectors.IN_DATABASE = True
        pure = {(row.level.pk, m): v for row in pure_rows for m, v, _met in row.cells}
        out["compliance"]["agree_python"] = pure.keys() == got.keys() and all(
            (pure[k] is None) == (got[k] is None) and (got[k] is None or math.isclose(got[k], pure[k], rel_tol=1e-6)) for k in got
        )
        agree &= out["compliance"]["agree_python"]

    with tempfile.TemporaryDirectory() as folder:
        out["csv_export_seconds"] = _export(Path(folder))
        runs = []
        for _ in range(max(1, min(repeat, 2))):
            started = time.perf_counter()
            by_pandas = _pandas(Path(folder), params, zone)
            runs.append(time.perf_counter() - started)
    out["pandas_seconds_all_four_shapes"] = round(statistics.median(runs), 3)
    out["agree_pandas"] = all(_agree(ours_all[by], by_pandas[by]) for by in KEYS)
    agree &= out["agree_pandas"]
    out["load_after"] = round(os.getloadavg()[0], 2)
    out["agree"] = agree
    return out


if __name__ == "__main__":
    main()
