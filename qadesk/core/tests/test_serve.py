"""`qadesk serve` starts the background worker beside gunicorn and stops it when it stops (gunicorn itself is faked)."""

import signal
import subprocess
import sys

import pytest

from qadesk import cli
from qadesk.core.management.commands import serve

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_it_lists_no_worker_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["serve", "--help"])
    out = capsys.readouterr().out
    assert "--no-worker" in out and "background job worker" in out


@pytest.fixture
def fake_gunicorn(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    """gunicorn's run() records the worker processes alive while it serves, then stops like gunicorn on SIGTERM."""
    seen: list[subprocess.Popen[bytes]] = []
    started = serve.start_worker

    def start_worker() -> subprocess.Popen[bytes]:
        seen.append(started())
        return seen[-1]

    def run(self: serve.GunicornApp) -> None:
        assert self.argv[:4] == ["qadesk", "qadesk.wsgi:application", "--bind", "127.0.0.1:8765"]
        assert all(worker.poll() is None for worker in seen)  # the worker runs while gunicorn serves
        raise SystemExit(0)

    monkeypatch.setattr(serve, "WORKER_COMMAND", SLEEPER)
    monkeypatch.setattr(serve, "start_worker", start_worker)
    monkeypatch.setattr(serve.GunicornApp, "run", run)
    monkeypatch.setattr(serve, "call_command", lambda *args, **kwargs: None)  # no collectstatic
    return seen


def test_it_starts_the_worker_and_stops_it_with_the_server(fake_gunicorn: list[subprocess.Popen[bytes]]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["serve", "--port", "8765"])
    [worker] = fake_gunicorn
    assert worker.args == SLEEPER and worker.returncode == -signal.SIGTERM


def test_it_starts_no_worker_when_told_not_to(fake_gunicorn: list[subprocess.Popen[bytes]]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["serve", "--port", "8765", "--no-worker"])
    assert fake_gunicorn == []


def test_the_worker_it_starts_runs_jobs_and_the_scheduler() -> None:
    assert serve.WORKER_COMMAND[1:] == ["-m", "qadesk.cli", "worker", "--scheduler"]
