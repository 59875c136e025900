"""`qadesk serve` starts the background worker beside gunicorn and stops it when it stops (gunicorn itself is faked)."""

import logging
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

    def start_worker(*, quiet: bool = False) -> subprocess.Popen[bytes]:
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


def test_it_says_only_the_url_at_verbosity_0_as_make_run_serves(
    fake_gunicorn: list[subprocess.Popen[bytes]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argvs: list[list[str]] = []
    monkeypatch.setattr(serve.GunicornApp, "run", lambda self: (argvs.append(self.argv), sys.exit(0)))
    with pytest.raises(SystemExit):
        cli.main(["serve", "--port", "8765", "--no-worker", "-v", "0"])
    assert capsys.readouterr().out.strip() == "qadesk is serving on http://127.0.0.1:8765/"
    assert argvs[0][-2:] == ["--log-level", "warning"] and "--access-logfile" in argvs[0]  # the access log stays
    assert serve.WorkerSupervisor(quiet=True).quiet


def test_a_quiet_worker_keeps_the_job_queues_warnings_and_drops_its_chatter() -> None:
    from qadesk.core.management.commands import worker

    loggers = [logging.getLogger(name) for name in worker.JOB_LOGGERS]
    before = [list(lg.filters) for lg in loggers]
    worker._only_warnings()
    try:
        for lg in loggers:
            info = lg.makeRecord(lg.name, logging.INFO, __file__, 1, "Task id=1 state=RUNNING", (), None)
            failed = lg.makeRecord(lg.name, logging.ERROR, __file__, 1, "Task id=1 failed", (), None)
            assert not lg.filter(info) and lg.filter(failed)
    finally:
        for lg, filters in zip(loggers, before, strict=True):
            lg.filters[:] = filters


def test_threads_run_gunicorns_threaded_workers(
    fake_gunicorn: list[subprocess.Popen[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    argvs: list[list[str]] = []
    monkeypatch.setattr(serve.GunicornApp, "run", lambda self: (argvs.append(self.argv), sys.exit(0)))
    for extra in ([], ["--threads", "4"]):
        with pytest.raises(SystemExit):
            cli.main(["serve", "--port", "8765", "--no-worker", "-v", "0", *extra])
    default, threaded = (serve.GunicornApp(argv).cfg for argv in argvs)
    assert (default.threads, default.worker_class.__name__) == (1, "SyncWorker")  # a connection per request
    assert (threaded.threads, threaded.worker_class.__name__) == (4, "ThreadWorker")  # keep-alive, 4 requests at once
    assert threaded.workers == default.workers == 2
