"""Benchmark: the quality report by agent over 200,000 (or --reviews) submitted reviews on PostgreSQL.

    .venv/bin/python benchmarks/quality_report.py [--reviews 200000] [--repeat 7] [--keep] [--reuse] [--db-name NAME] [--spread]

Creates a throwaway database (qadesk_bench_report on 127.0.0.1:5432, user postgres; override the server with
BENCH_PG_URL and the name with --db-name or BENCH_DB_NAME), migrates it, fills it with INSERT … SELECT generate_series
(40 agents in 4 teams on 2 sites, 8 reviewers, one review per interaction, 5 % of them drafts, 11 ratings per review with
failures and root causes), fills the report's rollup with `quality_rollup_rebuild`, then times each part of
`quality_report(by="agent")` — group table, totals, criterion averages, root causes — and the whole report, read from
the rollup against a hand-written query over the rollup, and read the old way (reviews and ratings) against a
hand-written query over those. Prints JSON with median latencies and ratios (goal: whole report under 0.5 s, each part
within 2× of its hand-written query); fails if the report from the rollup differs from the report from the reviews.
The database is dropped afterwards unless --keep; --reuse skips the fill when a kept database is there.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
from bench_pg import BASE_URL, database_exists, drop_database, machine, recreate_database

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = os.environ.get("BENCH_DB_NAME", "qadesk_bench_report")
REVIEWERS = 8
START = date(2026, 9, 1)
DAYS = 90


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviews", type=int, default=200_000, help="Submitted reviews to create.")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--reuse", action="store_true", help="Reuse a kept database instead of filling a new one.")
    parser.add_argument("--db-name", default=DB_NAME, help="Database to create (default qadesk_bench_report).")
    parser.add_argument(
        "--spread",
        action="store_true",
        help="Every agent reviewed on every day (all day × agent × reviewer cells occur); by default 360 of 3,600 pairs.",
    )
    args = parser.parse_args()
    globals()["DB_NAME"] = args.db_name

    reuse = args.reuse and database_exists(DB_NAME)
    if not reuse:
        recreate_database(DB_NAME)
    os.environ["DATABASE_URL"] = f"{BASE_URL}/{DB_NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qadesk.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    result: dict[str, Any] = {"machine": machine()}
    try:
        if not reuse:
            result["fill_seconds"] = _fill(args.reviews, spread=args.spread)
            result["rollup_rebuild_seconds"], result["rollup_rows"] = _rebuild()
        result.update(_measure(args.repeat))
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(DB_NAME)
    print(json.dumps(result, indent=2))


def _fill(reviews: int, *, spread: bool = False) -> float:
    """Organisation through the ORM (small), interactions, reviews and ratings with INSERT … SELECT."""
    from django.core.management import call_command
    from django.db import connection

    from qadesk.accounts.models import Agent, Role, Site, Team, User
    from qadesk.interactions.models import Label
    from qadesk.scorecards.services import scorecard_install_default

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    version = scorecard_install_default()
    sites = [Site.objects.create(name=name) for name in ("Milano", "Lyon")]
    teams = [Team.objects.create(name=f"Team {i}", site=sites[i // 2]) for i in range(4)]
    agents = [
        Agent.objects.create(
            username=f"agent{i:02d}", display_name=f"Agent {i:02d}", team=teams[i // 10], site=teams[i // 10].site
        )
        for i in range(40)
    ]
    labels = [Label.objects.create(code=f"label_{i}") for i in range(10)]
    reviewers = [
        User.objects.create_user(username=f"reviewer{i}", password="x", role=Role.REVIEWER)  # noqa: S106
        for i in range(REVIEWERS)
    ]
    reviewer_ids = ",".join(str(r.pk) for r in reviewers)
    total = reviews * 21 // 20  # every 21st review stays a draft, so `reviews` are submitted
    agent_ids = ",".join(str(a.pk) for a in agents)
    team_ids = ",".join(str(a.team_id) for a in agents)
    site_ids = ",".join(str(a.site_id) for a in agents)
    label_ids = ",".join(str(label.pk) for label in labels)
    # The agent of row i: by default i % 40, which with the day i % 90 makes only 360 of the 3,600 (day, agent) pairs
    # occur (the figures kept in benchmarks/README.md were measured so); --spread gives every agent contacts on every
    # day, as in a real contact centre, so the rollup holds every (day, agent, reviewer) cell.
    agent = f"(i / {DAYS}) % 40" if spread else "i % 40"
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(f"""
            INSERT INTO interactions_interaction (external_id, source, channel, language, subject, phase, status, created_at,
                abandoned, message_count, imported_at, agent_id, team_id, site_id, label_id, custom_fields, tags)
            SELECT 'B-' || i, 'bench', (ARRAY['phone','email','chat','social','self_service'])[1 + i % 5], 'it', '',
                (ARRAY['demand','purchase','delivery','reception','evaluation'])[1 + (i / 5) % 5], 'resolved',
                TIMESTAMPTZ '{START.isoformat()} 08:00+01'
                    + (i % {DAYS}) * INTERVAL '1 day' + (i * 37 % 36000) * INTERVAL '1 second',
                false, 8, now(), (ARRAY[{agent_ids}])[1 + {agent}], (ARRAY[{team_ids}])[1 + {agent}],
                (ARRAY[{site_ids}])[1 + {agent}], (ARRAY[{label_ids}])[1 + i % 10], '{{}}', '[]'
            FROM generate_series(1, {total}) AS i
        """)
        # An agent's skill sets the centre of their scores; errors follow the score.
        cursor.execute(f"""
            INSERT INTO reviews_review (interaction_id, agent_id, reviewer_id, scorecard_version_id, status, comment, score,
                high_impact_errors, low_impact_errors, created_at, updated_at, submitted_at,
                revision, original_score, original_high_impact_errors, original_low_impact_errors, scores_locked)
            SELECT id, agent_id, (ARRAY[{reviewer_ids}])[1 + floor(random() * {REVIEWERS})::int], {version.pk},
                s.status, '', s.score, s.high, s.low,
                created_at, created_at, CASE WHEN s.status = 'submitted' THEN created_at + INTERVAL '1 day' END,
                CASE WHEN s.status = 'submitted' THEN 1 ELSE 0 END, s.score, s.high, s.low, false
            FROM (SELECT id, agent_id, created_at, status, score,
                         CASE WHEN score < 60 THEN 1 ELSE 0 END AS high,
                         CASE WHEN score < 85 THEN 1 + (id % 2) ELSE 0 END AS low
                  FROM (SELECT id, agent_id, created_at,
                         CASE WHEN id % 21 = 0 THEN 'draft' ELSE 'submitted' END AS status,
                         round(least(100, greatest(0, 55 + (agent_id % 40) + random() * 30 - 10))::numeric, 2)::float8 AS score
                        FROM interactions_interaction) AS scored) AS s
        """)
        cursor.execute(f"""
            INSERT INTO reviews_rating (review_id, criterion_id, value, score, failed, comment, root_causes, root_cause_text)
            SELECT r.id, c.id, NULL, x.score, coalesce(x.score < 50, false), '',
                CASE WHEN x.score < 50 AND random() < 0.7
                     THEN jsonb_build_array(coalesce(c.root_causes -> (r.id % 2)::int ->> 'code', c.root_causes -> 0 ->> 'code'))
                     ELSE '[]'::jsonb END, ''
            FROM reviews_review r
            CROSS JOIN scorecards_criterion c
            CROSS JOIN LATERAL (SELECT CASE WHEN random() < 0.12 THEN 0.0 WHEN random() < 0.05 THEN NULL ELSE 100.0 END
                                       + 0 * r.id AS score) AS x
            WHERE c.section_id IN (SELECT id FROM scorecards_section WHERE version_id = {version.pk})
        """)
        cursor.execute("UPDATE reviews_rating SET root_causes = '[]' WHERE root_causes = '[null]'")
    connection.close()
    with psycopg.connect(f"{BASE_URL}/{DB_NAME}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return round(time.perf_counter() - started, 1)


def _rebuild() -> tuple[float, dict[str, int]]:
    """Fill the rollup as an existing install's migration does: `quality_rollup_rebuild`, then VACUUM ANALYZE."""
    from django.db import connection

    from qadesk.analytics.rollup import quality_rollup_rebuild

    started = time.perf_counter()
    rows = quality_rollup_rebuild()
    connection.close()
    with psycopg.connect(f"{BASE_URL}/{DB_NAME}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return round(time.perf_counter() - started, 1), rows


ROLLUP_SQL_GROUPS = """
    SELECT agent_id, sum(n), sum(n_zero), sum(total) / 100.0, sum(total_sq) / 10000.0, max(max_score), sum(passed),
           sum(high), sum(low)
    FROM analytics_qualityday
    WHERE level = 0 AND day >= %s AND day <= %s
    GROUP BY agent_id
"""
ROLLUP_SQL_CRITERIA = """
    SELECT criterion_id, sum(n), sum(total) / 1000000.0, sum(failures)
    FROM analytics_qualitycriterionday
    WHERE level = 0 AND day >= %s AND day <= %s
    GROUP BY criterion_id
"""
HAND_SQL_GROUPS = """
    SELECT agent_id, count(*), count(*) FILTER (WHERE score = 0), sum(score), sum(score * score), max(score),
           sum(CASE WHEN score >= %s THEN 1 ELSE 0 END), sum(high_impact_errors), sum(low_impact_errors)
    FROM reviews_review
    WHERE status = 'submitted' AND score IS NOT NULL AND submitted_at >= %s AND submitted_at < %s
    GROUP BY agent_id
"""
HAND_SQL_CRITERIA = """
    SELECT ra.criterion_id, count(ra.score), sum(ra.score), sum(CASE WHEN ra.failed THEN 1 ELSE 0 END)
    FROM reviews_rating ra JOIN reviews_review r ON r.id = ra.review_id
    WHERE r.status = 'submitted' AND r.score IS NOT NULL AND r.submitted_at >= %s AND r.submitted_at < %s
    GROUP BY ra.criterion_id
"""


def _measure(repeat: int) -> dict[str, Any]:
    """Each part of the report read from the rollup against a hand-written query over the rollup, and the old way (from
    the reviews and ratings) against the hand-written query over them."""
    from django.db import connection
    from django.utils import timezone

    from qadesk.accounts.models import OrgSettings, Team, User
    from qadesk.analytics.management.commands.qreport import system_actor
    from qadesk.analytics.models import RollupState
    from qadesk.analytics.rollup import report_settings
    from qadesk.analytics.selectors.cells import rollup_cells
    from qadesk.analytics.selectors.quality import (
        _criteria_rows,
        _criterion_sums,
        _rollup_sums,
        _sums,
        quality_groups,
        quality_report,
        quality_reviews,
        quality_root_causes,
        quality_totals,
    )

    actor = system_actor()
    date_from, date_to = START, START + timedelta(days=DAYS + 1)
    settings = OrgSettings.load()
    pass_mark, minimum_n = float(settings.pass_mark), settings.minimum_n
    sums, rsums = _sums(pass_mark), _rollup_sums()
    window = [
        timezone.make_aware(timezone.datetime.combine(d, timezone.datetime.min.time()))
        for d in (date_from, date_to + timedelta(days=1))
    ]

    def reviews() -> Any:
        return quality_reviews(actor=actor, date_from=date_from, date_to=date_to)

    # As the report runs each part: the settings and whether the rollup answers for them read once, in one query
    # (`report_settings`, timed on its own below), then each part from the rollup.
    _org, usable = report_settings()

    def cells(by: str = "agent", user: Any = actor, state_read: bool = False) -> Any:
        found = rollup_cells(
            actor=user,
            by=by,
            date_from=date_from,
            date_to=date_to,
            filters={},
            pass_mark=settings.pass_mark,
            usable=None if state_read else usable,
        )
        assert found is not None, "the rollup is not usable"
        return found

    def fetch(sql: str, params: list[Any]) -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def whole(by: str) -> Any:
        return quality_report(actor=actor, by=by, date_from=date_from, date_to=date_to)

    lead, _created = User.objects.get_or_create(username="lead", defaults={"role": "team_lead", "team": Team.objects.first()})
    days = [date_from, date_to]
    # The group table and the criterion averages take a millisecond or a few: each is timed alternately with its
    # hand-written query, a few hundred times (`_paired`), so both see the same moments of a machine whose speed swings.
    hand_groups, table = _paired(
        lambda: fetch(ROLLUP_SQL_GROUPS, days),
        lambda: quality_groups(reviews=cells().reviews, by="agent", period="month", sums=rsums, minimum_n=minimum_n),
        repeat,
    )
    hand_groups_2, table_with_state = _paired(
        lambda: fetch(ROLLUP_SQL_GROUPS, days),
        lambda: quality_groups(
            reviews=cells(state_read=True).reviews, by="agent", period="month", sums=rsums, minimum_n=minimum_n
        ),
        repeat,
    )
    hand_criteria, criteria = _paired(
        lambda: fetch(ROLLUP_SQL_CRITERIA, days),
        lambda: _criteria_rows(per_criterion=cells().criterion_sums(), total_n=1),
        repeat,
    )
    timings = {
        # From the rollup (what the report reads now)
        "hand_sql_rollup_group_by_agent": hand_groups,
        "rollup_group_table_by_agent": table,
        "hand_sql_rollup_group_by_agent_beside_the_state_read": hand_groups_2,
        "rollup_group_table_by_agent_with_state_read": table_with_state,
        "report_settings_and_rollup_state": _median(report_settings, repeat),
        "rollup_group_table_by_team": _median(
            lambda: quality_groups(reviews=cells("team").reviews, by="team", period="month", sums=rsums, minimum_n=minimum_n),
            repeat,
        ),
        "rollup_group_table_by_agent_as_team_lead": _median(
            lambda: quality_groups(reviews=cells(user=lead).reviews, by="agent", period="month", sums=rsums, minimum_n=minimum_n),
            repeat,
        ),
        "rollup_totals": _median(lambda: quality_totals(reviews=cells().reviews, sums=rsums, minimum_n=minimum_n), repeat),
        "hand_sql_rollup_criteria": hand_criteria,
        "rollup_criteria": criteria,
        "rollup_root_causes": _median(lambda: cells().root_causes(), repeat),
        "report_whole_by_agent": _median(lambda: whole("agent"), repeat),
        "report_whole_by_period": _median(lambda: whole("period"), repeat),
        "report_whole_by_team": _median(lambda: whole("team"), repeat),
        "report_whole_by_label": _median(lambda: whole("label"), repeat),
    }
    state = RollupState.objects.get()
    RollupState.objects.all().delete()  # the report reads the reviews again: the old way, for comparison
    raw_repeat = max(3, repeat // 2)
    try:
        timings |= {
            "hand_sql_group_by_agent": _median(lambda: fetch(HAND_SQL_GROUPS, [pass_mark, *window]), raw_repeat),
            "raw_group_table_by_agent": _median(
                lambda: quality_groups(reviews=reviews(), by="agent", period="month", sums=sums, minimum_n=minimum_n),
                raw_repeat,
            ),
            "raw_totals": _median(lambda: quality_totals(reviews=reviews(), sums=sums, minimum_n=minimum_n), raw_repeat),
            "hand_sql_criteria": _median(lambda: fetch(HAND_SQL_CRITERIA, window), raw_repeat),
            "raw_criteria": _median(lambda: _criteria_rows(per_criterion=_criterion_sums(reviews()), total_n=1), raw_repeat),
            "raw_root_causes": _median(lambda: quality_root_causes(reviews=reviews()), raw_repeat),
            "raw_report_whole_by_agent": _median(lambda: whole("agent"), raw_repeat),
        }
        raw_report = whole("agent")
    finally:
        state.save()
    assert whole("agent") == raw_report, "the report from the rollup differs from the report from the reviews"
    assert len(fetch(ROLLUP_SQL_GROUPS, days)) == len(fetch(HAND_SQL_GROUPS, [pass_mark, *window])) == 40
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reviews_review WHERE status = 'submitted'")
        submitted = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM reviews_rating")
        ratings = cursor.fetchone()[0]
    t = timings
    return {
        "submitted_reviews": submitted,
        "ratings": ratings,
        "median_seconds": {k: round(v, 5) for k, v in t.items()},
        "ratio_group_table_to_hand_sql_over_rollup": round(
            t["rollup_group_table_by_agent"] / t["hand_sql_rollup_group_by_agent"], 2
        ),
        "ratio_group_table_with_state_read_to_hand_sql_over_rollup": round(
            t["rollup_group_table_by_agent_with_state_read"] / t["hand_sql_rollup_group_by_agent_beside_the_state_read"], 2
        ),
        "ratio_criteria_to_hand_sql_over_rollup": round(t["rollup_criteria"] / t["hand_sql_rollup_criteria"], 2),
        "speedup_whole_report_rollup_vs_raw": round(t["raw_report_whole_by_agent"] / t["report_whole_by_agent"], 1),
        "reports_identical": True,
        "goal_met": t["report_whole_by_agent"] < 0.5
        and t["rollup_group_table_by_agent"] / t["hand_sql_rollup_group_by_agent"] < 2
        and t["rollup_criteria"] / t["hand_sql_rollup_criteria"] < 2,
    }


def _paired(reference: Callable[[], Any], measured: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Medians of the two, called alternately after a warm-up: at least `repeat` pairs, and as many as fit in about a
    second (at most 500), since a median of a few millisecond-long calls is mostly the machine's noise."""
    reference(), measured()
    started = time.perf_counter()
    reference(), measured()
    pairs = max(repeat, min(500, int(1.0 / max(time.perf_counter() - started, 1e-6))))
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(pairs):
        for func, times in ((reference, samples[0]), (measured, samples[1])):
            began = time.perf_counter()
            func()
            times.append(time.perf_counter() - began)
    return statistics.median(samples[0]), statistics.median(samples[1])


def _median(func: Callable[[], Any], repeat: int) -> float:
    func()  # warm caches and connections
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


if __name__ == "__main__":
    main()
