"""Shared fixtures: the personas every permission rule is tested against, and the default scorecard."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import translation

from qadesk.accounts.models import Agent, Role, Team, User
from qadesk.interactions.models import Interaction
from qadesk.scorecards.models import ScorecardVersion
from qadesk.testing import factories as f


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    """Real hashing costs ~0.3 s per user; tests need many users, not strong hashes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


def _installed_rows() -> None:
    """What the data migrations leave on an empty install and the code takes as there: the two rollups' state rows
    (each rollup built, empty: analytics 0002, surveys 0005). A flush empties them, and a later test on the same worker
    would otherwise meet an install that never existed ("built for None")."""
    from django.db import transaction

    from qadesk.analytics.rollup import quality_rollup_rebuild
    from qadesk.surveys.rollup import survey_rollup_rebuild

    with transaction.atomic():
        quality_rollup_rebuild()
        survey_rollup_rebuild()


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_audit_trigger() -> Iterator[None]:
    """Transactional tests (live server, browser) empty the tables after each test. PostgreSQL does it with TRUNCATE,
    which the audit trail's append-only row trigger lets through; SQLite deletes row by row, which the trigger refuses.
    So on SQLite, and only for the test runner's flush, the trigger is lifted for the flush (audit.triggers.suspended).
    On both, the rows an install's data migrations leave are put back after the flush (_installed_rows)."""
    from django.db import connection

    from qadesk.audit import triggers

    operations = type(connection.ops)
    flush = operations.execute_sql_flush

    def execute_sql_flush(self: BaseDatabaseOperations, sql_list: list[str]) -> None:
        if self.connection.vendor == "sqlite":
            with triggers.suspended(self.connection):
                flush(self, sql_list)
        else:
            flush(self, sql_list)
        _installed_rows()

    operations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign,assignment]
    yield
    operations.execute_sql_flush = flush  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language, whatever an earlier request or API call activated."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def team(db: None) -> Team:
    return f.make_team("Milano Ordini", f.make_site("Milano"))


@pytest.fixture
def other_team(db: None) -> Team:
    return f.make_team("Lyon Livraisons", f.make_site("Lyon"))


@pytest.fixture
def agent_user(team: Team) -> User:
    """An agent with a login (persona "agent")."""
    return f.make_user("alice", Role.AGENT, team)


@pytest.fixture
def agent(agent_user: User, team: Team) -> Agent:
    return f.make_agent("a.rossi", team, agent_user)


@pytest.fixture
def other_team_agent_user(other_team: Team) -> User:
    return f.make_user("bob", Role.AGENT, other_team)


@pytest.fixture
def other_team_agent(other_team_agent_user: User, other_team: Team) -> Agent:
    return f.make_agent("b.martin", other_team, other_team_agent_user)


@pytest.fixture
def team_lead(team: Team) -> User:
    return f.make_user("carla", Role.TEAM_LEAD, team)


@pytest.fixture
def reviewer(db: None) -> User:
    return f.make_user("dario", Role.REVIEWER)


@pytest.fixture
def qa_lead(db: None) -> User:
    return f.make_user("elena", Role.QA_LEAD)


@pytest.fixture
def manager(db: None) -> User:
    return f.make_user("franco", Role.MANAGER)


@pytest.fixture
def admin_user(db: None) -> User:
    return f.make_user("admin", Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def default_scorecard(db: None) -> ScorecardVersion:
    from qadesk.scorecards.services import scorecard_install_default

    return scorecard_install_default()


@pytest.fixture
def interaction(agent: Agent) -> Interaction:
    return f.make_interaction(agent)


@pytest.fixture
def other_interaction(other_team_agent: Agent) -> Interaction:
    return f.make_interaction(other_team_agent)


# The Chromium the browser tests drive; `make test` checks it is there first (scripts/test-prerequisites).
CHROMIUM = os.environ.get("QADESK_CHROMIUM") or "/usr/bin/chromium"


@pytest.fixture
def browser(request: pytest.FixtureRequest, live_server: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Headless Debian Chromium driven by Playwright, with the live server running (browser tests).

    A missing Chromium fails the test: a suite that silently leaves out its browser tests would still look green.
    Only QADESK_SKIP_BROWSER=1 (`make test QADESK_SKIP_BROWSER=1`, which says so loudly) skips them.
    """
    if request.node.get_closest_marker("browser") is None:
        pytest.fail("a test using the browser fixture must be marked @pytest.mark.browser (make test selects on it)")
    if os.environ.get("QADESK_SKIP_BROWSER"):
        pytest.skip("QADESK_SKIP_BROWSER is set: browser tests are not run")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"no Chromium at {CHROMIUM}: run `make test` (it installs or names what to install), or "
            "`apt-get install chromium`, or set QADESK_CHROMIUM; QADESK_SKIP_BROWSER=1 leaves the browser tests out"
        )
    from playwright import sync_api

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in fixtures are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=flags)
        yield chromium
        chromium.close()
