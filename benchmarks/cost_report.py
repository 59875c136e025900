"""Benchmark: the cost per incident by team (and the whole costs page) over --interactions contacts and --agents agents
on PostgreSQL, against one hand-written SQL query.

    .venv/bin/python benchmarks/cost_report.py [--interactions 100000] [--agents 1000] [--repeat 5] [--keep]

Creates a throwaway database (qadesk_bench_costs on 127.0.0.1:5432, user postgres; BENCH_PG_URL overrides the server),
migrates it, fills it with INSERT … SELECT generate_series (agents in 20 teams on 2 sites, a labour cost per site with
a raise mid-month, an own record for every tenth agent, other costs, revenue and customers for the month; contacts on
four channels over one month, calls with talk/hold/ACW, 98 % resolved, one customer per 4 contacts in 4 segments,
reviews on 1 % of the contacts), then times

- `figure`: what the cost per incident by team needs — the labour cost of every agent (effective-dated, prorated by day),
  the other costs, and the resolved incidents and handle time per team (selectors.labour_cost / other_costs /
  work_by_group and the allocation);
- `page`: the whole `cost_report(by="team")` behind /costs/ (also contacts, segments, costly customers, mistakes);
- `hand_sql`: one hand-written query giving the resolved incidents and handle time per team and in total
  (GROUP BY GROUPING SETS), the part of the figure that reads the interactions.

Prints JSON with median latencies and ratios (goal at 1,000,000 contacts: the figure < 0.5 s and ≤ 2× the hand-written
SQL), and fails if the two disagree on the incident counts. The database is dropped afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB_NAME", "qadesk_bench_costs")
START, END = date(2026, 11, 1), date(2026, 11, 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interactions", type=int, default=100_000)
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--db-name", default=DB_NAME)
    args = parser.parse_args()
    globals()["DB_NAME"] = args.db_name
    _admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{DB_NAME}"')
    os.environ["DATABASE_URL"] = f"{BASE_URL}/{DB_NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qadesk.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    result: dict[str, Any] = {"machine": _machine(), "interactions": args.interactions, "agents": args.agents}
    try:
        result["fill_seconds"] = _fill(args.interactions, args.agents)
        result.update(_measure(args.repeat))
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    print(json.dumps(result, indent=2))
    if not result["agree"]:
        sys.exit("the report and the hand-written SQL disagree")


def _admin(sql: str) -> None:
    with psycopg.connect(f"{BASE_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _machine() -> dict[str, Any]:
    with psycopg.connect(f"{BASE_URL}/postgres") as conn:
        server = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"cores": os.cpu_count(), "load_1min": load, "python": platform.python_version(), "postgresql": server}


def _fill(n: int, agent_count: int) -> float:
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection

    from qadesk.accounts.models import Agent, Site, Team
    from qadesk.costs.models import LabourCost, Revenue, SegmentCustomers, SupportCost

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    sites = [Site.objects.create(name=name) for name in ("Milano", "Lyon")]
    teams = [Team.objects.create(name=f"Team {i:02d}", site=sites[i % 2]) for i in range(20)]
    Agent.objects.bulk_create(
        Agent(username=f"agent{i:04d}", team=teams[i % 20], site=teams[i % 20].site) for i in range(agent_count)
    )
    agents = list(Agent.objects.order_by("id"))
    for site in sites:
        LabourCost.objects.create(valid_from=date(2026, 1, 1), site=site, salary=Decimal(2100), taxes=Decimal(650))
        LabourCost.objects.create(valid_from=date(2026, 11, 16), site=site, salary=Decimal(2170), taxes=Decimal(670))
    LabourCost.objects.bulk_create(
        LabourCost(valid_from=date(2026, 6, 1), agent=a, salary=Decimal(2600), taxes=Decimal(800)) for a in agents[::10]
    )
    for category, amount in (("tools", 4300), ("telephony", 3400), ("premises", 11600)):
        SupportCost.objects.create(month=START, category=category, amount=Decimal(amount))
    Revenue.objects.create(month=START, revenue=Decimal(1_900_000), gross_margin=Decimal(780_000))
    for segment, customers in (("standard", 9200), ("silver", 2900), ("gold", 1700), ("business", 820)):
        SegmentCustomers.objects.create(month=START, segment=segment, customers=customers, customers_lost=customers // 90)
    customers = max(1, n // 4)
    ids = {"agents": ",".join(str(a.pk) for a in agents), "teams": ",".join(str(a.team_id) for a in agents)}
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(f"""
            INSERT INTO interactions_customer (external_id, segment)
            SELECT 'C-' || i, (ARRAY['standard','standard','silver','gold','business'])[1 + i % 5]
            FROM generate_series(1, {customers}) AS i
        """)
        cursor.execute(f"""
            INSERT INTO interactions_interaction (external_id, source, channel, language, subject, phase, status,
                created_at, resolved_at, talk_seconds, hold_seconds, acw_seconds, abandoned, reopens, customer_rating,
                complaint, message_count, imported_at, agent_id, team_id, customer_id, handlers_hash,
                transcript_hash, row_hash, custom_fields, tags)
            SELECT 'B-' || i, 'bench', ch, 'it', '', 'delivery', 'closed', created,
                CASE WHEN i % 50 <> 0 THEN created + (300 + i % 7200) * INTERVAL '1 second' END,
                CASE WHEN ch = 'phone' THEN 120 + i % 600 END, CASE WHEN ch = 'phone' THEN (i % 3) * 40 END,
                CASE WHEN ch IN ('phone', 'chat') THEN 20 + i % 160 END,
                false, 0, '', false, 4, now(),
                (ARRAY[{ids["agents"]}])[1 + i % {agent_count}], (ARRAY[{ids["teams"]}])[1 + i % {agent_count}],
                (SELECT min(id) FROM interactions_customer) + (i * 7919) % {customers}, '', '', '', '{{}}', '[]'
            FROM (
                SELECT i, (ARRAY['phone','email','chat','social','phone'])[1 + i % 5] AS ch,
                    TIMESTAMPTZ '{START.isoformat()} 08:00+01' + (i % 29) * INTERVAL '1 day'
                        + (i * 37 % 36000) * INTERVAL '1 second' AS created
                FROM generate_series(1, {n}) AS i
            ) AS drawn
        """)
    connection.close()
    with psycopg.connect(f"{BASE_URL}/{DB_NAME}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return round(time.perf_counter() - started, 1)


HAND_WRITTEN = """
SELECT t.name, count(*),
    sum(coalesce(i.talk_seconds, 0) + coalesce(i.hold_seconds, 0) + coalesce(i.acw_seconds, 0)),
    count(*) FILTER (WHERE i.talk_seconds IS NOT NULL OR i.hold_seconds IS NOT NULL OR i.acw_seconds IS NOT NULL)
