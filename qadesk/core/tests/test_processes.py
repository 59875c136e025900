"""Real `qadesk serve` and `qadesk worker` processes (SQLite database of their own, database job backend):
the worker dies with its server however the server dies, a dead worker is started again, a job of a killed worker is
queued again and finishes, SIGTERM lets a running job finish, and nothing is written to the home directory."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from qadesk.core.tests.processes import (
    QADESK,
    ROOT,
    alive,
    enqueue_slow_job,
    environment,
    free_port,
    query,
    run_qadesk,
    wait_for,
    worker_children,
)
from qadesk.testing.databases import MigratedDatabase

# How long a condition may take before the test fails: generous, since a test waits only until the condition holds (on a
# machine shared by many runs, load 15 on 2 cores, a killed server's worker took more than 10 s to be seen gone).
WAIT = 90

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads processes from /proc (Linux)")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory, migrated_database: MigratedDatabase) -> Path:
    """A migrated SQLite database, made once and copied for each test: on the SQLite run, the copy of the test database
    the root conftest kept as migrated (saves a `qadesk migrate` process, ~20 s of CPU); else migrated here."""
    data = tmp_path_factory.mktemp("template")
    if migrated_database.sqlite:
        shutil.copyfile(migrated_database.sqlite, data / "qadesk.sqlite3")
        (data / "qadesk.sqlite3").chmod(0o600)
    else:
        run_qadesk("migrate", "--no-input", env=environment(data, tmp_path_factory.mktemp("home")))
    return data


@pytest.fixture
def data_dir(migrated: Path, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(migrated, data)
    return data


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


class Serve:
    """`qadesk serve` running on a free port, its output in a file."""

    def __init__(self, data_dir: Path, home: Path, **env: str) -> None:
        self.port = free_port()
        self.env = environment(data_dir, home, **env)
        self.log = (data_dir.parent / "serve.log").open("wb")
        args = ["serve", "--port", str(self.port), "--workers", "1", "--worker-restart-delay", "0.2"]
        self.process = subprocess.Popen([*QADESK, *args], env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)

    def up(self) -> int:
        """Wait until it answers and its worker runs; returns the worker's pid."""
        wait_for(self._answers, 60, "serve to answer")
        return int(wait_for(lambda: worker_children(self.process.pid), WAIT, "the worker")[0])

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/login/", timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture
def serve(data_dir: Path, home: Path) -> Iterator[Serve]:
    started: list[Serve] = []

    def start(**env: str) -> Serve:
        started.append(Serve(data_dir, home, **env))
        return started[-1]

    yield start  # type: ignore[misc]
    for server in started:
        pids = worker_children(server.process.pid)
        server.close()
        for pid in pids:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_the_worker_dies_with_a_killed_server_and_is_restarted_while_it_runs(serve, data_dir: Path, home: Path) -> None:
    server = serve()
    worker = server.up()
    run = data_dir / "run"  # gunicorn's run-time files, not in the home directory every instance on the host shares
    # gunicorn's arbiter makes its control socket in its own time, maybe after the worker is up: wait for it.
    wait_for(lambda: (run / "gunicorn.ctl").is_socket(), WAIT, "gunicorn's control socket in DATA_DIR/run")
    assert stat.S_IMODE(run.stat().st_mode) == 0o700
    os.kill(worker, signal.SIGKILL)
    restarted = wait_for(lambda: [p for p in worker_children(server.process.pid) if p != worker], WAIT, "a new worker")[0]
    assert "starting it again in 0.2 s" in server.output()
    server.process.kill()  # like a supervisor's SIGKILL, or a terminal closing after SIGTERM
    server.process.wait()
    wait_for(lambda: not alive(restarted), WAIT, "the worker to stop with its server")
    assert list(home.iterdir()) == []


def test_a_job_of_a_killed_worker_is_queued_again_and_finishes(serve, data_dir: Path) -> None:
    server = serve(QADESK_WORKER_LEASE_SECONDS="2", QADESK_WORKER_HEARTBEAT_SECONDS="1")
    worker = server.up()
    job = enqueue_slow_job(server.env, seconds=600, max_attempts=2)
    database = data_dir / "qadesk.sqlite3"
    wait_for(lambda: query(database, "SELECT status FROM core_jobrun WHERE id = ?", job) == [("running",)], WAIT, "the job")
    os.kill(worker, signal.SIGKILL)
    wait_for(lambda: [p for p in worker_children(server.process.pid) if p != worker], WAIT, "a new worker")
    # Once the dead worker's lease has run out, the scheduler's tick (here from cron) queues its job again.
    wait_for(lambda: (run_qadesk("scheduler", "--once", env=server.env), _reclaimed(database, job))[1], WAIT, "the reclaim")
    wait_for(lambda: query(database, "SELECT status FROM core_jobrun WHERE id = ?", job) == [("succeeded",)], WAIT, "the retry")
    [(log, attempts)] = query(database, "SELECT log, attempts FROM core_jobrun WHERE id = ?", job)
    assert "The worker running this job stopped (last seen" in log and "Queued again (attempt 2 of 2)." in log
    assert log.endswith("slept on attempt 2") and attempts == 2
    # The task queue's own record of the first attempt says why it failed.
    failed = query(database, "SELECT exception_class_path FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED'")
    assert failed == [("qadesk.core.services.WorkerLost",)]


def _reclaimed(database: Path, job: int) -> bool:
    return query(database, "SELECT attempts FROM core_jobrun WHERE id = ?", job) == [(2,)]


def test_sigterm_lets_the_running_job_finish(serve, data_dir: Path) -> None:
    server = serve()
    server.up()
    job = enqueue_slow_job(server.env, seconds=3)
    database = data_dir / "qadesk.sqlite3"
    wait_for(lambda: query(database, "SELECT status FROM core_jobrun WHERE id = ?", job) == [("running",)], WAIT, "the job")
    server.process.terminate()
    assert server.process.wait(timeout=40) == 0
    assert query(database, "SELECT status, log FROM core_jobrun WHERE id = ?", job) == [("succeeded", "slept on attempt 1")]


def test_a_child_without_the_kernel_signal_still_stops_when_its_parent_dies(tmp_path: Path) -> None:
    """The portable watchdog alone (as where prctl does not exist): the parent is killed, the child stops."""
    child = textwrap.dedent(
        """
        import os, sys, time
        from qadesk.core import lifeline
        lifeline._set_pdeathsig = lambda sig: False
        lifeline.die_with_parent(int(sys.argv[1]), poll=0.1)
        print(os.getpid(), flush=True)
        time.sleep(60)
        """
    )
    parent = textwrap.dedent(
        f"""
        import os, subprocess, sys, time
        subprocess.Popen([sys.executable, "-c", {child!r}, str(os.getpid())], start_new_session=True)
        time.sleep(60)
        """
    )
    pid_file = tmp_path / "child.pid"
    with pid_file.open("w") as out:
        process = subprocess.Popen([sys.executable, "-c", parent], cwd=ROOT, stdout=out)
    pid = int(wait_for(lambda: pid_file.read_text().strip(), WAIT, "the child"))
    assert alive(pid)
    process.kill()
    process.wait()
    wait_for(lambda: not alive(pid), WAIT, "the child to stop")
