"""Benchmark: the cost per incident by team (and the whole costs page) over --interactions contacts and --agents agents
on PostgreSQL, against hand-written SQL.

    .venv/bin/python benchmarks/cost_report.py [--interactions 100000] [--agents 1000] [--months 1] [--repeat 5]
        [--keep] [--reuse] [--before REV] [--db-name NAME]

Creates a throwaway database (qadesk_bench_costs on 127.0.0.1:5432, user postgres; BENCH_PG_URL overrides the server),
migrates it, fills it with INSERT … SELECT generate_series (agents in 20 teams on 2 sites, a labour cost per site with
a raise on 16 November, an own record for every tenth agent, other costs, revenue and customers for every month;
contacts on four channels, calls with talk/hold/ACW, 98 % resolved, one customer per 4 contacts in 4 segments — with
--months above 1, every hundredth contact from one of 500 frequent customers —, no reviews), then times, interleaved
(one of each per round), for November 2026 (`month`) and, with --months above 1, for the whole history (`history`,
every contact in the period):

- `figure`: what the cost per incident by team needs — the labour cost of every agent (effective-dated, prorated by day),
  the other costs, and the resolved incidents and handle time per team (selectors.labour_cost / other_costs /
  work_by_group and the allocation);
- `page`: the whole `cost_report(by="team")` behind /costs/ (also contacts, segments, costly customers, mistakes);
- `hand_sql`: one hand-written query giving the resolved incidents and handle time per team and in total
  (GROUP BY GROUPING SETS), the part of the figure that reads the interactions;
- `hand_customers_sql`: one hand-written query giving the period's incidents per customer segment (each contact joined
  to its customer) and the 50 customers with most incidents from the page's lowest costly count (counted per customer,
  then joined): what the segments and the costly customers read;
- `hand_rollup_sql`: the `hand_sql` figures read from the daily rollup the page reads on PostgreSQL (migration costs
  0003, `costs_workday`): the fair hand-written reference for a page that reads a rollup;
- `hand_customers_candidates_sql` and `hand_customers_scan_rollup_sql`: the segments' incidents from the rollup, and the
  50 most frequent customers counted either among the customers with enough incidents of all time
  (`costs_customerincidents`) through the customer index, or over every contact of the period; the faster of the two is
  the customers' reference over the rollup (`page_over_both_hand_rollup_sql`);
- `page_before` (with --before REV): the page with qadesk/costs/selectors.py as of REV, on the same database.

--months N spreads the contacts over N months ending with November 2026, in time order (as imports arrive); with 1
(the default) they fall on November's first 29 days, drawn round-robin (the fill of the measurements before
December 2026). --keep keeps the database; --reuse measures the kept database of an earlier run with the same
--interactions and --months instead of filling a new one (and keeps it).

Prints JSON with median latencies and ratios (goal at 1,000,000 contacts: the page < 0.5 s and ≤ 2× hand-written
SQL), and fails if the figure and the hand-written SQL disagree on the incident counts, the references over the rollup
disagree with those over the contacts, or the report differs from the one of --before REV (compared by repr, every
field).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import psycopg
from bench_pg import BASE_URL, ROOT, django_on, machine

DB_NAME = os.environ.get("BENCH_DB_NAME", "qadesk_bench_costs")
START, END = date(2026, 11, 1), date(2026, 11, 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interactions", type=int, default=100_000)
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument(
        "--months", type=int, default=1, help="Spread the contacts over this many months ending with November 2026."
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--reuse", action="store_true", help="Measure the kept database of an earlier run with these sizes.")
    parser.add_argument(
        "--before",
        metavar="REV",
        help="Also time the page with qadesk/costs/selectors.py as of this git revision "
        "(interleaved) and check that both reports are equal, field by field.",
    )
    parser.add_argument("--db-name", default=DB_NAME)
    args = parser.parse_args()
    globals()["DB_NAME"] = args.db_name
    reuse = args.reuse and _filled(args.interactions, args.months)
    with django_on(DB_NAME, fresh=not reuse, keep=args.keep or args.reuse):
        result: dict[str, Any] = {"machine": machine(), "interactions": args.interactions, "agents": args.agents}
        result["months"] = args.months
        result["fill_seconds"] = "reused" if reuse else _fill(args.interactions, args.agents, args.months)
        if reuse:
            from django.core.management import call_command

            call_command("migrate", verbosity=0)  # the indexes of the code being measured
        before = _before_module(args.before) if args.before else None
        periods = [("month", START, END)]
        if args.months > 1:
            periods.append(("history", _first_month(args.months), END))
        result["periods"] = {name: _measure(args.repeat, start, end, before) for name, start, end in periods}
    result["load_1min_after"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    print(json.dumps(result, indent=2))
    if not all(p["agree"] for p in result["periods"].values()):
        sys.exit("the report and the hand-written SQL (or the report before) disagree")


def _first_month(months: int) -> date:
    year, month = divmod(START.year * 12 + START.month - 1 - (months - 1), 12)
    return date(year, month + 1, 1)


def _filled(interactions: int, months: int) -> bool:
    """Whether a kept database of this name holds a finished fill of this size (the fill ends with the customers' rows
    of every month)."""
    try:
        with psycopg.connect(f"{BASE_URL}/{DB_NAME}") as conn:
            count = conn.execute("SELECT count(*) FROM interactions_interaction").fetchone()[0]  # type: ignore[index]
            filled = conn.execute("SELECT count(DISTINCT month) FROM costs_segmentcustomers").fetchone()[0]  # type: ignore[index]
    except psycopg.Error:
        return False
    return bool(count == interactions and filled == months)


def _before_module(rev: str) -> Any:
    """qadesk/costs/selectors.py as of a git revision, imported beside the current one."""
    import subprocess
    import types

    source = subprocess.run(
        ["git", "show", f"{rev}:qadesk/costs/selectors.py"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    module = types.ModuleType("selectors_before")
    module.__file__ = f"{rev}:qadesk/costs/selectors.py"
    sys.modules[module.__name__] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102 — the repository's own code
    return module


def _fill(n: int, agent_count: int, months: int) -> float:
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
        LabourCost.objects.create(valid_from=date(2025, 1, 1), site=site, salary=Decimal(2100), taxes=Decimal(650))
        LabourCost.objects.create(valid_from=date(2026, 11, 16), site=site, salary=Decimal(2170), taxes=Decimal(670))
    LabourCost.objects.bulk_create(
        LabourCost(valid_from=date(2026, 6, 1), agent=a, salary=Decimal(2600), taxes=Decimal(800)) for a in agents[::10]
    )
    first = _first_month(months)
    for k in range(months):  # the other costs, revenue and customers of every month of the history
        year, month = divmod(first.year * 12 + first.month - 1 + k, 12)
        when = date(year, month + 1, 1)
        for category, amount in (("tools", 4300), ("telephony", 3400), ("premises", 11600)):
            SupportCost.objects.create(month=when, category=category, amount=Decimal(amount))
        Revenue.objects.create(month=when, revenue=Decimal(1_900_000), gross_margin=Decimal(780_000))
        for segment, count in (("standard", 9200), ("silver", 2900), ("gold", 1700), ("business", 820)):
            SegmentCustomers.objects.create(month=when, segment=segment, customers=count, customers_lost=count // 90)
    customers = max(1, n // 4)
    # Several months: every hundredth contact from one of 500 frequent customers (about 20 contacts a year each), so
    # that some customers cost more than they are worth over a month and over the year.
    customer = f"(i::bigint * 7919) % {customers}"
    if months > 1:
        customer = f"CASE WHEN i % 100 = 1 THEN (i / 100) % {min(500, customers)} ELSE {customer} END"
    # One month: the contacts' days drawn round-robin (the measurements before December 2026). Several months: in time
    # order, as an install's imports arrive, so a month's contacts sit together in the table.
    days = (END - first).days + 1
    created = (
        f"TIMESTAMPTZ '{START.isoformat()} 08:00+01' + (i % 29) * INTERVAL '1 day'"
        if months == 1
        else f"TIMESTAMPTZ '{first.isoformat()} 08:00+01' + ((i - 1) * {days}::bigint / {n}) * INTERVAL '1 day'"
    )
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
                (SELECT min(id) FROM interactions_customer) + {customer}, '', '', '', '{{}}', '[]'
            FROM (
                SELECT i, (ARRAY['phone','email','chat','social','phone'])[1 + i % 5] AS ch,
                    {created} + (i * 37 % 36000) * INTERVAL '1 second' AS created
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


# The 50 most frequent customers from the lowest costly count: every contact of the period counted per customer.
COSTLY_BY_SCAN = """
SELECT * FROM (
    SELECT c.segment, c.external_id, a.n
    FROM (
        SELECT customer_id, count(*) AS n FROM interactions_interaction
        WHERE NOT abandoned AND resolved_at >= %(start)s AND resolved_at < %(end)s AND customer_id IS NOT NULL
        GROUP BY customer_id HAVING count(*) >= %(least)s
    ) a JOIN interactions_customer c ON c.id = a.customer_id
    ORDER BY a.n DESC, c.external_id LIMIT 50
) costly
"""

HAND_CUSTOMERS = (
    """
