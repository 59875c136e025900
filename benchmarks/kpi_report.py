"""Benchmark: the operational KPI report by team over --interactions contacts on PostgreSQL, against hand-written SQL.

    .venv/bin/python benchmarks/kpi_report.py [--interactions 200000] [--repeat 5] [--keep] [--db-name NAME]

Creates a throwaway database (qadesk_bench_kpis on 127.0.0.1:5432, user postgres; BENCH_PG_URL overrides the server),
migrates it, fills it with INSERT … SELECT generate_series (40 agents in 4 teams on 2 sites, 10 labels, one customer
per 4 contacts; phone and chat contacts queued and answered, 6 % of phone calls abandoned, talk/hold/ACW on calls,
first replies and resolutions on every channel, 3 % reopened, 8 % handed to a second agent), then times
`kpi_report(by="team")` over 90 days — group table, totals, medians and 90th percentiles, FCR's look for a new
contact, reassignment paths — against the same figures from two hand-written queries run in the same session (one
GROUP BY GROUPING SETS ((team), ()) with percentile_cont, one for the paths with LAG()), against the same report
finding FCR's next contact and the last handler at report time instead of reading them from the table the triggers
keep (`report_window`, migration operations 0002), against hand-written SQL reading that table, and against pandas
over a CSV export of the contacts and handlers (`pandas_seconds`: read_csv and the figures; the export timed apart).
`--reuse` measures a database a `--keep` run left, without filling it again.

Since migration operations 0005/0006 the report by team on PostgreSQL reads the daily rollup (the fill keeps it through
the triggers: one INSERT … SELECT generate_series per table, the rollup's triggers on). `report_seconds` is that
report, `hand_written_rollup_seconds` the reference of the same shape (one hand-written query per figure group over
the same rollup tables, the two instants' days from the contacts, the paths from the rollup); `report_scan_seconds`
is the same report computed from the contacts (`exact=True`), which the scan's references (hand-written SQL, pandas)
are compared with. `agree` also requires the rollup's report to equal the scan's in every count, sum and rate, its
medians and 90th percentiles within 0.5 % (`max_percentile_error`). `--rollup-only` times only the rollup's report and
its reference (and checks it against one scan); `--skip-slow` leaves out the report finding the links at report time
and the EXISTS form; `--scan-repeat` runs the scan's timings fewer times. Prints JSON with median
latencies and their ratio (goal: the report within 2× of the hand-written SQL; the report switches PostgreSQL's JIT
off for its query, so the hand-written SQL is timed both with JIT as configured and without), and fails if the two
disagree on the counts. The database is dropped afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
from bench_pg import BASE_URL, django_on, machine, median_seconds

DB_NAME = os.environ.get("BENCH_DB_NAME", "qadesk_bench_kpis")
START = date(2026, 9, 1)
DAYS = 90
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interactions", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--db-name", default=DB_NAME)
    parser.add_argument("--reuse", action="store_true", help="Use the database a --keep run left (migrated, not refilled).")
    parser.add_argument("--scan-repeat", type=int, help="Runs of the timings that scan the contacts (default: --repeat).")
    parser.add_argument(
        "--rollup-only", action="store_true", help="Time the rollup's report and its reference only (one scan to agree)."
    )
    parser.add_argument(
        "--skip-slow", action="store_true", help="Leave out the report finding the links at report time and the EXISTS SQL."
    )
    args = parser.parse_args()
    globals()["DB_NAME"] = args.db_name
    with django_on(DB_NAME, fresh=not args.reuse, keep=args.keep) as url:
        result: dict[str, Any] = {"machine": machine(), "interactions": args.interactions}
        if args.reuse:
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")
                result["interactions"] = conn.execute("SELECT count(*) FROM interactions_interaction").fetchone()[0]  # type: ignore[index]
        else:
            result["fill_seconds"] = _fill(args.interactions)
        if args.rollup_only:
            result.update(_measure_rollup(args.repeat))
        else:
            result.update(_measure(args.repeat, args.scan_repeat or args.repeat, skip_slow=args.skip_slow))
    print(json.dumps(result, indent=2))
    if not result["agree"]:
        sys.exit("the report and the hand-written SQL disagree")


def _fill(n: int) -> float:
    from django.core.management import call_command
    from django.db import connection

    from qadesk.accounts.models import Agent, Site, Team
    from qadesk.interactions.models import Label

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    sites = [Site.objects.create(name=name) for name in ("Milano", "Lyon")]
    teams = [Team.objects.create(name=f"Team {i}", site=sites[i // 2]) for i in range(4)]
    agents = [Agent.objects.create(username=f"agent{i:02d}", team=teams[i // 10], site=teams[i // 10].site) for i in range(40)]
    labels = [Label.objects.create(code=f"label_{i}") for i in range(10)]
    ids = {
        "agents": ",".join(str(a.pk) for a in agents),
        "teams": ",".join(str(a.team_id) for a in agents),
        "sites": ",".join(str(a.site_id) for a in agents),
        "labels": ",".join(str(label.pk) for label in labels),
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(f"""
            INSERT INTO interactions_customer (external_id, segment)
            SELECT 'C-' || i, '' FROM generate_series(1, {max(1, n // 4)}) AS i
        """)
        cursor.execute(f"""
            INSERT INTO interactions_interaction (external_id, source, channel, language, subject, phase, status,
                created_at, queued_at, answered_at, first_reply_at, resolved_at, closed_at, talk_seconds, hold_seconds,
                acw_seconds, abandoned, reopens, customer_rating, complaint, message_count, imported_at, agent_id,
                team_id, site_id, label_id, customer_id, handlers_hash, transcript_hash, row_hash, custom_fields, tags)
            SELECT 'B-' || i, 'bench', ch, 'it', '', 'delivery',
                CASE WHEN res IS NULL THEN 'open' ELSE 'closed' END,
                created, CASE WHEN queued THEN created END,
                CASE WHEN queued AND NOT ab THEN created + wait * INTERVAL '1 second' END,
                CASE WHEN NOT ab THEN created + (wait + 30 + (i % 7200)) * INTERVAL '1 second' END,
                res, CASE WHEN ab THEN created + wait * INTERVAL '1 second' ELSE res END,
                CASE WHEN ch = 'phone' AND NOT ab THEN 120 + i % 600 END,
                CASE WHEN ch = 'phone' AND NOT ab THEN (i % 3) * 40 END,
                CASE WHEN ch = 'phone' AND NOT ab THEN 20 + i % 160 END,
                ab, CASE WHEN i % 33 = 0 THEN 1 ELSE 0 END, '', false, 4, now(),
                CASE WHEN NOT ab THEN (ARRAY[{ids["agents"]}])[1 + i % 40] END,
                (ARRAY[{ids["teams"]}])[1 + i % 40], (ARRAY[{ids["sites"]}])[1 + i % 40],
                (ARRAY[{ids["labels"]}])[1 + i % 10],
                (SELECT min(id) FROM interactions_customer) + (i::bigint * 7919) % {max(1, n // 4)}, '', '', '', '{{}}', '[]'
            FROM (
                SELECT i, ch, created, queued, ab, wait,
                    CASE WHEN ab OR i % 50 = 0 THEN NULL
                         ELSE created + (wait + 300 + (i * 131) % (ch_scale * 3600)) * INTERVAL '1 second' END AS res
                FROM (
                    SELECT i, (ARRAY['phone','email','chat','social','phone'])[1 + i % 5] AS ch,
                        TIMESTAMPTZ '{START.isoformat()} 08:00+01' + (i % {DAYS}) * INTERVAL '1 day'
                            + (i * 37 % 36000) * INTERVAL '1 second' AS created,
                        i % 5 IN (0, 2, 4) AS queued,
                        i % 5 IN (0, 4) AND random() < 0.06 AS ab,
                        floor(random() * 240)::int AS wait,
                        CASE WHEN i % 5 = 1 THEN 48 ELSE 2 END AS ch_scale
                    FROM generate_series(1, {n}) AS i
                ) AS drawn
            ) AS timed
        """)
        cursor.execute("""
            INSERT INTO interactions_interactionagent (interaction_id, agent_id, position)
            SELECT id, agent_id, 0 FROM interactions_interaction WHERE agent_id IS NOT NULL
        """)
        cursor.execute(f"""
            INSERT INTO interactions_interactionagent (interaction_id, agent_id, position)
            SELECT id, (ARRAY[{ids["agents"]}])[1 + (id * 13) % 40], 1
            FROM interactions_interaction WHERE agent_id IS NOT NULL AND id % 12 = 0
        """)
    connection.close()
    with psycopg.connect(f"{BASE_URL}/{DB_NAME}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return round(time.perf_counter() - started, 1)


HAND_WRITTEN_EXISTS = """
WITH c AS (
    SELECT i.id, i.team_id, i.created_at, i.resolved_at, i.reopens, i.abandoned,
        CASE WHEN i.queued_at IS NOT NULL AND i.answered_at >= i.queued_at AND NOT i.abandoned
             THEN EXTRACT(EPOCH FROM i.answered_at - i.queued_at)::float8 END AS wait,
        CASE WHEN i.abandoned AND i.queued_at IS NOT NULL AND i.closed_at >= i.queued_at
             THEN EXTRACT(EPOCH FROM i.closed_at - i.queued_at)::float8 END AS abandon_wait,
        CASE WHEN NOT i.abandoned AND (i.talk_seconds IS NOT NULL OR i.hold_seconds IS NOT NULL OR i.acw_seconds IS NOT NULL)
             THEN (coalesce(i.talk_seconds, 0) + coalesce(i.hold_seconds, 0) + coalesce(i.acw_seconds, 0))::float8 END AS handle,
        CASE WHEN i.first_reply_at >= i.created_at THEN EXTRACT(EPOCH FROM i.first_reply_at - i.created_at)::float8 END AS frt,
        CASE WHEN i.resolved_at >= i.created_at THEN EXTRACT(EPOCH FROM i.resolved_at - i.created_at)::float8 END AS ttr,
        i.queued_at IS NOT NULL AND i.abandoned AS queued_abandon,
        i.resolved_at IS NOT NULL AND i.customer_id IS NOT NULL AND i.label_id IS NOT NULL AND EXISTS (
            SELECT 1 FROM interactions_interaction n WHERE n.customer_id = i.customer_id AND n.label_id = i.label_id
              AND n.created_at + INTERVAL '0' > i.created_at
              AND n.created_at + INTERVAL '0' <= i.resolved_at + INTERVAL '7 days') AS came_back,
        EXISTS (SELECT 1 FROM interactions_interactionagent h WHERE h.interaction_id = i.id) AS assigned,
        EXISTS (SELECT 1 FROM interactions_interactionagent h WHERE h.interaction_id = i.id AND h.position >= 1) AS reassigned
    FROM interactions_interaction i
    WHERE i.created_at >= %(start)s AND i.created_at < %(end)s
)
SELECT team_id, count(*), count(wait), count(*) FILTER (WHERE wait <= 20), sum(wait),
    count(*) FILTER (WHERE queued_abandon), count(*) FILTER (WHERE queued_abandon AND abandon_wait < 5),
    count(handle), sum(handle), count(frt), sum(frt), count(ttr), sum(ttr), count(*) FILTER (WHERE ttr <= 86400),
    count(*) FILTER (WHERE ttr IS NOT NULL AND resolved_at <= %(fcr_until)s),
    count(*) FILTER (WHERE ttr IS NOT NULL AND resolved_at <= %(fcr_until)s AND reopens = 0 AND NOT came_back),
    count(*) FILTER (WHERE assigned), count(*) FILTER (WHERE reassigned),
    count(*) FILTER (WHERE created_at <= %(as_of)s AND NOT abandoned AND (resolved_at IS NULL OR resolved_at > %(as_of)s)),
    percentile_cont(0.5) WITHIN GROUP (ORDER BY wait), percentile_cont(0.9) WITHIN GROUP (ORDER BY wait),
    percentile_cont(0.5) WITHIN GROUP (ORDER BY handle), percentile_cont(0.9) WITHIN GROUP (ORDER BY handle),
    percentile_cont(0.5) WITHIN GROUP (ORDER BY frt), percentile_cont(0.9) WITHIN GROUP (ORDER BY frt),
    percentile_cont(0.5) WITHIN GROUP (ORDER BY ttr), percentile_cont(0.9) WITHIN GROUP (ORDER BY ttr)
FROM c GROUP BY GROUPING SETS ((team_id), ())
"""

HAND_WRITTEN = """
WITH later AS (
    SELECT id, first_value(created_at) OVER (PARTITION BY customer_id, label_id ORDER BY created_at
        RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING EXCLUDE GROUP) AS next_at
    FROM interactions_interaction
    WHERE customer_id IS NOT NULL AND label_id IS NOT NULL AND created_at >= %(start)s
), handlers AS (
    SELECT interaction_id, max(position) AS last FROM interactions_interactionagent GROUP BY interaction_id
), c AS (
    SELECT i.id, i.team_id, i.created_at, i.resolved_at, i.reopens, i.abandoned,
        CASE WHEN i.queued_at IS NOT NULL AND i.answered_at >= i.queued_at AND NOT i.abandoned
             THEN EXTRACT(EPOCH FROM i.answered_at - i.queued_at)::float8 END AS wait,
        CASE WHEN i.abandoned AND i.queued_at IS NOT NULL AND i.closed_at >= i.queued_at
             THEN EXTRACT(EPOCH FROM i.closed_at - i.queued_at)::float8 END AS abandon_wait,
        CASE WHEN NOT i.abandoned AND (i.talk_seconds IS NOT NULL OR i.hold_seconds IS NOT NULL OR i.acw_seconds IS NOT NULL)
             THEN (coalesce(i.talk_seconds, 0) + coalesce(i.hold_seconds, 0) + coalesce(i.acw_seconds, 0))::float8 END AS handle,
        CASE WHEN i.first_reply_at >= i.created_at THEN EXTRACT(EPOCH FROM i.first_reply_at - i.created_at)::float8 END AS frt,
        CASE WHEN i.resolved_at >= i.created_at THEN EXTRACT(EPOCH FROM i.resolved_at - i.created_at)::float8 END AS ttr,
        i.queued_at IS NOT NULL AND i.abandoned AS queued_abandon,
        coalesce(l.next_at <= i.resolved_at + INTERVAL '7 days', false) AS came_back,
        h.last IS NOT NULL AS assigned, coalesce(h.last >= 1, false) AS reassigned
    FROM interactions_interaction i
    LEFT JOIN later l ON l.id = i.id LEFT JOIN handlers h ON h.interaction_id = i.id
    WHERE i.created_at >= %(start)s AND i.created_at < %(end)s
)
""" + "\n".join(HAND_WRITTEN_EXISTS.splitlines()[HAND_WRITTEN_EXISTS.splitlines().index(")") + 1 :])

# The same figures reading FCR's next contact and the last handler from the table the triggers keep (migration
# operations 0002), as the report does on PostgreSQL.
HAND_WRITTEN_STORED = """
WITH c AS (
    SELECT i.id, i.team_id, i.created_at, i.resolved_at, i.reopens, i.abandoned,
        CASE WHEN i.queued_at IS NOT NULL AND i.answered_at >= i.queued_at AND NOT i.abandoned
             THEN EXTRACT(EPOCH FROM i.answered_at - i.queued_at)::float8 END AS wait,
        CASE WHEN i.abandoned AND i.queued_at IS NOT NULL AND i.closed_at >= i.queued_at
             THEN EXTRACT(EPOCH FROM i.closed_at - i.queued_at)::float8 END AS abandon_wait,
        CASE WHEN NOT i.abandoned AND (i.talk_seconds IS NOT NULL OR i.hold_seconds IS NOT NULL OR i.acw_seconds IS NOT NULL)
             THEN (coalesce(i.talk_seconds, 0) + coalesce(i.hold_seconds, 0) + coalesce(i.acw_seconds, 0))::float8 END AS handle,
        CASE WHEN i.first_reply_at >= i.created_at THEN EXTRACT(EPOCH FROM i.first_reply_at - i.created_at)::float8 END AS frt,
        CASE WHEN i.resolved_at >= i.created_at THEN EXTRACT(EPOCH FROM i.resolved_at - i.created_at)::float8 END AS ttr,
        i.queued_at IS NOT NULL AND i.abandoned AS queued_abandon,
        coalesce(l.next_at <= i.resolved_at + INTERVAL '7 days', false) AS came_back,
        l.handler_last IS NOT NULL AS assigned, coalesce(l.handler_last >= 1, false) AS reassigned
    FROM interactions_interaction i LEFT JOIN operations_contactlink l ON l.interaction_id = i.id
    WHERE i.created_at >= %(start)s AND i.created_at < %(end)s
)
""" + "\n".join(HAND_WRITTEN_EXISTS.splitlines()[HAND_WRITTEN_EXISTS.splitlines().index(")") + 1 :])

HAND_WRITTEN_PATHS = """
SELECT from_team, to_team, label, count(*) FROM (
    SELECT lag(t.name) OVER w AS from_team, t.name AS to_team, l.code AS label, h.position
    FROM interactions_interactionagent h
    JOIN interactions_interaction i ON i.id = h.interaction_id
    JOIN accounts_agent a ON a.id = h.agent_id LEFT JOIN accounts_team t ON t.id = a.team_id
    LEFT JOIN interactions_label l ON l.id = i.label_id
    WHERE i.created_at >= %(start)s AND i.created_at < %(end)s
      AND EXISTS (SELECT 1 FROM interactions_interactionagent r WHERE r.interaction_id = i.id AND r.position >= 1)
    WINDOW w AS (PARTITION BY h.interaction_id ORDER BY h.position)
) AS steps WHERE position >= 1 GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3 LIMIT 20
"""


# The reference of the rollup's shape: one hand-written query per figure group over the same tables (migration operations
# 0005) — the sums by team, the service level and short abandons from the whole-second histograms, the four durations'
# medians and 90th percentiles from the log buckets (the bucket holding the rank, by a running sum), FCR's decided
# contacts and the backlog by resolution day, the two instants' own days from the contacts — and the paths.
ROLLUP_DAYS = """
SELECT key_id, sum(contacts), sum(answered), sum(wait_total), sum(queued_abandon), sum(handled), sum(handle_total),
    sum(handle_sq_total), sum(talk_total), sum(hold_total), sum(acw_total), sum(replied), sum(first_response_total),
    sum(resolved), sum(resolution_total), sum(resolved_24h), sum(assigned), sum(reassigned), sum(not_abandoned)
FROM operations_kpiday WHERE dim = 1 AND day >= %(first)s AND day <= %(last)s GROUP BY key_id
"""
ROLLUP_THRESHOLDS = """
SELECT key_id, sum(n) FILTER (WHERE kind = 1 AND bucket <= 20), sum(n) FILTER (WHERE kind = 2 AND bucket < 5)
FROM operations_kpihist WHERE dim = 1 AND day >= %(first)s AND day <= %(last)s AND kind IN (1, 2) GROUP BY key_id
"""
ROLLUP_PERCENTILES = """
WITH h AS (
    SELECT key_id, kind, bucket, sum(n) AS n FROM operations_kpihist
    WHERE dim = 1 AND day >= %(first)s AND day <= %(last)s AND kind >= 3 GROUP BY key_id, kind, bucket
), c AS (
    SELECT key_id, kind, bucket, sum(n) OVER (PARTITION BY key_id, kind ORDER BY bucket) AS below,
        sum(n) OVER (PARTITION BY key_id, kind) AS total FROM h
)
SELECT key_id, kind, power(1.01, min(bucket) FILTER (WHERE below > floor(0.5 * (total - 1))) + 0.5),
    power(1.01, min(bucket) FILTER (WHERE below > floor(0.9 * (total - 1))) + 0.5)
FROM c GROUP BY key_id, kind
"""
ROLLUP_RESOLVED = """
SELECT key_id, sum(closed) FILTER (WHERE rday < %(as_of_day)s), sum(decided) FILTER (WHERE rday < %(fcr_day)s),
    sum(once) FILTER (WHERE rday < %(fcr_day)s AND back > 7)
FROM operations_kpiresolved WHERE dim = 1 AND day >= %(first)s AND day <= %(last)s GROUP BY key_id
"""
ROLLUP_BOUNDARY = """
SELECT i.team_id, count(*) FILTER (WHERE i.created_at > %(as_of)s AND NOT i.abandoned),
    count(*) FILTER (WHERE NOT i.abandoned AND i.resolved_at >= %(as_of_start)s AND i.resolved_at <= %(as_of)s),
    count(*) FILTER (WHERE i.resolved_at >= i.created_at AND i.resolved_at >= %(fcr_start)s
        AND i.resolved_at <= %(fcr_until)s),
    count(*) FILTER (WHERE i.resolved_at >= i.created_at AND i.resolved_at >= %(fcr_start)s
        AND i.resolved_at <= %(fcr_until)s AND i.reopens = 0
        AND (l.next_at IS NULL OR l.next_at > i.resolved_at + INTERVAL '7 days'))
FROM interactions_interaction i LEFT JOIN operations_contactlink l ON l.interaction_id = i.id
WHERE i.created_at >= %(start)s AND i.created_at < %(end)s
  AND (i.created_at > %(as_of)s OR i.resolved_at >= %(as_of_start)s AND i.resolved_at <= %(as_of)s
       OR i.resolved_at >= %(fcr_start)s AND i.resolved_at <= %(fcr_until)s)
GROUP BY i.team_id
"""
ROLLUP_PATHS = """
SELECT ta.name, tb.name, l.code, sum(p.n) FROM operations_kpipath p
LEFT JOIN accounts_agent a ON a.id = p.from_agent LEFT JOIN accounts_team ta ON ta.id = a.team_id
LEFT JOIN accounts_agent b ON b.id = p.to_agent LEFT JOIN accounts_team tb ON tb.id = b.team_id
LEFT JOIN interactions_label l ON l.id = p.label_id
WHERE p.dim = 1 AND p.day >= %(first)s AND p.day <= %(last)s GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3 LIMIT 20
"""
ROLLUP_QUERIES = (ROLLUP_DAYS, ROLLUP_THRESHOLDS, ROLLUP_PERCENTILES, ROLLUP_RESOLVED, ROLLUP_BOUNDARY, ROLLUP_PATHS)

EXPORT_CONTACTS = """
COPY (SELECT i.id, i.team_id, i.customer_id, i.label_id, i.created_at, i.queued_at, i.answered_at, i.first_reply_at,
    i.resolved_at, i.closed_at, i.talk_seconds, i.hold_seconds, i.acw_seconds, i.abandoned, i.reopens
    FROM interactions_interaction i) TO STDOUT WITH (FORMAT csv, HEADER)
"""
EXPORT_HANDLERS = "COPY (SELECT interaction_id, position FROM interactions_interactionagent) TO STDOUT WITH (FORMAT csv, HEADER)"


def _export(folder: Path) -> float:
    """The CSV export an analyst would start from (every contact, and the handlers), timed apart."""
    started = time.perf_counter()
    with psycopg.connect(f"{BASE_URL}/{DB_NAME}") as conn, conn.cursor() as cursor:
        for name, sql in (("contacts.csv", EXPORT_CONTACTS), ("handlers.csv", EXPORT_HANDLERS)):
            with open(folder / name, "wb") as out, cursor.copy(sql) as copy:  # type: ignore[arg-type]
                for chunk in copy:
                    out.write(chunk)
    return round(time.perf_counter() - started, 2)


def _pandas(folder: Path, params: dict[str, Any]) -> Any:
    """The report's figures by team with pandas from the CSV export (read included): what an analyst would do."""
    import pandas as pd

    times = ["created_at", "queued_at", "answered_at", "first_reply_at", "resolved_at", "closed_at"]
    df = pd.read_csv(folder / "contacts.csv", parse_dates=times, true_values=["t"], false_values=["f"])
    handlers = pd.read_csv(folder / "handlers.csv").groupby("interaction_id")["position"].max()
    # FCR's next contact: each customer's contacts of a reason in time order, the next strictly later instant.
    paired = df.dropna(subset=["customer_id", "label_id"]).sort_values(["customer_id", "label_id", "created_at"])
    firsts = paired.drop_duplicates(["customer_id", "label_id", "created_at"])
    nxt = firsts.groupby(["customer_id", "label_id"])["created_at"].shift(-1)
    next_at = paired[["customer_id", "label_id", "created_at"]].merge(
        firsts[["customer_id", "label_id", "created_at"]].assign(next_at=nxt), how="left"
    )
    df["next_at"] = pd.Series(next_at["next_at"].array, index=paired.index)
    df = df[(df.created_at >= params["start"]) & (df.created_at < params["end"])].copy()
    last = df["id"].map(handlers)

    def seconds(end: str, start: str) -> Any:
        return (df[end] - df[start]).dt.total_seconds()

    answered = df.queued_at.notna() & (df.answered_at >= df.queued_at) & ~df.abandoned
    df["wait"] = seconds("answered_at", "queued_at").where(answered)
    parts = df[["talk_seconds", "hold_seconds", "acw_seconds"]]
    df["handle"] = parts.fillna(0).sum(axis=1).where(~df.abandoned & parts.notna().any(axis=1))
    df["frt"] = seconds("first_reply_at", "created_at").where(df.first_reply_at >= df.created_at)
    df["ttr"] = seconds("resolved_at", "created_at").where(df.resolved_at >= df.created_at)
    decided = df.ttr.notna() & (df.resolved_at <= params["fcr_until"])
    came_back = df.next_at.notna() & (df.next_at <= df.resolved_at + pd.Timedelta(days=7))
    df["decided"] = decided
    df["fcr"] = decided & (df.reopens == 0) & ~came_back
    df["reassigned"] = last >= 1
    df["assigned"] = last.notna()
    backlog = (df.created_at <= params["as_of"]) & ~df.abandoned & (df.resolved_at.isna() | (df.resolved_at > params["as_of"]))
    df["backlog"] = backlog
    out = {}
    for team, g in [*df.groupby("team_id"), (None, df)]:
        out[team] = {
            "contacts": len(g),
            "answered": int(g.wait.notna().sum()),
            "wait_total": float(g.wait.sum()),
            "fcr_decided": int(g.decided.sum()),
            "fcr": int(g.fcr.sum()),
            "reassigned": int(g.reassigned.sum()),
            "backlog": int(g.backlog.sum()),
            **{f"{c}_p{int(q * 100)}": g[c].quantile(q) for c in ("wait", "handle", "frt", "ttr") for q in (0.5, 0.9)},
        }
    return out


def _measure(repeat: int, scan_repeat: int, *, skip_slow: bool = False) -> dict[str, Any]:
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from qadesk.accounts.models import Role, User
    from qadesk.core.days import day_start, next_day_start
    from qadesk.operations import rollup
    from qadesk.operations.kpis import figures_differences
    from qadesk.operations.selectors import kpi_report

    actor = User(username="system", role=Role.ADMIN, is_superuser=True)
    first, last = START, START + timedelta(days=DAYS - 1)
    params = {"start": day_start(first), "end": next_day_start(last), "as_of": next_day_start(last)}
    params["fcr_until"] = NOW - timedelta(days=7)
    as_of_day, fcr_day = timezone.localdate(params["as_of"]), timezone.localdate(params["fcr_until"])
    params |= {"first": first, "last": last, "as_of_day": as_of_day, "fcr_day": fcr_day}
    params |= {"as_of_start": day_start(as_of_day), "fcr_start": day_start(fcr_day)}

    def report() -> Any:  # the daily rollup (migration operations 0005)
        return kpi_report(actor=actor, by="team", date_from=first, date_to=last, now=NOW)

    def scan() -> Any:  # the same report from the contacts
        return kpi_report(actor=actor, by="team", date_from=first, date_to=last, now=NOW, exact=True)

    def hand_written_rollup() -> Any:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            found = []
            for query in ROLLUP_QUERIES:
                cursor.execute(query, params)
                found.append(cursor.fetchall())
            return found

    def hand_written(jit: bool = True, query: str = HAND_WRITTEN) -> Any:
        with transaction.atomic(), connection.cursor() as cursor:
            if not jit:
                cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")  # as the report does
            cursor.execute(query, params)
            rows = cursor.fetchall()
            cursor.execute(HAND_WRITTEN_PATHS, params)
            return rows, cursor.fetchall()

    from qadesk.operations import selectors

    def report_window() -> Any:  # FCR's next contact and the handlers found at report time, as before (and on SQLite)
        selectors.STORED_LINKS = False
        try:
            return scan()
        finally:
            selectors.STORED_LINKS = True

    timings = {
        "report": median_seconds(report, repeat),
        "hand_written_rollup": median_seconds(hand_written_rollup, repeat),
        "report_scan": median_seconds(scan, scan_repeat),
        "report_window": None if skip_slow else median_seconds(report_window, scan_repeat),
        "hand_written_stored": median_seconds(lambda: hand_written(query=HAND_WRITTEN_STORED), scan_repeat),
        "hand_written_sql": median_seconds(hand_written, scan_repeat),
        "hand_written_sql_jit_off": median_seconds(lambda: hand_written(jit=False), scan_repeat),
        # The same figures with FCR and the handlers looked up per contact (EXISTS), as the report did before: timed once.
        "hand_written_exists": (
            None if skip_slow else median_seconds(lambda: hand_written(query=HAND_WRITTEN_EXISTS), 1, warm=False)
        ),
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM operations_kpiday), (SELECT count(*) FROM operations_kpihist), "
            "(SELECT count(*) FROM operations_kpiresolved)"
        )
        rollup_rows = dict(zip(("days", "histograms", "resolved"), cursor.fetchone(), strict=True))
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        export_seconds = _export(Path(folder))
        pandas_runs = []
        for _ in range(max(1, min(repeat, 3))):
            started = time.perf_counter()
            by_pandas = _pandas(Path(folder), params)
            pandas_runs.append(time.perf_counter() - started)
    pandas_seconds = round(statistics.median(pandas_runs), 4)
    fast, ours, (rows, paths) = report(), scan(), hand_written()
    window = ours if skip_slow else report_window()
    by_key = {g.key: g for g in ours.groups}
    rollup_differences = figures_differences(fast.totals, ours.totals, relative_error=rollup.RELATIVE_ERROR) + [
        d
        for g in fast.groups
        for d in (figures_differences(g, by_key[g.key], relative_error=rollup.RELATIVE_ERROR) if g.key in by_key else ["?"])
    ]
    rollup_agree = bool(
        fast.approximate
        and not rollup_differences
        and [g.key for g in fast.groups] == [g.key for g in ours.groups]
        and fast.paths == ours.paths
    )
    spread_errors = [
        abs(getattr(a, n) - getattr(b, n)) / getattr(b, n)
        for a, b in [(fast.totals, ours.totals), *((g, by_key[g.key]) for g in fast.groups if g.key in by_key)]
        for n in ("wait_median", "wait_p90", "aht_median", "aht_p90", "first_response_median", "first_response_p90",
                  "resolution_median", "resolution_p90")
        if getattr(a, n) is not None and getattr(b, n)
    ]  # fmt: skip
    _stored_rows, _stored_paths = hand_written(query=HAND_WRITTEN_STORED)
    totals = next((r for r in rows if r[0] is None), None)  # the () grouping set: every team
    every = by_pandas[None]
    pandas_agree = bool(
        (ours.totals.contacts, ours.totals.answered, ours.totals.fcr_decided, ours.totals.reassigned, ours.totals.backlog)
        == (every["contacts"], every["answered"], every["fcr_decided"], every["reassigned"], every["backlog"])
        and ours.totals.fcr_rate == (round(100 * every["fcr"] / every["fcr_decided"], 2) if every["fcr_decided"] else None)
        and ours.totals.wait_median == round(every["wait_p50"], 1)
        and ours.totals.resolution_p90 == round(every["ttr_p90"], 1)
    )
    agree = bool(
        rollup_agree
        and window == ours
        and sorted(map(repr, _stored_rows)) == sorted(map(repr, rows))
        and pandas_agree
        and totals is not None
        and (ours.totals.contacts, ours.totals.answered, ours.totals.fcr_decided, ours.totals.reassigned, ours.totals.backlog)
        == (totals[1], totals[2], totals[14], totals[17], totals[18])
        and ours.totals.fcr_rate == (round(100 * totals[15] / totals[14], 2) if totals[14] else None)
        and round(ours.totals.wait_median or 0, 1) == round(totals[19] or 0, 1)
        and [(p.from_team, p.to_team, p.label, p.count) for p in ours.paths][:5] == [tuple(p) for p in paths][:5]
    )
    return {
        "report_seconds": timings["report"],
        "hand_written_rollup_seconds": timings["hand_written_rollup"],
        "ratio_to_rollup_sql": round(timings["report"] / timings["hand_written_rollup"], 2),
        "rollup_rows": rollup_rows,
        "rollup_agree": rollup_agree,
        "rollup_differences": rollup_differences[:10],
        "max_percentile_error": round(max(spread_errors, default=0.0), 5),
        "report_scan_seconds": timings["report_scan"],
        "report_window_seconds": timings["report_window"],
        "hand_written_stored_seconds": timings["hand_written_stored"],
        "scan_ratio_to_stored_sql": round(timings["report_scan"] / timings["hand_written_stored"], 2),
        "pandas_seconds": pandas_seconds,
        "csv_export_seconds": export_seconds,
        "ratio_to_pandas": round(timings["report"] / pandas_seconds, 3),
        "scan_ratio_to_pandas": round(timings["report_scan"] / pandas_seconds, 3),
        "load_after": round(os.getloadavg()[0], 2),
        "paths_agree": [(p.from_team, p.to_team, p.label, p.count) for p in ours.paths][:5] == [tuple(p) for p in paths][:5],
        "window_equals_stored": window == ours,
        "pandas_agree": pandas_agree,
        "hand_written_sql_seconds": timings["hand_written_sql"],
        "hand_written_sql_jit_off_seconds": timings["hand_written_sql_jit_off"],
        "hand_written_exists_seconds": timings["hand_written_exists"],
        "scan_ratio": round(timings["report_scan"] / timings["hand_written_sql"], 2),
        "scan_ratio_to_jit_off": round(timings["report_scan"] / timings["hand_written_sql_jit_off"], 2),
        "agree": agree,
    }


def _measure_rollup(repeat: int) -> dict[str, Any]:
    """The report from the rollup and its hand-written reference, and whether it agrees with the scan's report."""
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from qadesk.accounts.models import Role, User
    from qadesk.core.days import day_start, next_day_start
    from qadesk.operations import rollup
    from qadesk.operations.kpis import figures_differences
    from qadesk.operations.selectors import kpi_report

    actor = User(username="system", role=Role.ADMIN, is_superuser=True)
    first, last = START, START + timedelta(days=DAYS - 1)
    params: dict[str, Any] = {"start": day_start(first), "end": next_day_start(last), "as_of": next_day_start(last)}
    params["fcr_until"] = NOW - timedelta(days=7)
    as_of_day, fcr_day = timezone.localdate(params["as_of"]), timezone.localdate(params["fcr_until"])
    params |= {"first": first, "last": last, "as_of_day": as_of_day, "fcr_day": fcr_day}
    params |= {"as_of_start": day_start(as_of_day), "fcr_start": day_start(fcr_day)}

    def report(exact: bool = False) -> Any:
        return kpi_report(actor=actor, by="team", date_from=first, date_to=last, now=NOW, exact=exact)

    def reference() -> Any:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            found = []
            for query in ROLLUP_QUERIES:
                cursor.execute(query, params)
                found.append(cursor.fetchall())
            return found

    timings = {"report": median_seconds(report, repeat), "reference": median_seconds(reference, repeat)}
    fast, exact = report(), report(exact=True)
    by_key = {g.key: g for g in exact.groups}
    differences = figures_differences(fast.totals, exact.totals, relative_error=rollup.RELATIVE_ERROR) + [
        d for g in fast.groups for d in figures_differences(g, by_key[g.key], relative_error=rollup.RELATIVE_ERROR)
    ]
    agree = bool(fast.approximate and not differences and fast.paths == exact.paths and fast.groups and by_key)
    return {
        "report_seconds": timings["report"],
        "hand_written_rollup_seconds": timings["reference"],
        "ratio_to_rollup_sql": round(timings["report"] / timings["reference"], 2),
        "load_after": round(os.getloadavg()[0], 2),
        "rollup_differences": differences[:10],
        "agree": agree,
    }


if __name__ == "__main__":
    main()
