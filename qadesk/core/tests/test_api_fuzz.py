"""Fuzzing every operation of the OpenAPI document with schemathesis: no input, valid or hostile, may answer 500.

Each operation is called by a QA lead and by an agent (real personal tokens), with data that fits the document and
data that does not (schemathesis' positive and negative modes, its boundary values included: huge integers, empty and
over-long strings, null characters, wrong types). Ids in paths point at real objects half of the time, so the handlers
behind the lookups run too. Every example runs in a savepoint that is rolled back, so a DELETE or a decision leaves
the next example the same data. Deterministic (derandomized, no example database): CI sees the same cases each run.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from qadesk.accounts.models import Role
from qadesk.accounts.services import api_token_create
from qadesk.api import api
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db

# Budget: ~50 operations. A QA lead reaches every handler: schemathesis' coverage phase (boundary values: huge and
# negative integers, empty and over-long strings, wrong types) plus MAX_EXAMPLES generated cases.
# An agent is mostly refused early (403/404), so generated cases only, fewer: the suite stays well under 90 s.
MAX_EXAMPLES = 8
AGENT_EXAMPLES = 4


def _schema(*, coverage: bool, max_examples: int) -> Any:
    loaded = schemathesis.openapi.from_dict(dict(api.get_openapi_schema(path_prefix="/api/v1/")))
    loaded.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=max_examples, deterministic=True, database="none"
    )
    loaded.config.phases.update(phases=["examples", "coverage", "fuzzing"] if coverage else ["examples", "fuzzing"])
    loaded.config.phases.coverage.unexpected_methods = set()  # 405 answers are probed by test_hostile_input.py
    loaded.app = WSGIHandler()
    return loaded


lead_schema = _schema(coverage=True, max_examples=MAX_EXAMPLES)
agent_schema = _schema(coverage=False, max_examples=AGENT_EXAMPLES)


@pytest.fixture(autouse=True)
def in_process_requests() -> Iterator[None]:
    """Requests served in this thread on the test's connection: Django's test client does the same (the handler's
    close_old_connections would close the connection inside the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """A small organisation with one of each object the API reads or changes, and a token per persona: made once for
    the module inside a transaction rolled back at its end (each case runs in its own savepoint within it, so no case
    sees another's writes)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _world()
        transaction.set_rollback(True)


def _world() -> dict[str, Any]:
    from qadesk.calibration.services import calibration_session_create
    from qadesk.disputes.services import ContestedCriterion, dispute_open
    from qadesk.reviews.services import assignments_create, review_create, review_save, review_submit
    from qadesk.reviews.tests.helpers import perfect_ratings
    from qadesk.sampling.services import sampling_plan_create
    from qadesk.scorecards.services import scorecard_install_default

    default_scorecard = scorecard_install_default()
    team = f.make_team("Fuzz team", f.make_site("Fuzz site"))
    agent_user = f.make_user("fuzz.agent", Role.AGENT, team)
    agent = f.make_agent("fuzz.agent", team, agent_user)
    lead = f.make_user("fuzz.lead", Role.QA_LEAD)
    reviewer = f.make_user("fuzz.reviewer", Role.REVIEWER)
    interaction = f.make_interaction(agent)
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard))
    review_submit(review=review, actor=reviewer)
    criterion = review.ratings.first().criterion  # type: ignore[union-attr]
    dispute = dispute_open(
        review=review,
        actor=agent_user,
        argument="Not fair.",
        items=[ContestedCriterion(criterion_id=criterion.pk, proposed_value=None)],
    )
    session = calibration_session_create(
        actor=lead,
        title="Fuzz calibration",
        scorecard_version=default_scorecard,
        interactions=[interaction],
        participants=[reviewer, lead],
        deadline=timezone.now() + timedelta(days=3),
    )
    plan = sampling_plan_create(actor=lead, reviewers=[reviewer], name="Fuzz plan", n_per_agent=2, period="week")
    assignments_create(interactions=[interaction], reviewer=reviewer, actor=lead)
    ids = {
        "interaction_id": interaction.pk,
        "review_id": review.pk,
        "dispute_id": dispute.pk,
        "session_id": session.pk,
        "item_id": session.items.get().pk,
        "criterion_id": criterion.pk,
        "plan_id": plan.pk,
        "version_id": default_scorecard.pk,
        "username": reviewer.username,
        "code": default_scorecard.scorecard.code,
    }
    tokens = {who: api_token_create(user=user, name="fuzz")[1] for who, user in (("lead", lead), ("agent", agent_user))}
    return {"ids": ids, "tokens": tokens}


def _point_at_real_objects(case: Any, ids: dict[str, Any]) -> None:
    """Half of the generated path values are replaced by the id of a real object (which half is fixed by the value)."""
    for name, value in list((case.path_parameters or {}).items()):
        if name in ids and zlib.crc32(str(value).encode()) % 2 == 0:
            case.path_parameters[name] = ids[name]


def _settings(max_examples: int) -> Any:
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


def _call(case: Any, world: dict[str, Any], persona: str) -> None:
    """One case against the app with the persona's token, in a savepoint rolled back afterwards."""
    _point_at_real_objects(case, world["ids"])
    with transaction.atomic():
        case.call_and_validate(headers={"Authorization": f"Bearer {world['tokens'][persona]}"}, checks=[not_a_server_error])
        transaction.set_rollback(True)


@lead_schema.parametrize()
@_settings(MAX_EXAMPLES)
def test_it_never_answers_a_server_error_to_a_qa_lead(case: Any, world: dict[str, Any]) -> None:
    _call(case, world, "lead")


@agent_schema.parametrize()
@_settings(AGENT_EXAMPLES)
def test_it_never_answers_a_server_error_to_an_agent(case: Any, world: dict[str, Any]) -> None:
    _call(case, world, "agent")