SELECT c.segment, NULL, count(*)
FROM interactions_interaction i JOIN interactions_customer c ON c.id = i.customer_id
WHERE NOT i.abandoned AND i.resolved_at >= %(start)s AND i.resolved_at < %(end)s
GROUP BY c.segment
UNION ALL"""
    + COSTLY_BY_SCAN
)


# The same figures read from the daily rollup the page reads on PostgreSQL (migration costs 0003): the fair
# hand-written references for the page, as `analytics_qualityday` is for the quality report.
HAND_ROLLUP = """
SELECT t.name, sum(w.resolved)::bigint, sum(w.handle)::bigint, sum(w.timed)::bigint
FROM costs_workday w LEFT JOIN accounts_team t ON t.id = w.key_id
WHERE w.dim = 1 AND w.day >= %(first)s AND w.day <= %(last)s
GROUP BY GROUPING SETS ((t.name), ())
"""

ROLLUP_SEGMENTS = """
SELECT w.code, NULL, sum(w.resolved)::bigint FROM costs_workday w
WHERE w.dim = 6 AND w.day >= %(first)s AND w.day <= %(last)s
GROUP BY w.code HAVING sum(w.resolved) <> 0
"""

# The costly customers two ways: only the customers with at least `least` incidents of all time, counted in the period
# through the customer index (`candidates`), or every contact of the period counted per customer (`scan`).
HAND_CUSTOMERS_CANDIDATES = (
    ROLLUP_SEGMENTS
    + """
