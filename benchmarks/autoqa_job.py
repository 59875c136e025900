"""Benchmark: the automatic-QA job (`qadesk autoqa run`, the worker's `run_autoqa` task) over --n interactions of 8
messages on PostgreSQL — throughput and the job process's memory while it runs (issue 11: "flat memory").

    .venv/bin/python benchmarks/autoqa_job.py [--n 100000] [--keep] [--reuse] [--db-name NAME] [--reference 3000]

Creates a throwaway database (qadesk_bench_autoqa_job on 127.0.0.1:5432, user postgres; override the server with
BENCH_PG_URL and the name with --db-name or BENCH_DB_NAME), migrates it, fills it with INSERT … SELECT generate_series:
40 agents, --n interactions (it, fr, en in turn) of 8 public messages each (4 customer, 4 agent), whose texts are the
hand-written sentences of benchmarks/autoqa_detectors.py drawn at random (seeded), so the detectors have real work;
with --unknown-words the last agent message of each also ends with a word of its own that no dictionary knows.
Then runs the job the way the worker does — a JobRun row and the `run_autoqa` task called on it (autoqa_run: batches
of due interactions in id order, detectors, upserts) — while a thread samples the process's resident memory (VmRSS)
and the job's progress (its JobRun row) about once a second. Prints JSON: interactions/s and results written/s (wall
clock), the job's CPU seconds, RSS at start / peak / end and after 10 %, 50 % and 90 % of the work, and the throughput
of each tenth of the run; and, measured in the same run, the reference: the bare detectors (autoqa_detectors'
`time_detectors`, CPU time, no database) on --reference of the same conversations read back from the database.
--reuse keeps a kept database's interactions and deletes its results and checks, so the job has all the work again.
The database is dropped afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
from bench_pg import BASE_URL, database_exists, drop_database, machine, recreate_database

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = os.environ.get("BENCH_DB_NAME", "qadesk_bench_autoqa_job")
AGENTS = 40
LANGUAGES = ("it", "fr", "en")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="Interactions to create.")
    parser.add_argument("--reference", type=int, default=3000, help="Conversations the bare detectors are timed on.")
    parser.add_argument(
        "--unknown-words",
        action="store_true",
        help="End each interaction's last agent message with a word no dictionary knows, a different one each time.",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--reuse", action="store_true", help="Reuse a kept database instead of filling a new one.")
    parser.add_argument("--db-name", default=DB_NAME, help="Database to create (default qadesk_bench_autoqa_job).")
    args = parser.parse_args()
    globals()["DB_NAME"] = args.db_name

    reuse = args.reuse and database_exists(DB_NAME)
    if not reuse:
        recreate_database(DB_NAME)
    os.environ["DATABASE_URL"] = f"{BASE_URL}/{DB_NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qadesk.settings")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import django

    django.setup()
    from django.conf import settings

    result: dict[str, Any] = {"machine": machine(), "debug": settings.DEBUG, "load_average_before": os.getloadavg()}
    try:
        if reuse:
            _forget_results()
        else:
            result["fill_seconds"] = _fill(args.n, unknown_words=args.unknown_words)
        result["job"] = _run_job()
        result["reference"] = _reference(args.reference)
        job_cpu_per_interaction = result["job"]["cpu_seconds"] / max(result["job"]["checked"], 1)
        result["job_cpu_vs_bare_detectors"] = round(job_cpu_per_interaction * result["reference"]["conversations_per_s"], 2)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(DB_NAME)
    result["load_average_after"] = os.getloadavg()
    print(json.dumps(result, indent=2))


def _fill(n: int, *, unknown_words: bool = False) -> float:
    """Agents through the ORM (small); interactions and their messages with INSERT … SELECT."""
    from autoqa_detectors import SENTENCES
    from django.core.management import call_command
    from django.db import connection

    from qadesk.accounts.models import Agent, Site, Team

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    site = Site.objects.create(name="Milano")
    team = Team.objects.create(name="Team 1", site=site)
    names = ("Giulia Rossi", "Claire Dubois", "Emma Smith")
    agents = [
        Agent.objects.create(username=f"agent{i:02d}", display_name=names[i % 3], team=team, site=site) for i in range(AGENTS)
    ]
    agent_ids = ",".join(str(a.pk) for a in agents)
    sentences = [
        (LANGUAGES.index(lang), role, k, text)
        for lang, roles in SENTENCES.items()
        for role, texts in roles.items()
        for k, text in enumerate(texts)
    ]
    choices = len(SENTENCES["it"]["customer"])
    # A word of consonants spelling the interaction's id ("bbbbbbbc"): unknown to every dictionary, as the names, codes
    # and typos of real transcripts are, so the spelling detector meets a new unknown word in every interaction.
    tail = " || ' ' || translate(lpad(x.id::text, 8, '0'), '0123456789', 'bcdfghlmnp')" if unknown_words else ""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_sentence (lang int, role text, k int, body text)")
        cursor.executemany("INSERT INTO bench_sentence VALUES (%s, %s, %s, %s)", sentences)
        cursor.execute("SELECT setseed(0.11)")
        cursor.execute(f"""
            INSERT INTO interactions_interaction (external_id, source, channel, language, subject, phase, status, created_at,
                abandoned, message_count, imported_at, agent_id, team_id, site_id, custom_fields, tags)
            SELECT 'J-' || i, 'bench', 'chat', (ARRAY['it','fr','en'])[1 + i % 3], '', '', 'resolved',
                TIMESTAMPTZ '2026-09-01 08:00+01' + (i % 90) * INTERVAL '1 day' + (i * 37 % 36000) * INTERVAL '1 second',
                false, 8, now(), (ARRAY[{agent_ids}])[1 + i % {AGENTS}], {team.pk}, {site.pk}, '{{}}', '[]'
            FROM generate_series(1, {n}) AS i
        """)
        cursor.execute(f"""
            INSERT INTO interactions_message (interaction_id, position, author_role, sent_at, body, body_format, is_public,
                language, event_name, event_parameters)
            SELECT x.id, x.j, x.role, x.created_at + x.j * INTERVAL '50 seconds',
                CASE WHEN x.j = 7 THEN s.body{tail} ELSE s.body END, 'text', true, '', '', '{{}}'
            FROM (SELECT i.id, i.created_at, g.j, CASE WHEN g.j % 2 = 0 THEN 'customer' ELSE 'agent' END AS role,
                         array_position(ARRAY['it','fr','en'], i.language::text) - 1 AS lang,
                         floor(random() * {choices})::int AS k
                  FROM interactions_interaction i CROSS JOIN generate_series(0, 7) AS g(j)) AS x
            JOIN bench_sentence s ON s.lang = x.lang AND s.role = x.role AND s.k = x.k
        """)
    connection.close()
    with psycopg.connect(f"{BASE_URL}/{DB_NAME}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return round(time.perf_counter() - started, 1)


def _forget_results() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE autoqa_autoresult, autoqa_autocheck")
        cursor.execute("DELETE FROM core_jobrun")
    connection.close()


def _rss_kb(field: str = "VmRSS") -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class Sampler(threading.Thread):
    """Every `every` seconds: (elapsed, VmRSS kB, interactions checked so far), the last read from the JobRun row
    with this thread's own database connection."""

    def __init__(self, job_id: int, every: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.job_id, self.every = job_id, every
        self.samples: list[tuple[float, int, int]] = []
        self.stopped = threading.Event()
        self.started_at = time.perf_counter()

    def run(self) -> None:
        from django.db import connection

        from qadesk.core.models import JobRun

        try:
            while not self.stopped.wait(self.every):
                counts = JobRun.objects.filter(pk=self.job_id).values_list("counts", flat=True).first() or {}
                self.samples.append((time.perf_counter() - self.started_at, _rss_kb(), int(counts.get("checked", 0))))
        finally:
            connection.close()


def _run_job() -> dict[str, Any]:
    from qadesk.autoqa.models import AutoResult
    from qadesk.autoqa.services import JOB_KIND
    from qadesk.autoqa.tasks import run_autoqa
    from qadesk.core.models import JobRun

    job = JobRun.objects.create(kind=JOB_KIND, params={"trigger": "benchmark"})
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM: the peak measured is the job's
    rss_start = _rss_kb()
    sampler = Sampler(job.pk)
    cpu, wall = time.process_time(), time.perf_counter()
    sampler.start()
    checked = run_autoqa.call(job.pk)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    sampler.stopped.set()
    sampler.join()
    rss_end, peak = _rss_kb(), _rss_kb("VmHWM")
    job.refresh_from_db()
    results = AutoResult.objects.count()
    samples = sampler.samples
    due = int(job.counts.get("due", 0))
    return {
        "status": job.status,
        "due": due,
        "checked": checked,
        "results_written": results,
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1),
        "interactions_per_s": round(checked / wall),
        "results_per_s": round(results / wall),
        "interactions_per_cpu_s": round(checked / cpu),
        "rss_mb": {
            "start": _mb(rss_start),
            **{f"after_{p}pct": _mb(_rss_at(samples, due * p // 100)) for p in (10, 50, 90)},
            "peak_sampled": _mb(max((s[1] for s in samples), default=rss_start)),
            "peak_vmhwm": _mb(peak),
            "end": _mb(rss_end),
        },
        "interactions_per_s_by_tenth": _by_tenth(samples, due),
        "samples": len(samples),
    }


def _mb(kb: int) -> float:
    return round(kb / 1024, 1)


def _rss_at(samples: list[tuple[float, int, int]], checked: int) -> int:
    """RSS of the first sample taken with at least `checked` interactions done."""
    return next((rss for _t, rss, done in samples if done >= checked), samples[-1][1] if samples else 0)


def _by_tenth(samples: list[tuple[float, int, int]], due: int) -> list[int]:
    """Interactions per second within each tenth of the work (from the samples around its edges)."""
    rates, previous = [], (0.0, 0)
    for tenth in range(1, 11):
        edge = next(((t, done) for t, _rss, done in samples if done >= due * tenth // 10), None)
        if edge is None or edge[0] <= previous[0]:
            continue
        rates.append(round((edge[1] - previous[1]) / (edge[0] - previous[0])))
        previous = edge
    return rates


def _reference(n: int) -> dict[str, Any]:
    """The bare detectors (no database, CPU time) on the first n conversations, read back from the database first."""
    from autoqa_detectors import time_detectors

    from qadesk.interactions.models import Interaction
    from qadesk.interactions.selectors import interaction_transcripts

    heads = list(Interaction.objects.order_by("pk").values_list("pk", "language")[:n])
    transcripts = interaction_transcripts(interaction_ids=[pk for pk, _lang in heads])
    data = [(lang, [(r["id"], r["author_role"], r["body"], r["sent_at"]) for r in transcripts[pk]]) for pk, lang in heads]
    time_detectors(data[:300])  # warm-up, as autoqa_detectors does
    seconds = sorted(time_detectors(data) for _ in range(3))[1]
    return {"conversations": len(data), "conversations_per_s": round(len(data) / seconds), "clock": "process CPU time"}


if __name__ == "__main__":
    main()