FROM interactions_interaction i LEFT JOIN accounts_team t ON t.id = i.team_id
WHERE NOT i.abandoned AND i.resolved_at >= %(start)s AND i.resolved_at < %(end)s
GROUP BY GROUPING SETS ((t.name), ())
"""


def _measure(repeat: int) -> dict[str, Any]:
    from datetime import datetime, timedelta
    from datetime import time as dtime

    from django.db import connection
    from django.utils import timezone

    from qadesk.accounts.models import Role, User
    from qadesk.costs import figures
    from qadesk.costs.selectors import cost_report, labour_cost, other_costs, work_by_group

    actor = User(username="bench", role=Role.ADMIN, is_superuser=True)
    start = timezone.make_aware(datetime.combine(START, dtime.min))
    end = timezone.make_aware(datetime.combine(END + timedelta(days=1), dtime.min))

    def figure() -> list[figures.GroupCost]:
        labour, _costed, _without = labour_cost(START, END)
        total = labour + sum(other_costs(START, END).values(), figures.Decimal(0))
        return figures.allocate_by_handle_time(total, work_by_group(START, END, "team"))

    def page() -> object:
        return cost_report(actor=actor, date_from=START, date_to=END, by="team")

    def hand() -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(HAND_WRITTEN, {"start": start, "end": end})
            return cursor.fetchall()

    groups, rows = figure(), hand()
    by_team = {g.key: g.resolved for g in groups}
    hand_by_team = {r[0]: r[1] for r in rows if r[0] is not None}
    agree = by_team == hand_by_team and sum(by_team.values()) == next(r[1] for r in rows if r[0] is None)
    timings = {name: _median(fn, repeat) for name, fn in (("figure", figure), ("page", page), ("hand_sql", hand))}
    return {
        "median_seconds": timings,
        "figure_over_hand_sql": round(timings["figure"] / timings["hand_sql"], 2),
        "page_over_hand_sql": round(timings["page"] / timings["hand_sql"], 2),
        "incidents_resolved": sum(by_team.values()),
        "agree": agree,
    }


def _median(fn: Callable[[], object], repeat: int) -> float:
    fn()
    laps = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        laps.append(time.perf_counter() - started)
    return round(statistics.median(laps), 4)


if __name__ == "__main__":
    main()