UNION ALL
SELECT * FROM (
    SELECT c.segment, c.external_id, a.n
    FROM (
        SELECT i.customer_id, count(*) AS n
        FROM costs_customerincidents k JOIN interactions_interaction i ON i.customer_id = k.customer_id
        WHERE k.incidents >= %(least)s AND NOT i.abandoned AND i.resolved_at >= %(start)s AND i.resolved_at < %(end)s
        GROUP BY i.customer_id HAVING count(*) >= %(least)s
    ) a JOIN interactions_customer c ON c.id = a.customer_id
    ORDER BY a.n DESC, c.external_id LIMIT 50
) costly
"""
)

HAND_CUSTOMERS_SCAN = ROLLUP_SEGMENTS + "\nUNION ALL" + COSTLY_BY_SCAN


def _measure(repeat: int, date_from: date, date_to: date, before: Any) -> dict[str, Any]:
    from datetime import datetime, timedelta
    from datetime import time as dtime

    from django.db import connection
    from django.utils import timezone

    from qadesk.accounts.models import Role, User
    from qadesk.costs import figures
    from qadesk.costs.selectors import cost_report, labour_cost, other_costs, work_by_group

    actor = User(username="bench", role=Role.ADMIN, is_superuser=True)
    start = timezone.make_aware(datetime.combine(date_from, dtime.min))
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), dtime.min))

    def figure() -> list[figures.GroupCost]:
        labour, _costed, _without = labour_cost(date_from, date_to)
        total = labour + sum(other_costs(date_from, date_to).values(), figures.Decimal(0))
        return figures.allocate_by_handle_time(total, work_by_group(date_from, date_to, "team"))

    def page() -> Any:
        return cost_report(actor=actor, date_from=date_from, date_to=date_to, by="team")

    def page_before() -> Any:
        return before.cost_report(actor=actor, date_from=date_from, date_to=date_to, by="team")

    def hand() -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(HAND_WRITTEN, {"start": start, "end": end})
            return cursor.fetchall()

    page()  # the first call of a new database creates the settings row (its Decimals then read back as stored)
    report = page()
    # The page's lowest threshold: the fewest incidents at which a customer costs more than its segment's value.
    cpi, values = report.cost_per_incident, [x.value_per_customer for x in report.segments]
    least = min((max(1, int(v // cpi) + 1) for v in values if v is not None and cpi), default=1)

    def hand_customers() -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(HAND_CUSTOMERS, {"start": start, "end": end, "least": least})
            return cursor.fetchall()

    given = {"start": start, "end": end, "least": least, "first": date_from, "last": date_to}

    def query(sql: str) -> Callable[[], list[tuple[Any, ...]]]:
        def run() -> list[tuple[Any, ...]]:
            with connection.cursor() as cursor:
                cursor.execute(sql, given)
                return cursor.fetchall()

        return run

    hand_rollup = query(HAND_ROLLUP)
    hand_customers_candidates, hand_customers_scan = query(HAND_CUSTOMERS_CANDIDATES), query(HAND_CUSTOMERS_SCAN)

    groups, rows = figure(), hand()
    # The references over the rollup must give what the scans give.
    same = sorted(map(tuple, hand_rollup()), key=repr) == sorted(map(tuple, rows), key=repr)
    costly_scan = hand_customers()
    same = same and sorted(hand_customers_candidates(), key=repr) == sorted(costly_scan, key=repr)
    same = same and sorted(hand_customers_scan(), key=repr) == sorted(costly_scan, key=repr)
    by_team = {g.key: g.resolved for g in groups}
    hand_by_team = {r[0]: r[1] for r in rows if r[0] is not None}
    agree = by_team == hand_by_team and sum(by_team.values()) == next(r[1] for r in rows if r[0] is None)
    agree = agree and {g.key: g.resolved for g in report.groups} == by_team
    agree = agree and same
    out: dict[str, Any] = {"from": date_from.isoformat(), "to": date_to.isoformat(), "rollup_references_agree": same}
    if before is not None:
        out["same_report_as_before"] = repr(page_before()) == repr(report)
        agree = agree and out["same_report_as_before"]
    runs = [
        ("figure", figure),
        ("page", page),
        ("hand_sql", hand),
        ("hand_customers_sql", hand_customers),
        ("hand_rollup_sql", hand_rollup),
        ("hand_customers_candidates_sql", hand_customers_candidates),
        ("hand_customers_scan_rollup_sql", hand_customers_scan),
    ]
    if before is not None:
        runs.append(("page_before", page_before))
    timings = dict(zip([name for name, _fn in runs], _medians([fn for _name, fn in runs], repeat), strict=True))
    # The customers' hand-written reference over the rollup: the faster of the two ways, as one would pick for the data.
    customers_rollup = min(timings["hand_customers_candidates_sql"], timings["hand_customers_scan_rollup_sql"])
    out.update(
        {
            "median_seconds": timings,
            "figure_over_hand_sql": round(timings["figure"] / timings["hand_sql"], 2),
            "page_over_hand_sql": round(timings["page"] / timings["hand_sql"], 2),
            "page_over_both_hand_sql": round(timings["page"] / (timings["hand_sql"] + timings["hand_customers_sql"]), 2),
            "figure_over_hand_rollup_sql": round(timings["figure"] / timings["hand_rollup_sql"], 2),
            "page_over_hand_rollup_sql": round(timings["page"] / timings["hand_rollup_sql"], 2),
            "page_over_both_hand_rollup_sql": round(timings["page"] / (timings["hand_rollup_sql"] + customers_rollup), 2),
            "incidents_resolved": sum(by_team.values()),
            "contacts": report.contacts,
            "costly_customers": len(report.costly_customers),
            "agree": agree,
        }
    )
    if before is not None:
        out["page_before_over_hand_sql"] = round(timings["page_before"] / timings["hand_sql"], 2)
    return out


def _medians(fns: list[Callable[[], object]], repeat: int) -> list[float]:
    """The median time of each function after one warm-up call each, run in turn (one of each per round), so that a
    change of load on a shared machine falls on all of them alike."""
    for fn in fns:
        fn()
    laps: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, times in zip(fns, laps, strict=True):
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
    return [round(statistics.median(times), 4) for times in laps]


if __name__ == "__main__":
    main()
