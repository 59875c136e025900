"""`make test` runs every test: a missing Chromium is installed (root, Debian) or stops make with the command to run;
only an explicit QADESK_SKIP_BROWSER=1 leaves the browser tests out, and says so. The conftest's browser fixture fails
rather than skips without Chromium.

Chromium is not uninstalled here: the checks point CHROMIUM at a path that does not exist, and QADESK_NO_INSTALL=1
makes the check answer as it would for a user who cannot install packages."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

MAKE = shutil.which("make") or "make"
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in {"QADESK_SKIP_BROWSER", "CHROMIUM", "MAKEFLAGS", "MFLAGS"}}
    return subprocess.run([MAKE, "-s", "-C", str(ROOT), *args], env={**environ, **env}, capture_output=True, text=True)


def test_it_stops_with_the_command_to_run_when_chromium_is_missing() -> None:
    done = make("test-prerequisites", "CHROMIUM=/nonexistent/chromium", QADESK_NO_INSTALL="1")
    assert done.returncode != 0
    assert "no Chromium" not in done.stdout  # the message is on stderr
    assert "there is none at /nonexistent/chromium" in done.stderr
    assert "apt-get install -y chromium chromium-driver" in done.stderr
    assert "make test QADESK_SKIP_BROWSER=1" in done.stderr


def test_make_test_does_not_reach_pytest_when_chromium_is_missing() -> None:
    done = make("-o", "install", "test", "CHROMIUM=/nonexistent/chromium", QADESK_NO_INSTALL="1")  # no pip run
    assert done.returncode != 0 and "there is none at /nonexistent/chromium" in done.stderr
    assert "passed" not in done.stdout and "collected" not in done.stdout


def test_it_goes_on_when_chromium_is_there() -> None:
    assert make("test-prerequisites", f"CHROMIUM={sys.executable}", QADESK_NO_INSTALL="1").returncode == 0


def test_the_opt_out_leaves_out_only_the_browser_tests_and_says_so() -> None:
    plan = make("-n", "test", "CHROMIUM=/nonexistent/chromium", "QADESK_SKIP_BROWSER=1").stdout
    assert '.venv/bin/pytest -m "not browser"' in plan
    assert plan.count("the browser tests were NOT run") == 2  # before and after the run
    assert make("test-prerequisites", "CHROMIUM=/nonexistent", "QADESK_SKIP_BROWSER=1", QADESK_NO_INSTALL="1").returncode == 0


def test_without_the_opt_out_make_test_runs_the_whole_suite() -> None:
    plan = make("-n", "test").stdout
    assert "pytest" in plan and "not browser" not in plan and "NOT run" not in plan


def test_the_browser_fixture_fails_without_chromium(tmp_path: Path) -> None:
    # On SQLite in a data directory of its own, so it never touches the test database of the run calling it.
    drop = {"DATABASE_URL", "QADESK_SKIP_BROWSER", "PYTEST_ADDOPTS", "QADESK_TASKS_BACKEND"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env |= {"QADESK_CHROMIUM": "/nonexistent/chromium", "QADESK_DATA_DIR": str(tmp_path)}
    test = "qadesk/reviews/tests/test_browser.py::test_it_scores_an_interaction_in_the_browser"  # one browser test
    # The fixture stops the test before it touches the database: tables made from the models, not by migrating
    # (each migration of an in-memory database costs ~20 s of CPU).
    pytest_once = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--no-migrations", "-q"]
    done = subprocess.run([*pytest_once, test], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 1, done.stdout[-2000:]
    assert "1 error" in done.stdout or "1 failed" in done.stdout
    assert "no Chromium at /nonexistent/chromium" in done.stdout
    skipped = subprocess.run(
        [*pytest_once, "-rs", test],
        cwd=ROOT,
        env={**env, "QADESK_SKIP_BROWSER": "1"},
        capture_output=True,
        text=True,
    )
    assert skipped.returncode == 0 and "1 skipped" in skipped.stdout and "QADESK_SKIP_BROWSER" in skipped.stdout
