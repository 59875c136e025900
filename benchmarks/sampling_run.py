"""Benchmark: one audit sampling run over 1,000,000 interactions on PostgreSQL.

    .venv/bin/python benchmarks/sampling_run.py [--interactions 1000000] [--agents 200] [--n-per-agent 20]
                                                [--repeat 3] [--keep] [--reuse]

Creates a throwaway database (qadesk_bench_sampling on 127.0.0.1:5432, user postgres; override with
BENCH_PG_URL), migrates it, fills one month with INSERT … SELECT generate_series (agents in 10 teams on 2 sites,
5 channels, 5 journey phases, 2 languages, talk/hold/ACW times, 3 % abandoned, 5 % handed to a second agent),
then times `sampling_plan_run` end to end (stratified by site and channel, three risk boosts, 10 reviewers):
the candidate stream from SQL, the draw, the spread, the assignments and the run record. The candidate fetch
(`candidates.candidate_rows` to a list) and the pure draw (`draw.draw_rows` over that list) are also timed on
their own, and peak memory is reported (process RSS for the end-to-end run, tracemalloc peak for the pure draw).
`sample_digest` hashes what the last run drew and who got it: it must not change while the data and the seed
don't (default fill and plan: 827e069d28160c0f). Prints JSON; goal: end to end under 10 s. Each repeat deletes the
previous run and its assignments first. The database is dropped afterwards unless --keep; a kept one is
migrated on --reuse.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import resource
import statistics
import time
import tracemalloc
from datetime import date
from typing import Any

import psycopg
from bench_pg import BASE_URL, database_exists, django_on, machine

DB_NAME = "qadesk_bench_sampling"
MONTH = date(2026, 10, 1)
CHANNELS = ("phone", "email", "chat", "social", "self_service")
PROPORTIONS = {
    f"{site}|{ch}": share / 2
    for site in ("Milano", "Lyon")
    for ch, share in zip(CHANNELS, (0.4, 0.3, 0.2, 0.05, 0.05), strict=True)
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--n-per-agent", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--reuse", action="store_true", help="Reuse a kept database instead of filling a new one.")
    args = parser.parse_args()

    reuse = args.reuse and database_exists(DB_NAME)
    with django_on(DB_NAME, fresh=not reuse, keep=args.keep):
        result: dict[str, Any] = {"machine": machine()}
        if reuse:
            from django.core.management import call_command

            call_command("migrate", verbosity=0)  # a kept database follows the code's migrations
        else:
            result["fill_seconds"] = _fill(args.interactions, args.agents)
        result.update(_measure(args.n_per_agent, args.repeat))
    print(json.dumps(result, indent=2))


def _fill(interactions: int, n_agents: int) -> float:
    """Organisation through the ORM (small), interactions and second handlers with INSERT … SELECT."""
    from django.core.management import call_command
    from django.db import connection

    from qadesk.accounts.models import Agent, Role, Site, Team, User

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    sites = [Site.objects.create(name=name) for name in ("Milano", "Lyon")]
    teams = [Team.objects.create(name=f"Team {i}", site=sites[i % 2]) for i in range(10)]
    agents = [
        Agent.objects.create(username=f"agent{i:03d}", display_name=f"Agent {i:03d}", team=teams[i % 10], site=teams[i % 10].site)
        for i in range(n_agents)
    ]
    User.objects.create_user(username="lead", password="x", role=Role.QA_LEAD)  # noqa: S106
    for i in range(10):
        User.objects.create_user(username=f"reviewer{i}", password="x", role=Role.REVIEWER, team=teams[i])  # noqa: S106
    agent_ids = ",".join(str(a.pk) for a in agents)
    team_ids = ",".join(str(a.team_id) for a in agents)
    site_ids = ",".join(str(a.site_id) for a in agents)
    channels = ",".join(f"'{c}'" for c in CHANNELS)
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO interactions_interaction (external_id, source, channel, language, subject, phase, status, created_at,
                talk_seconds, hold_seconds, acw_seconds, abandoned, message_count, imported_at, agent_id, team_id, site_id,
                custom_fields, tags)
            SELECT 'S-' || i, 'bench', (ARRAY[{channels}])[1 + (i / 7) % 5], (ARRAY['it','fr'])[1 + (i / 3) % 2], '',
                (ARRAY['demand','purchase','delivery','reception','evaluation'])[1 + (i / 11) % 5], 'resolved',
                TIMESTAMPTZ '{MONTH.isoformat()} 08:00+02' + (i % 31) * INTERVAL '1 day' + (i * 37 % 36000) * INTERVAL '1 second',
                i * 13 % 1500, i * 7 % 200, i * 5 % 300, i % 33 = 0, 6, now(),
                (ARRAY[{agent_ids}])[1 + i % {n_agents}], (ARRAY[{team_ids}])[1 + i % {n_agents}],
                (ARRAY[{site_ids}])[1 + i % {n_agents}], '{{}}', '[]'
            FROM generate_series(1, {interactions}) AS i
        """)
        cursor.execute(f"""
            INSERT INTO interactions_interactionagent (interaction_id, agent_id, position)
            SELECT id, agent_id, 0 FROM interactions_interaction
            UNION ALL
            SELECT id, (ARRAY[{agent_ids}])[1 + (agent_id + 1) % {n_agents}], 1 FROM interactions_interaction WHERE id % 20 = 0
        """)
    connection.close()
    with psycopg.connect(f"{BASE_URL}/{DB_NAME}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return round(time.perf_counter() - started, 1)


def _plan(n_per_agent: int) -> Any:
    from qadesk.accounts.models import User
    from qadesk.sampling.models import SamplingPlan
    from qadesk.sampling.services import sampling_plan_create

    existing = SamplingPlan.objects.filter(name="bench").first()
    if existing:
        return existing
    return sampling_plan_create(
        actor=User.objects.get(username="lead"),
        reviewers=list(User.objects.filter(username__startswith="reviewer")),
        name="bench",
        n_per_agent=n_per_agent,
        period="month",
        strata={"by": ["site", "channel"], "proportions": PROPORTIONS},
        risk_boosts={"reassigned": 3, "long_handle": 2, "abandoned": 2},
        exclude_own_team=True,
        seed=20261001,
    )


def _measure(n_per_agent: int, repeat: int) -> dict[str, Any]:
    from qadesk.notifications.models import Notification
    from qadesk.reviews.models import ReviewAssignment
    from qadesk.sampling import draw
    from qadesk.sampling.candidates import candidate_rows
    from qadesk.sampling.models import SamplingRun, SamplingRunItem
    from qadesk.sampling.services import sampling_plan_run

    plan = _plan(n_per_agent)
    end = date(2026, 11, 1)
    spec = draw.PlanSpec(
        n_per_agent=plan.n_per_agent,
        by=("site", "channel"),
        proportions=PROPORTIONS,
        boosts={k: float(v) for k, v in plan.risk_boosts.items()},
    )
    weights = draw.flag_weights(spec.boosts)

    fetch: list[float] = []
    pure: list[float] = []
    e2e: list[float] = []
    # End to end first, so the process's peak RSS is the run's own, not the materialised candidate list's.
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    run = None
    for _ in range(repeat):
        SamplingRun.objects.filter(plan=plan).delete()
        ReviewAssignment.objects.all().delete()
        Notification.objects.all().delete()
        started = time.perf_counter()
        run = sampling_plan_run(plan=plan, actor=None, period_start=MONTH)
        e2e.append(time.perf_counter() - started)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(repeat):
        started = time.perf_counter()
        candidates = list(candidate_rows(plan=plan, start=MONTH, end=end))
        fetch.append(time.perf_counter() - started)
        started = time.perf_counter()
        sample = draw.draw_rows(candidates, spec, plan.seed, weights)
        pure.append(time.perf_counter() - started)
    tracemalloc.start()
    draw.draw_rows(candidates, spec, plan.seed, weights)
    draw_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    n_candidates = len(candidates)
    del candidates
    gc.collect()

    assert run is not None
    # What was drawn and who got it: the same seed over the same data must keep giving the same digest.
    drawn = SamplingRunItem.objects.filter(run=run).values_list(
        "assignment__interaction_id", "assignment__reviewer_id", "stratum"
    )
    digest = hashlib.sha256(repr(sorted(drawn)).encode()).hexdigest()[:16]
    return {
        "interactions_in_period": n_candidates,
        "agents": len({row[1] for row in sample.picks}),
        "drawn": run.drawn,
        "assigned": run.assigned,
        "per_stratum": run.per_stratum["counts"],
        "sample_digest": digest,
        "seconds_median": {
            "candidate_fetch_to_list": round(statistics.median(fetch), 3),
            "pure_draw": round(statistics.median(pure), 3),
            "sampling_plan_run_end_to_end": round(statistics.median(e2e), 3),
        },
        "seconds_all_runs": {"end_to_end": [round(x, 3) for x in e2e]},
        "peak_memory_mb": {
            "process_rss_max_before_run": round(rss_before / 1024, 1),
            "process_rss_max_after_run": round(rss_after / 1024, 1),
            "pure_draw_tracemalloc_peak": round(draw_peak / 2**20, 1),
        },
        "goal_seconds": 10,
    }


if __name__ == "__main__":
    main()
