"""Benchmark: answers submitted to the public survey endpoint under a bounded load, against the real server (`qadesk
serve`: gunicorn, PostgreSQL), with nothing lost.

    .venv/bin/python benchmarks/survey_answers.py [--invitations 12000] [--clients 8] [--workers 2] [--threads 4]
                                                  [--duration 20] [--port 8812] [--db-name NAME] [--keep]
                                                  [--new-connections]

Creates a throwaway PostgreSQL database (qadesk_bench_answers on 127.0.0.1:5432, user postgres; BENCH_PG_URL overrides
the server, --db-name the name) and data directory, migrates, installs the shipped survey templates and makes
--invitations sent personal invitations to the post-contact survey about as many interactions of 40 agents in 4 teams
(INSERT … SELECT). Then starts `qadesk serve --no-worker --workers W [--threads T]` (gunicorn: sync workers with
--threads 1, threaded workers that keep connections alive above) as a child that dies with this script, and measures:

- the reference, in the same run: a static file served by the same server (the cost of gunicorn, a connection and the
  load generator alone), --clients clients back to back for a third of --duration;
- the answers: --clients clients (one thread each, `http.client`, each keeping its connection while the server keeps
  it open — sync workers close every one, so http.client opens the next; --new-connections forces one per request)
  each take the next unused invitation and click a rating in its e-mail — GET /s/TOKEN/?q=csat&a=N, the one-click link
  that makes the response, records the answer (and the results' rollup changes, in the same transaction) and redirects to
  the next question — until --duration seconds have passed or the invitations run out.

Before both, --warmup seconds of static files and survey pages are not counted (each worker's first requests import
the app and connect to the database). An answer succeeds when the server redirects (302) to the next question; anything
else is an error. Afterwards the rows are counted: responses and CSAT answers in the database must equal the successful
answers (0 lost, 0 extra), and the survey results' rollup must agree with the answers (`survey_rollup_verify`:
concurrent writers lost no count), once the rollup changes the answers left pending are folded in (timed: what the
first reader of the results afterwards waits for).
Prints JSON: answers/s, median and p95 latency, errors, the rows, the reference's
requests/s and the ratio, load averages before and after, and where the CPU went during the answers, in ms per answer
(Linux /proc): this script (the clients), the gunicorn workers, the PostgreSQL backends of the benchmark's database,
and the whole machine (other people's work included; `machine_busy_share` 1.0 means both cores were busy throughout).
Goal (issue 8): ≥ 500 answers/s on a 2-core machine, 0 errors, 0 lost. Exit 1 on any error or loss.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from load import BIN, load_average, wait_until_up  # noqa: E402 (the server's start and the load average, shared)

from qadesk.core.lifeline import _set_pdeathsig  # noqa: E402

BASE_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
HOST = "127.0.0.1"
STATIC = "/static/css/qadesk.css"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invitations", type=int, default=12000, help="Invitations to answer (each once).")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (qadesk serve --workers).")
    parser.add_argument("--threads", type=int, default=4, help="Threads per worker (qadesk serve --threads; 1: sync).")
    parser.add_argument(
        "--new-connections",
        action="store_true",
        help="A new connection per request (as before), even when the server would keep it alive.",
    )
    parser.add_argument("--duration", type=float, default=20.0, help="Seconds of answering at most.")
    parser.add_argument("--warmup", type=float, default=10.0, help="Seconds of requests not counted first.")
    parser.add_argument("--port", type=int, default=8812)
    parser.add_argument("--db-name", default=os.environ.get("BENCH_DB_NAME", "qadesk_bench_answers"))
    parser.add_argument("--keep", action="store_true", help="Keep the database and data directory.")
    args = parser.parse_args()
    db = args.db_name
    data_dir = Path(tempfile.mkdtemp(prefix="qadesk-answers-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("QADESK_") and k != "DATABASE_URL"}
    env.update(QADESK_DATA_DIR=str(data_dir), DATABASE_URL=f"{BASE_URL}/{db}", DJANGO_SETTINGS_MODULE="qadesk.settings")
    _admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{db}"')
    report: dict[str, Any] = {"benchmark": "survey_answers", "machine": _machine(), "load_average_before": load_average()}
    server = None
    try:
        started = time.monotonic()
        _run(env, "migrate", "--no-input", "-v", "0")
        survey_id, tokens = _setup(env, args.invitations)
        report["setup_s"] = round(time.monotonic() - started, 1)
        log = (data_dir / "serve.log").open("wb")
        command = ["serve", "--host", HOST, "--port", str(args.port), "--workers", str(args.workers), "--no-worker"]
        command += ["--threads", str(args.threads)] if args.threads > 1 else []
        report["server"] = {"workers": args.workers, "threads": args.threads, "keep_alive": not args.new_connections}
        global KEEP_ALIVE
        KEEP_ALIVE = not args.new_connections
        server = subprocess.Popen(
            [str(BIN / "qadesk"), *command, "-v", "0"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: _set_pdeathsig(signal.SIGTERM),
        )
        wait_until_up(HOST, args.port, server)
        # Not counted: every worker's first requests import the app and open its database connection.
        _hammer(args.port, [STATIC] * 10**9, args.clients, args.warmup, ok=(200,))
        _hammer(args.port, [f"/s/{tokens.pop()}/" for _ in range(args.clients * 2)], args.clients, args.warmup, ok=(200,))
        report["reference_static"] = _hammer(args.port, [STATIC] * 10**9, args.clients, args.duration / 3, ok=(200,))
        paths = [f"/s/{token}/?q=csat&a={1 + i % 5}" for i, token in enumerate(tokens)]
        report["load_average_during"] = load_average()
        cpu = _CpuSplit(server.pid, db)
        answers = _hammer(args.port, paths, args.clients, args.duration, ok=(302,))
        report["answers"] = answers
        report["cpu_ms_per_answer"] = cpu.per_request(answers["succeeded"])
        report["load_average_after"] = load_average()
        report["rows"] = _rows(db, survey_id)
        report["rollup_differences"], report["fold_after_answers"] = _verify(env)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if not args.keep:
            _admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            shutil.rmtree(data_dir, ignore_errors=True)
    succeeded = report["answers"]["succeeded"]
    report["lost"] = succeeded - report["rows"]["csat_answers"]
    report["extra"] = report["rows"]["responses"] - succeeded
    reference = report["reference_static"]["per_second"]
    report["ratio_answers_to_static"] = round(report["answers"]["per_second"] / reference, 3) if reference else None
    report["goal_met"] = report["answers"]["per_second"] >= 500 and not report["answers"]["errors"] and not report["lost"]
    print(json.dumps(report, indent=2))
    if report["answers"]["errors"] or report["lost"] or report["extra"] or report["rollup_differences"]:
        sys.exit("errors, lost or extra answers, or a rollup that disagrees with them")


def _admin(sql: str) -> None:
    with psycopg.connect(f"{BASE_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _machine() -> dict[str, Any]:
    with psycopg.connect(f"{BASE_URL}/postgres") as conn:
        server = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    return {"cores": os.cpu_count(), "python": platform.python_version(), "postgresql": server}


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(BIN / "qadesk"), *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"qadesk {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


SETUP = """
import json, django
django.setup()
from django.db import connection
from qadesk.accounts.models import Agent, Site, Team
from qadesk.surveys.models import Survey
from qadesk.surveys.services import survey_templates_install

