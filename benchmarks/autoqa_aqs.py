"""Benchmark: the AQS by team (qadesk/autoqa/aqs.py) at 20,000 and 100,000 interactions on PostgreSQL, each with the
current version's result of 12 detectors (240,000 and 1,200,000 result rows), against one hand-written SQL query
giving the same sums, measured in the same run.

    .venv/bin/python benchmarks/autoqa_aqs.py [--sizes 20000,100000] [--repeat 5] [--db-name NAME]

Creates a throwaway database (qadesk_bench_aqs on 127.0.0.1:5432, user postgres; override the server with
BENCH_PG_URL), migrates it, fills it with INSERT … SELECT generate_series (40 agents in 4 teams on 2 sites; verdicts
drawn at random, seeded: 70 % pass, 15 % fail, 15 % not applicable), then for each size (the interactions added to
reach it) times, median of --repeat after a warm-up (wall clock, time.perf_counter):
- **hand-written SQL**: one query, GROUP BY interaction inside, GROUP BY team around it — the sums the report needs;
- **aqs_report by team** as the system (sees everything): the selector with its settings read, names, intervals;
- the same as a team lead (visibility: their team's interactions), and by agent and by month.
Checks that the report's totals equal the hand-written query's. Prints JSON with the load average before and after.
The database is dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import psycopg
from bench_pg import BASE_URL, django_on, machine

DB_NAME = os.environ.get("BENCH_DB_NAME", "qadesk_bench_aqs")
START = date(2026, 9, 1)
DAYS = 90
DETECTORS = 12

HAND_SQL = """
    SELECT team_id, count(score), count(*) FILTER (WHERE score = 0), sum(score), sum(score * score), max(score),
           sum(passed), sum(failed), sum(na)
    FROM (SELECT r.interaction_id, i.team_id,
                 count(*) FILTER (WHERE r.verdict = 'pass') AS passed,
                 count(*) FILTER (WHERE r.verdict = 'fail') AS failed,
                 count(*) FILTER (WHERE r.verdict = 'na') AS na,
                 round(10000.0 * count(*) FILTER (WHERE r.verdict = 'pass')
                       / nullif(count(*) FILTER (WHERE r.verdict IN ('pass', 'fail')), 0))::bigint AS score
          FROM autoqa_autoresult r JOIN interactions_interaction i ON i.id = r.interaction_id
          WHERE (r.detector, r.version) IN ({current}) AND i.created_at >= %s AND i.created_at < %s
          GROUP BY r.interaction_id, i.team_id) g
    GROUP BY team_id
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="20000,100000", help="Interactions, ascending, comma-separated.")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db-name", default=DB_NAME)
    args = parser.parse_args()
    globals()["DB_NAME"] = args.db_name
    sizes = [int(s) for s in args.sizes.split(",")]

    with django_on(DB_NAME):
        result: dict[str, Any] = {"machine": machine(), "load_average_before": os.getloadavg(), "sizes": {}}
        done = 0
        agents = _organisation()
        for size in sizes:
            started = time.perf_counter()
            _fill(agents, done, size)
            done = size
            measured = _measure(args.repeat)
            result["sizes"][str(size)] = {"fill_seconds": round(time.perf_counter() - started, 1), **measured}
    result["load_average_after"] = os.getloadavg()
    print(json.dumps(result, indent=2))


