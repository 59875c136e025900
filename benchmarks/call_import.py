"""Benchmark: import N call records from CSV (`qadesk import calls FILE`) into PostgreSQL, against raw writes of the
same rows in the same run.

    .venv/bin/python benchmarks/call_import.py [--n 100000] [--db qadesk_bench_calls] [--keep] [--sqlite]

Writes a deterministic CSV (a tenth of the calls naming an interaction that exists), creates a throwaway database
(on 127.0.0.1:5432, user postgres; override the server with BENCH_PG_URL), migrates it, then measures:

- `calls_import_file()` — the code path of `qadesk import calls` — in calls/s (goal in issue 9: >= 10,000/s);
- a re-import of the same file (every row unchanged) and of a file where every wait changed (the re-import's update
  path: a temporary table and one UPDATE … FROM per batch, shared with the interaction import);
- the old update path for comparison: Django's `bulk_update` of the 14 columns over the first 300 calls;
- the references: psycopg `executemany` INSERT of the same already-parsed rows into the real table, and
  `COPY … FROM STDIN` of the raw CSV into a flat table without constraints or indexes.

Prints JSON with the timings, their ratios and the load average before and after (the machine may be shared:
compare the ratios of one run rather than raw figures). The database is dropped afterwards unless --keep.

With --sqlite the same runs go to a throwaway SQLite file instead; the reference is then Python's sqlite3
`executemany` INSERT of the same parsed rows into a copy of the real table with its indexes (there is no COPY).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from bench_pg import BASE_URL, ROOT, drop_database, recreate_database

START = datetime(2026, 10, 1, tzinfo=UTC)
HEADER = [
    "call_id", "queue", "trunk", "offered_at", "outcome", "wait_seconds", "talk_seconds", "hold_seconds", "transfers",
    "interaction", "mos", "jitter_ms", "packet_loss", "noisy", "cost",
]  # fmt: skip
COLUMNS = [
    "call_id", "queue", "trunk", "offered_at", "outcome", "wait_seconds", "talk_seconds", "hold_seconds", "transfers",
    "interaction_id", "mos", "jitter_ms", "packet_loss", "noisy", "cost",
]  # fmt: skip
LINKED = 1000  # interactions the calls may name
OLD_PATH_ROWS = 300  # rows given to the old update path (bulk_update): at ~18 rows/s more would take minutes


def generate(n: int, path: Path, *, wait_shift: int = 0) -> None:
    rnd = random.Random(20261205)
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for i in range(n):
            outcome = rnd.choices(["answered", "abandoned", "busy", "blocked", "callback"], [80, 10, 6, 2, 2])[0]
            connected = outcome not in ("busy", "blocked")
            answered = outcome == "answered"
            writer.writerow(
                [
                    f"call-{i:08d}",
                    rnd.choice(["Ordini IT", "Support FR", "Resi IT"]),
                    rnd.choice(["TIM-01", "Orange-02"]),
                    (START + timedelta(seconds=i * 7)).isoformat(),
                    outcome,
                    rnd.randint(0, 300) + wait_shift if connected else "",
                    rnd.randint(30, 900) if answered else "",
                    rnd.choice([0, 0, 30]) if answered else "",
                    int(rnd.random() < 0.05),
                    f"I-{rnd.randrange(LINKED)}" if answered and rnd.random() < 0.1 else "",
                    round(rnd.uniform(2.5, 4.5), 2) if answered else "",
                    round(rnd.uniform(1, 40), 1) if answered else "",
                    round(rnd.uniform(0, 3), 2) if answered else "",
                    rnd.choice(["true", "false"]) if answered else "",
                    f"{rnd.uniform(0.01, 0.5):.4f}" if answered and rnd.random() < 0.5 else "",
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="Call records to generate and import.")
    parser.add_argument("--db", default="qadesk_bench_calls", help="Throwaway PostgreSQL database name.")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--sqlite", action="store_true", help="Measure on a throwaway SQLite file instead.")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="qadesk-bench-calls-"))
    first, changed = workdir / "calls.csv", workdir / "calls-changed.csv"
    generate(args.n, first)
    generate(args.n, changed, wait_shift=1)
    result: dict[str, Any] = {"n": args.n, "load_before": _load(), "file_mb": round(first.stat().st_size / 1e6, 1)}
    sqlite = workdir / "bench.sqlite3" if args.sqlite else None
    result["database"] = "sqlite" if sqlite else "postgresql"
    if sqlite is None:
        recreate_database(args.db)
    os.environ["DATABASE_URL"] = f"sqlite:///{sqlite}" if sqlite else f"{BASE_URL}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qadesk.settings")
    os.environ.setdefault("QADESK_DATA_DIR", str(workdir))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    try:
        result.update(_measure(first, changed, args.db, sqlite))
        result["load_after"] = _load()
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep and sqlite is None:
            drop_database(args.db)
        for path in workdir.iterdir():
            path.unlink()
        workdir.rmdir()
    print(json.dumps(result, indent=2))


def _timed(run: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    value = run()
    return time.perf_counter() - started, value


def _measure(first: Path, changed: Path, db: str, sqlite: Path | None) -> dict[str, Any]:
    from django.core.management import call_command

    from qadesk.interactions.models import Interaction
    from qadesk.phoneline.importer import calls_import_file
    from qadesk.phoneline.models import CallRecord

    call_command("migrate", verbosity=0)
    Interaction.objects.bulk_create(
        Interaction(external_id=f"I-{i}", source="bench", channel="phone", created_at=START) for i in range(LINKED)
    )
    seconds, report = _timed(lambda: calls_import_file(path_or_stream=first))
    assert report.committed and report.error_count == 0, report.errors[:5]
    n = report.created
    unchanged_s, again = _timed(lambda: calls_import_file(path_or_stream=first))
    assert again.unchanged == n
    changed_s, moved = _timed(lambda: calls_import_file(path_or_stream=changed))
    assert moved.updated > 0
    old_n = min(n, OLD_PATH_ROWS)
    records = list(CallRecord.objects.order_by("id")[:old_n])
    for record in records:
        record.wait_seconds = (record.wait_seconds or 0) + 1
    old_s, _ = _timed(lambda: _old_update_path(records))
    rows = list(CallRecord.objects.order_by().values_list(*COLUMNS))
    if sqlite is not None:
        executemany_s = _executemany_sqlite(sqlite, rows)
        copy_s = float("nan")
    else:
        executemany_s = _executemany(db, rows)
        copy_s = _copy(db, first)
    return {
        "import_seconds": round(seconds, 3),
        "calls_per_s": round(n / seconds),
        "linked": report.linked,
        "reimport_unchanged_per_s": round(n / unchanged_s),
        "reimport_changed_per_s": round(n / changed_s),
        "reimport_changed_updated": moved.updated,
        "old_bulk_update_rows": old_n,
        "old_bulk_update_per_s": round(old_n / old_s),
        "ratio_changed_reimport_to_import": round(changed_s / seconds, 2),
        "executemany_seconds": round(executemany_s, 3),
        "copy_seconds": round(copy_s, 3) if sqlite is None else None,
        "ratio_import_to_executemany": round(seconds / executemany_s, 2),
        "ratio_import_to_copy": round(seconds / copy_s, 2) if sqlite is None else None,
        "goal_10000_per_s_met": n / seconds >= 10_000,
    }


def _old_update_path(records: list[Any]) -> None:
    """The update path before issue 9's fix, for comparison: Django's bulk_update of the 14 columns in one transaction."""
    from django.db import transaction

    from qadesk.phoneline.importer import FIELDS
    from qadesk.phoneline.models import CallRecord

    with transaction.atomic():
        CallRecord.objects.bulk_update(records, FIELDS)


def _executemany(db: str, rows: list[tuple[Any, ...]]) -> float:
    """The same rows, already parsed, inserted by one executemany into a copy of the real table (same indexes)."""
    with psycopg.connect(f"{BASE_URL}/{db}") as conn:
        conn.execute("CREATE TABLE ref_calls (LIKE phoneline_callrecord INCLUDING ALL)")
        columns = ", ".join(COLUMNS)
        started = time.perf_counter()
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO ref_calls ({columns}) VALUES ({', '.join(['%s'] * 15)})", rows)
        conn.commit()
        return time.perf_counter() - started


def _executemany_sqlite(path: Path, rows: list[tuple[Any, ...]]) -> float:
    """SQLite: the same rows by one sqlite3 executemany into a copy of the real table with its indexes."""
    import sqlite3

    from django.db import connection

    connection.close()
    conn = sqlite3.connect(path)
    try:
        table = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'phoneline_callrecord'").fetchone()[0]
        conn.execute(table.replace('"phoneline_callrecord"', '"ref_calls"', 1))
        indexes = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'phoneline_callrecord' AND sql IS NOT NULL"
        ).fetchall()
        for (sql,) in indexes:
            conn.execute(sql.replace('"phoneline_callrecord"', '"ref_calls"').replace('INDEX "', 'INDEX "ref_'))
        conn.commit()
        plain = [tuple(str(v) if isinstance(v, Decimal) else v for v in row) for row in rows]
        started = time.perf_counter()
        conn.executemany(f"INSERT INTO ref_calls ({', '.join(COLUMNS)}) VALUES ({', '.join(['?'] * 15)})", plain)
        conn.commit()
        return time.perf_counter() - started
    finally:
        conn.close()


def _copy(db: str, path: Path) -> float:
    """The raw CSV into a flat text table with COPY: the floor."""
    with psycopg.connect(f"{BASE_URL}/{db}") as conn:
        conn.execute("CREATE TABLE ref_calls_flat (" + ", ".join(f"{c} text" for c in HEADER) + ")")
        started = time.perf_counter()
        sql = "COPY ref_calls_flat FROM STDIN WITH (FORMAT csv, HEADER true)"
        with conn.cursor() as cur, cur.copy(sql) as copy, path.open("rb") as data:
            while chunk := data.read(1 << 20):
                copy.write(chunk)
        conn.commit()
        return time.perf_counter() - started


def _load() -> str:
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


if __name__ == "__main__":
    main()
