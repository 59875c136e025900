"""Benchmark: list pages and API lists under load, served by the real `qadesk serve` (gunicorn, 2 workers).

    .venv/bin/python benchmarks/load.py [--db sqlite|postgres] [--duration 12] [--clients 8] [--interactions 20000]
                                        [--port 8811] [--only NAME,…] [--keep] [--reuse]

Sets up its own data directory (a temporary one; with --keep/--reuse: data/bench-load-<db> in the repository) and
database (the SQLite file in it, or qadesk_bench_load on 127.0.0.1:5432, user postgres; BENCH_PG_URL overrides the
server), migrates, loads the demo (`qadesk demo`, 20,000 interactions and 400 reviews by default), then starts
`qadesk serve` with its defaults (2 gunicorn workers and the background worker) as a child that dies with this
script (PR_SET_PDEATHSIG), logs in --clients clients as the QA lead (each its own session through the login form, and
its own API token) and, endpoint after endpoint, first lets one client request it --alone times by itself (the
server's time for one answer when nobody else waits), then all clients back to back for --duration seconds (after
one warm-up second that is not counted).

The load generator shares the machine's cores with the server: one thread per client with `http.client` (gunicorn's
sync workers close each connection, so every request opens a new one, as a browser behind no proxy would).

Prints JSON: per endpoint responses/s, median and p95 latency (ms), errors (any status but 200, or no answer), and
the ratio of the endpoint's throughput to the references measured in the same run: a static file (whitenoise: the
cost of gunicorn and the load generator alone) and the login page (Django's middleware and a small template).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from qadesk.core.lifeline import _set_pdeathsig  # noqa: E402 (after the path is set; stdlib only, no Django)

BIN = Path(sys.executable).parent
BASE_PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DB = "qadesk_bench_load"
USERNAME = "qa"  # the demo's QA lead: sees every interaction, gets the assignment controls (the heaviest lists)
PASSWORD = "demo"  # noqa: S105 - the demo's published password

REFERENCES = {"static": "/static/css/qadesk.css", "login": "/login/"}
PAGES = {
    "interactions": "/interactions/",
    "reviews": "/reviews/",
    "queue": "/reviews/queue/",
    "disputes": "/disputes/",
    "sampling": "/sampling/",
    "calibration": "/calibration/",
    "notifications": "/notifications/",
}
API = {
    "api_interactions": "/api/v1/interactions",
    "api_reviews": "/api/v1/reviews",
    "api_assignments": "/api/v1/reviews/assignments",
    "api_disputes": "/api/v1/disputes",
    "api_calibration": "/api/v1/calibration/sessions",
    "api_sampling_plans": "/api/v1/sampling/plans",
    "api_notifications": "/api/v1/notifications",
}


@dataclass
class Client:
    """One simulated user: a session cookie for pages, an API token for the API."""

    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""

    def __post_init__(self) -> None:
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(self, method: str, path: str, body: str | None = None, *, api: bool = False) -> tuple[int, bytes]:
        headers = {"Host": f"{self.host}:{self.port}"}
        if api:
            headers["Authorization"] = f"Bearer {self.token}"
        elif self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}/login/"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # the next request opens a new connection
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _sep, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, data

    def login(self) -> None:
        status, page = self.request("GET", "/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or match is None:
            raise RuntimeError(f"login page answered {status}")
        form = urlencode({"csrfmiddlewaretoken": match.group(1).decode(), "username": USERNAME, "password": PASSWORD})
        status, _body = self.request("POST", "/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login answered {status}")


def hammer(clients: list[Client], path: str, *, api: bool, duration: float, warmup: float) -> dict[str, Any]:
    """All clients request `path` back to back; latencies of the answers that started after the warm-up."""
    start = time.monotonic()
    counted_from, end = start + warmup, start + warmup + duration
    latencies: list[list[float]] = [[] for _ in clients]
    errors = [0] * len(clients)
    statuses: dict[int, int] = {}

    def run(i: int, client: Client) -> None:
        while True:
            began = time.monotonic()
            if began >= end:
                return
            try:
                status, _body = client.request("GET", path, api=api)
            except (OSError, http.client.HTTPException):
                status = 0
            if began < counted_from:
                continue
            if status == 200:
                latencies[i].append(time.monotonic() - began)
            else:
                errors[i] += 1
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - counted_from
    done = sorted(x for per in latencies for x in per)
    result: dict[str, Any] = {
        "path": path,
        "responses": len(done),
        "per_second": round(len(done) / elapsed, 1),
        "median_ms": round(statistics.median(done) * 1000, 1) if done else None,
        "p95_ms": round(done[min(len(done) - 1, int(0.95 * len(done)))] * 1000, 1) if done else None,
        "errors": sum(errors),
    }
    if statuses:
        result["error_statuses"] = {str(k): v for k, v in statuses.items()}
    return result


def one_client(client: Client, path: str, *, api: bool, n: int) -> dict[str, Any]:
    """One client alone, request after request: the time the server takes for one answer when nobody else waits."""
    times = []
    for _ in range(n):
        began = time.monotonic()
        status, _body = client.request("GET", path, api=api)
        if status == 200:
            times.append(time.monotonic() - began)
    return {"alone_median_ms": round(statistics.median(times) * 1000, 1) if times else None}


def run_cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(BIN / "qadesk"), *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"qadesk {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def make_tokens(env: dict[str, str], n: int) -> list[str]:
    """n API tokens of the QA lead, through the service that the account page uses."""
    code = (
        "import json, django; django.setup()\n"
        "from qadesk.accounts.models import User\n"
        "from qadesk.accounts.services import api_token_create\n"
        f"user = User.objects.get(username={USERNAME!r})\n"
        f"print(json.dumps([api_token_create(user=user, name=f'load {{i}}')[1] for i in range({n})]))\n"
    )
    env = {**env, "DJANGO_SETTINGS_MODULE": "qadesk.settings"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=ROOT)
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{BASE_PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def pg_exists() -> bool:
    import psycopg

    with psycopg.connect(f"{BASE_PG_URL}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PG_DB,)).fetchone() is not None


def wait_until_up(host: str, port: int, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("qadesk serve stopped before answering")
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("qadesk serve did not answer in time")


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--duration", type=float, default=12.0, help="Seconds counted per endpoint (default 12).")
    parser.add_argument("--warmup", type=float, default=1.0, help="Seconds not counted before each endpoint.")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--alone", type=int, default=10, help="Requests by one client alone first (default 10).")
    parser.add_argument("--interactions", type=int, default=20_000)
    parser.add_argument("--reviews", type=int, default=400)
    parser.add_argument("--port", type=int, default=8811)
    parser.add_argument("--only", default="", help="Comma-separated endpoint names (the references always run).")
    parser.add_argument("--keep", action="store_true", help="Keep the data directory and database.")
    parser.add_argument("--reuse", action="store_true", help="Reuse the kept data directory and database.")
    args = parser.parse_args()
    host = "127.0.0.1"

    kept = ROOT / "data" / f"bench-load-{args.db}"
    data_dir = kept if (args.keep or args.reuse) else Path(tempfile.mkdtemp(prefix="qadesk-load-"))
    reuse = args.reuse and (data_dir / "loaded").exists() and (args.db == "sqlite" or pg_exists())
    if not reuse:
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("QADESK_") and k != "DATABASE_URL"}
    env["QADESK_DATA_DIR"] = str(data_dir)
    if args.db == "postgres":
        env["DATABASE_URL"] = f"{BASE_PG_URL}/{PG_DB}"
        if not reuse:
            pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            pg(f"CREATE DATABASE {PG_DB}")

    setup_started = time.monotonic()
    run_cli(env, "migrate", "--no-input", "-v", "0")
    if not reuse:
        run_cli(env, "demo", "--interactions", str(args.interactions), "--reviews", str(args.reviews))
        (data_dir / "loaded").write_text("")
    tokens = make_tokens(env, args.clients)
    setup_seconds = time.monotonic() - setup_started

    log = (data_dir / "serve.log").open("wb")
    server = subprocess.Popen(
        [str(BIN / "qadesk"), "serve", "--host", host, "--port", str(args.port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=lambda: _set_pdeathsig(signal.SIGTERM),
    )
    try:
        wait_until_up(host, args.port, server)
        clients = [Client(host, args.port, token=token) for token in tokens]
        for client in clients:
            client.login()
        wanted = {name for name in args.only.split(",") if name}
        results: dict[str, Any] = {}
        loads: list[list[float]] = [load_average()]
        for group, endpoints, api in (("reference", REFERENCES, False), ("page", PAGES, False), ("api", API, True)):
            for name, path in endpoints.items():
                if wanted and group != "reference" and name not in wanted:
                    continue
                alone = one_client(clients[0], path, api=api, n=args.alone)
                result = {**hammer(clients, path, api=api, duration=args.duration, warmup=args.warmup), **alone}
                results[name] = {"kind": group, **result}
                print(
                    f"{name:20} {result['per_second']:7.1f}/s  median {result['median_ms']} ms  p95 {result['p95_ms']} ms"
                    f"  errors {result['errors']}",
                    file=sys.stderr,
                )
            loads.append(load_average())
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        if args.db == "postgres" and not (args.keep or args.reuse):
            pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        if not (args.keep or args.reuse):
            shutil.rmtree(data_dir, ignore_errors=True)

    static, login = results["static"]["per_second"], results["login"]["per_second"]
    for result in results.values():
        result["ratio_to_static"] = round(result["per_second"] / static, 3) if static else None
        result["ratio_to_login"] = round(result["per_second"] / login, 3) if login else None
    report = {
        "benchmark": "load",
        "db": args.db,
        "clients": args.clients,
        "duration_s": args.duration,
        "interactions": args.interactions,
        "reviews": args.reviews,
        "setup_s": round(setup_seconds, 1),
        "load_average_1_5_15": loads,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "endpoints": results,
    }
    print(json.dumps(report, indent=2))
    # An endpoint fails when it answered an error, or never answered 200 to the client alone (a slow one may complete
    # no request inside a very short --duration, as in `make bench-smoke`: that is not a failure).
    failed = [name for name, result in results.items() if result["errors"] or result["alone_median_ms"] is None]
    if failed:
        sys.exit(f"errors or no answer: {', '.join(failed)}")


if __name__ == "__main__":
    main()