def _organisation() -> list[Any]:
    from django.core.management import call_command

    from qadesk.accounts.models import Agent, Role, Site, Team, User

    call_command("migrate", verbosity=0)
    sites = [Site.objects.create(name=name) for name in ("Milano", "Lyon")]
    teams = [Team.objects.create(name=f"Team {i}", site=sites[i // 2]) for i in range(4)]
    User.objects.create_user(username="lead", password="x", role=Role.TEAM_LEAD, team=teams[0])  # noqa: S106
    return [Agent.objects.create(username=f"agent{i:02d}", team=teams[i // 10], site=teams[i // 10].site) for i in range(40)]


def _current() -> list[tuple[str, int]]:
    from qadesk.autoqa.services import current_detectors

    return [(d.code, d.version) for d in current_detectors()][:DETECTORS]


def _fill(agents: list[Any], first: int, last: int) -> None:
    """Interactions first+1…last and the current version's result of DETECTORS detectors on each."""
    from django.db import connection

    agent_ids = ",".join(str(a.pk) for a in agents)
    team_ids = ",".join(str(a.team_id) for a in agents)
    site_ids = ",".join(str(a.site_id) for a in agents)
    detectors = ", ".join(f"('{code}', {version})" for code, version in _current())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setseed({0.1 + first / 10**7})")
        cursor.execute(f"""
            INSERT INTO interactions_interaction (external_id, source, channel, language, subject, phase, status, created_at,
                abandoned, message_count, imported_at, agent_id, team_id, site_id, custom_fields, tags)
            SELECT 'B-' || i, 'bench', (ARRAY['phone','email','chat','social','self_service'])[1 + i % 5], 'it', '', '',
                'resolved', TIMESTAMPTZ '{START.isoformat()} 08:00+01'
                    + (i % {DAYS}) * INTERVAL '1 day' + (i * 37 % 36000) * INTERVAL '1 second',
                false, 8, now(), (ARRAY[{agent_ids}])[1 + i % 40], (ARRAY[{team_ids}])[1 + i % 40],
                (ARRAY[{site_ids}])[1 + i % 40], '{{}}', '[]'
            FROM generate_series({first + 1}, {last}) AS i
        """)
        cursor.execute(f"""
            INSERT INTO autoqa_autoresult (interaction_id, detector, version, criterion, language, verdict, confidence,
                impact, evidence, created_at)
            SELECT s.id, s.code, s.version, s.code, 'it',
                CASE WHEN s.x < 0.70 THEN 'pass' WHEN s.x < 0.85 THEN 'fail' ELSE 'na' END, 1.0, '', '[]', now()
            FROM (SELECT i.id, d.code, d.version, random() AS x  -- one draw per result row
                  FROM interactions_interaction i CROSS JOIN (VALUES {detectors}) AS d(code, version)
                  WHERE i.external_id LIKE 'B-%%' AND substr(i.external_id, 3)::int > {first}) AS s
        """)
    connection.close()
    with psycopg.connect(f"{BASE_URL}/{DB_NAME}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _measure(repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from qadesk.accounts.models import User
    from qadesk.analytics.management.commands.qreport import system_actor
    from qadesk.autoqa.aqs import UNITS, aqs_report

    actor, lead = system_actor(), User.objects.get(username="lead")
    date_from, date_to = START, START + timedelta(days=DAYS)
    window = [
        timezone.make_aware(timezone.datetime.combine(d, timezone.datetime.min.time()))
        for d in (date_from, date_to + timedelta(days=1))
    ]
    current = ", ".join(f"('{code}', {version})" for code, version in _current())
    sql = HAND_SQL.format(current=current)

    def hand() -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(sql, window)
            return cursor.fetchall()

    def report(by: str, user: Any = actor, period: str = "month") -> Any:
        return aqs_report(actor=user, by=by, date_from=date_from, date_to=date_to, period=period)

    rows = hand()
    totals = report("team").totals
    hand_n, hand_total = sum(r[1] for r in rows), sum(int(r[3] or 0) for r in rows)
    assert (totals.n, round(hand_total / UNITS / hand_n, 2)) == (hand_n, totals.aqs), (totals, hand_n, hand_total)
    timings = {
        "hand_sql_by_team": _median(hand, repeat),
        "aqs_report_by_team": _median(lambda: report("team"), repeat),
        "aqs_report_by_team_as_team_lead": _median(lambda: report("team", lead), repeat),
        "aqs_report_by_agent": _median(lambda: report("agent"), repeat),
        "aqs_report_by_month": _median(lambda: report("period"), repeat),
    }
    return {
        "interactions": hand_n,
        "result_rows": _count("autoqa_autoresult"),
        "aqs_total": totals.aqs,
        "median_seconds": {k: round(v, 4) for k, v in timings.items()},
        "ratio_by_team_to_hand_sql": round(timings["aqs_report_by_team"] / timings["hand_sql_by_team"], 2),
        "load_average": os.getloadavg(),
    }


def _count(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return int(cursor.fetchone()[0])


def _median(call: Callable[[], Any], repeat: int) -> float:
    call()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


if __name__ == "__main__":
    main()