N = __N__
survey_templates_install()
survey = Survey.objects.get(kind="post_contact")
site = Site.objects.create(name="Milano")
teams = [Team.objects.create(name=f"Team {i}", site=site) for i in range(4)]
agents = [Agent.objects.create(username=f"agent{i:02d}", display_name=f"Agent {i:02d}", team=teams[i // 10], site=site)
          for i in range(40)]
ids = ",".join(str(a.pk) for a in agents)
team_ids = ",".join(str(a.team_id) for a in agents)
with connection.cursor() as cursor:
    cursor.execute(f'''
        INSERT INTO interactions_interaction (external_id, source, channel, language, subject, phase, status, created_at,
            abandoned, message_count, imported_at, agent_id, team_id, site_id, custom_fields, tags)
        SELECT 'A-' || i, 'bench', (ARRAY['phone','email','chat'])[1 + i % 3], 'en', '', 'evaluation', 'resolved',
            now() - INTERVAL '1 day', false, 2, now(), (ARRAY[{ids}])[1 + i % 40], (ARRAY[{team_ids}])[1 + i % 40],
            {site.pk}, '{{}}', '[]'
        FROM generate_series(1, {N}) AS i''')
    cursor.execute('''
        INSERT INTO surveys_surveyinvitation (survey_id, interaction_id, token, language, email, created_at, sent_at,
            expires_at, email_attempts, email_error)
        SELECT %s, id, md5(random()::text || id) || md5(id::text || random()::text), 'en', '', now(), now(),
            now() + INTERVAL '30 days', 1, ''
        FROM interactions_interaction WHERE source = 'bench' ORDER BY id''', [survey.pk])
    cursor.execute("SELECT token FROM surveys_surveyinvitation WHERE survey_id = %s ORDER BY id", [survey.pk])
    tokens = [row[0] for row in cursor.fetchall()]
from qadesk.surveys.rollup import survey_rollup_rebuild
survey_rollup_rebuild()  # the invitations were written in SQL, past the services that count them
print(json.dumps({"survey": survey.pk, "tokens": tokens}))
"""


def _setup(env: dict[str, str], n: int) -> tuple[int, list[str]]:
    code = SETUP.replace("__N__", str(n))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode:
        sys.exit(f"setup failed:\n{done.stderr}")
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return int(found["survey"]), list(found["tokens"])


KEEP_ALIVE = True
_local = threading.local()


def _get(port: int, path: str) -> int:
    """GET path; each client thread keeps its connection while the server keeps it open (gunicorn's sync workers close
    every one: http.client then opens the next; threaded workers keep it alive)."""
    conn = getattr(_local, "conn", None) if KEEP_ALIVE else None
    if conn is None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        _local.conn = conn
    try:
        conn.request("GET", path, headers={"Host": f"{HOST}:{port}"})
        response = conn.getresponse()
        response.read()
        return response.status
    except BaseException:
        conn.close()
        _local.conn = None
        raise
    finally:
        if not KEEP_ALIVE:
            conn.close()


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc), 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / CLOCK_TICKS, sum(values) / CLOCK_TICKS


def _backends(db: str) -> list[int]:
    """Process ids of the PostgreSQL backends connected to the benchmark's database (the server's connections)."""
    with psycopg.connect(f"{BASE_URL}/{db}", autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [db])
        return [int(row[0]) for row in rows.fetchall()]


class _CpuSplit:
    """CPU used during the answers by this script (the clients), the server's gunicorn workers and the PostgreSQL
    backends of the benchmark's database (their persistent connections), per successful answer, in ms; and how busy
    the whole machine was (other people's work included)."""

    def __init__(self, server_pid: int, db: str) -> None:
        self.workers = _children(server_pid)
        self.db = db
        self.backends = _backends(db)
        self.started = (
            time.process_time(),
            sum(map(_cpu_seconds, self.workers)),
            {pid: _cpu_seconds(pid) for pid in self.backends},
            _machine_busy(),
        )

    def per_request(self, n: int) -> dict[str, Any]:
        client, workers, backends, (busy, total) = self.started
        busy_now, total_now = _machine_busy()
        # Threads open their connections when they first need one: a backend that appeared meanwhile counts whole.
        backends_now = {pid: _cpu_seconds(pid) for pid in {*self.backends, *_backends(self.db)}}
        per = 1000 / max(n, 1)
        return {
            "client": round((time.process_time() - client) * per, 3),
            "server_workers": round((sum(map(_cpu_seconds, self.workers)) - workers) * per, 3),
            "postgresql_backends": round(sum(now - backends.get(pid, 0.0) for pid, now in backends_now.items() if now) * per, 3),
            "backends_seen": len(backends_now),
            "machine_busy_share": round((busy_now - busy) / max(total_now - total, 1e-9), 3),
            "machine_busy_ms": round((busy_now - busy) * per, 3),
        }


def _hammer(port: int, paths: list[str], clients: int, duration: float, *, ok: tuple[int, ...]) -> dict[str, Any]:
    """Clients take the next path until the paths run out or `duration` passes; every answer's latency and status."""
    lock = threading.Lock()
    cursor = iter(paths)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    end = time.monotonic() + duration

    def run() -> None:
        while time.monotonic() < end:
            with lock:
                path = next(cursor, None)
            if path is None:
                return
            began = time.monotonic()
            try:
                status = _get(port, path)
            except (OSError, http.client.HTTPException):
                status = 0
            took = time.monotonic() - began
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status in ok:
                    latencies.append(took)

    started = time.monotonic()
    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    done = sorted(latencies)
    return {
        "clients": clients,
        "seconds": round(elapsed, 2),
        "succeeded": len(done),
        "per_second": round(len(done) / elapsed, 1),
        "median_ms": round(statistics.median(done) * 1000, 1) if done else None,
        "p95_ms": round(done[min(len(done) - 1, int(0.95 * len(done)))] * 1000, 1) if done else None,
        "errors": sum(n for status, n in statuses.items() if status not in ok),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def _rows(db: str, survey_id: int) -> dict[str, int]:
    with psycopg.connect(f"{BASE_URL}/{db}") as conn:
        responses = conn.execute("SELECT count(*) FROM surveys_surveyresponse WHERE survey_id = %s", [survey_id]).fetchone()
        answers = conn.execute(
            "SELECT count(*) FROM surveys_surveyanswer a JOIN surveys_question q ON q.id = a.question_id "
            "WHERE q.code = 'csat' AND a.value IS NOT NULL"
        ).fetchone()
    return {"responses": int(responses[0]), "csat_answers": int(answers[0])}  # type: ignore[index]


def _verify(env: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """The rollup's differences from the answers, after the pending changes the answers left are folded in (timed, as
    the first reader afterwards would fold them; 0 when the rollup is written at once)."""
    code = (
        "import json, time, django; django.setup()\n"
        "from qadesk.surveys import rollup\n"
        "started = time.perf_counter()\n"
        "folded = rollup.survey_rollup_fold() if hasattr(rollup, 'survey_rollup_fold') else 0\n"
        "took = time.perf_counter() - started\n"
        "differences = rollup.survey_rollup_verify()\n"
        "print(json.dumps([len(differences), {'pending_changes': folded, 'ms': round(took * 1000, 1)}]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=ROOT)
    differences, fold = json.loads(done.stdout.strip().splitlines()[-1])
    return int(differences), fold


if __name__ == "__main__":
    main()
