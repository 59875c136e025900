"""Benchmark: the interaction and review lists (pages and API) at 1,000,000 interactions on PostgreSQL (issue 13).

    .venv/bin/python benchmarks/list_pages.py [--interactions 1000000] [--repeat 5] [--keep] [--reuse] [--db-name NAME]

Creates a throwaway database (qadesk_bench_lists on 127.0.0.1:5432, user postgres; BENCH_PG_URL overrides the server,
--db-name or BENCH_DB_NAME the name), migrates, installs the default scorecard, 2 sites, 10 teams, 200 agents, a QA lead
and 10 reviewers, then fills with `INSERT … SELECT generate_series`: the interactions (90 days, 5 channels, 2 languages,
a subject, a customer rating on a third, a complaint on 1 %), one handler each, a submitted review on every 20th
(50,000 at 1M) and an open assignment on every 100th not reviewed; then `VACUUM ANALYZE`.

Then, in-process (Django's test client, no HTTP), as the QA lead (every interaction: the largest lists), each URL below
once to warm up and --repeat times: the median and the slowest wall time. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")

URLS = [
    "/interactions/",
    "/interactions/?page=150",
    "/interactions/?size=100&sort=external_id",
    "/interactions/?sort=-team",
    "/interactions/?sort=agent",
    "/interactions/?sort=-messages",
    "/interactions/?team={team}",
    "/interactions/?agent={agent}",
    "/interactions/?reviewed=no",
    "/interactions/?reviewed=yes",
    "/interactions/?assigned=yes",
    "/interactions/?customer_rating=negative&complaint=yes",
    "/interactions/?q=S-12345",
    "/interactions/?q=rimborso",
    "/interactions/?date_from={day}&date_to={day}",
    "/reviews/",
    "/reviews/?sort=-score",
    "/reviews/?sort=date",
    "/reviews/?score_max=60",
    "/reviews/?team={team}&sort=-score",
    "/reviews/?date_from={day}&date_to={day}",
    "/api/v1/interactions",
    "/api/v1/interactions?sort=-messages",
    "/api/v1/interactions?reviewed=false&team={team}",
    "/api/v1/reviews",
    "/api/v1/reviews?sort=-score",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--db-name", default=os.environ.get("BENCH_DB_NAME", "qadesk_bench_lists"))
    args = parser.parse_args()
    name = args.db_name
    fill = None
    if not args.reuse:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _admin(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = f"{BASE_URL}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qadesk.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    try:
        if not args.reuse:
            fill = _fill(args.interactions, name)
        else:
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
        results = _measure(args.repeat)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(json.dumps({"benchmark": "list_pages", "interactions": args.interactions, "fill_s": fill, **results}, indent=1))


def _admin(sql: str) -> None:
    with psycopg.connect(f"{BASE_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _fill(interactions: int, name: str) -> float:
    from django.core.management import call_command
    from django.db import connection

    from qadesk.accounts.models import Agent, Role, Site, Team, User
    from qadesk.scorecards.services import scorecard_install_default

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    version = scorecard_install_default()
    sites = [Site.objects.create(name=n) for n in ("Milano", "Lyon")]
    teams = [Team.objects.create(name=f"Team {i}", site=sites[i % 2]) for i in range(10)]
    agents = [
        Agent.objects.create(username=f"agent{i:03d}", display_name=f"Agent {i:03d}", team=teams[i % 10], site=teams[i % 10].site)
        for i in range(200)
    ]
    User.objects.create_user(username="lead", password="x", role=Role.QA_LEAD)  # noqa: S106
    reviewers = [
        User.objects.create_user(username=f"reviewer{i}", password="x", role=Role.REVIEWER, first_name=f"R{i}")  # noqa: S106
        for i in range(10)
    ]
    lead = User.objects.get(username="lead")
    agent_ids = ",".join(str(a.pk) for a in agents)
    team_ids = ",".join(str(a.team_id) for a in agents)
    site_ids = ",".join(str(a.site_id) for a in agents)
    reviewer_ids = ",".join(str(r.pk) for r in reviewers)
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO interactions_interaction (external_id, source, channel, language, subject, phase, status, created_at,
                abandoned, reopens, customer_rating, complaint, message_count, imported_at, agent_id, team_id, site_id,
                custom_fields, tags)
            SELECT 'S-' || i, 'bench', (ARRAY['phone','email','chat','social','self_service'])[1 + (i / 7) % 5],
                (ARRAY['it','fr'])[1 + (i / 3) % 2],
                (ARRAY['Richiesta di rimborso','Ordine in ritardo','Problème de livraison','Changement d''adresse'])[1 + i % 4]
                    || ' #' || i,
                (ARRAY['demand','purchase','delivery','reception','evaluation'])[1 + (i / 11) % 5], 'resolved',
                TIMESTAMPTZ '2026-09-01 08:00+02' + (i % 90) * INTERVAL '1 day' + (i * 37 % 36000) * INTERVAL '1 second',
                false, 0, (ARRAY['','','positive','neutral','negative',''])[1 + i % 6], i % 100 = 7, 1 + i % 12, now(),
                (ARRAY[{agent_ids}])[1 + i % 200], (ARRAY[{team_ids}])[1 + i % 200], (ARRAY[{site_ids}])[1 + i % 200],
                '{{}}', '[]'
            FROM generate_series(1, {interactions}) AS i
        """)
        cursor.execute("""
            INSERT INTO interactions_interactionagent (interaction_id, agent_id, position)
            SELECT id, agent_id, 0 FROM interactions_interaction
        """)
        cursor.execute(f"""
            INSERT INTO reviews_review (interaction_id, agent_id, reviewer_id, scorecard_version_id, status, comment, score,
                high_impact_errors, low_impact_errors, created_at, updated_at, submitted_at,
                revision, original_score, original_high_impact_errors, original_low_impact_errors, scores_locked)
            SELECT id, agent_id, (ARRAY[{reviewer_ids}])[1 + id % 10], {version.pk}, 'submitted', '', s.score,
                CASE WHEN s.score < 60 THEN 1 ELSE 0 END, CASE WHEN s.score < 85 THEN 1 ELSE 0 END,
                created_at, created_at, created_at + INTERVAL '1 day', 1, s.score, 0, 0, false
            FROM (SELECT id, agent_id, created_at, round((40 + (id * 7919 % 6000) / 100.0)::numeric, 2)::float8 AS score
                  FROM interactions_interaction WHERE id % 20 = 0) AS s
        """)
        cursor.execute(f"""
            INSERT INTO reviews_reviewassignment (interaction_id, reviewer_id, assigned_by_id, status, created_at)
            SELECT id, (ARRAY[{reviewer_ids}])[1 + id % 10], {lead.pk}, 'open', now()
            FROM interactions_interaction WHERE id % 100 = 3
        """)
    connection.close()
    with psycopg.connect(f"{BASE_URL}/{name}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return round(time.perf_counter() - started, 1)


def _measure(repeat: int) -> dict[str, Any]:
    from django.test import Client

    from qadesk.accounts.models import Agent, Team, User
    from qadesk.accounts.services import api_token_create
    from qadesk.interactions.models import Interaction

    lead = User.objects.get(username="lead")
    page = Client()
    page.force_login(lead)
    _token, key = api_token_create(user=lead, name="bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    day = Interaction.objects.order_by("-created_at").values_list("created_at", flat=True).first()
    values = {
        "team": Team.objects.order_by("pk").first().pk,  # type: ignore[union-attr]
        "agent": Agent.objects.order_by("pk").first().pk,  # type: ignore[union-attr]
        "day": day.date().isoformat() if day else "2026-11-01",
    }
    timings: dict[str, Any] = {}
    for template in URLS:
        url = template.format(**values)
        client = api if url.startswith("/api/") else page
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - began)
        timings[template] = {"median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3)}
    load = Path("/proc/loadavg").read_text().split()[:3]
    return {"load_average": load, "python": platform.python_version(), "repeat": repeat, "timings": timings}


if __name__ == "__main__":
    main()
