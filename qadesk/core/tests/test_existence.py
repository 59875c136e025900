"""No door tells "exists" from "does not exist" to someone who may not see it.

For every page and API operation that takes an object's id (or a username) and every persona, the answer for an
object the persona may not see must be the answer for an id that exists nowhere: same status, same body. A 403 for
the one and a 404 for the other is how usernames, drafts and disputes were enumerated (issue 15).
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from qadesk.accounts.models import Role
from qadesk.accounts.services import api_token_create
from qadesk.calibration.services import calibration_session_create
from qadesk.core.models import JobRun
from qadesk.disputes.services import ContestedCriterion, dispute_open
from qadesk.notifications.models import Notification
from qadesk.reviews.services import review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import criteria_by_code, perfect_ratings
from qadesk.sampling.models import SamplingPlan, SamplingRun
from qadesk.surveys.models import Survey
from qadesk.surveys.services import invitation_create, response_for_invitation, survey_templates_install
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db
JSON = "application/json"
MISSING = 987_654
PERSONAS = ["alice", "bob", "carla", "dario", "gino"]  # the manager sees everything but others' notifications


@pytest.fixture
def world(default_scorecard, agent, other_team_agent, team_lead, reviewer, qa_lead, manager) -> dict[str, Any]:
    """Two teams' work: a submitted review of alice's contact (by dario) with her dispute, a draft of bob's contact
    (by gino), a blind calibration session on bob's contact that only gino and hugo take part in, a sampling plan and run
    that feed gino's queue, and a notification of bob's."""
    gino = f.make_user("gino", Role.REVIEWER)
    hugo = f.make_user("hugo", Role.REVIEWER)
    mine = f.make_interaction(agent)
    theirs = f.make_interaction(other_team_agent)
    review = review_create(interaction=mine, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard, empathy=2))
    review_submit(review=review, actor=reviewer)
    empathy = criteria_by_code(default_scorecard)["empathy"]
    dispute = dispute_open(
        review=review, actor=agent.user, argument="I was kind", items=[ContestedCriterion(criterion_id=empathy.pk)]
    )
    draft = review_create(interaction=theirs, actor=gino)
    session = calibration_session_create(
        actor=qa_lead,
        title="Blind",
        scorecard_version=default_scorecard,
        interactions=[theirs],
        participants=[gino, hugo],
        deadline=timezone.now() + timedelta(days=3),
    )
    plan = SamplingPlan.objects.create(name="Weekly", created_by=qa_lead, seed=1)
    plan.reviewers.set([gino])
    job = JobRun.objects.create(kind="sampling", params={"plan": plan.pk}, created_by=qa_lead)
    run = SamplingRun.objects.create(plan=plan, period_start=timezone.localdate(), period_end=timezone.localdate(), seed=1)
    note = Notification.objects.create(recipient=other_team_agent.user, kind="x", subject="x", url="/")
    survey_templates_install()
    answered = response_for_invitation(
        invitation=invitation_create(survey=Survey.objects.get(code="post-contact"), interaction=theirs)
    )
    return {
        "interaction": theirs.pk,
        "review": draft.pk,
        "submitted": review.pk,
        "dispute": dispute.pk,
        "session": session.pk,
        "item": session.items.get().pk,
        "criterion": empathy.pk,
        "plan": plan.pk,
        "run": run.pk,
        "job": job.pk,
        "notification": note.pk,
        "response": answered.pk,
    }


# (method, path with {placeholders}, JSON body) -> the object the path names is the first placeholder's.
API = [
    ("get", "/api/v1/interactions/{interaction}", None),
    ("get", "/api/v1/reviews/{review}", None),
    ("put", "/api/v1/reviews/{review}/ratings", {"ratings": []}),
    ("post", "/api/v1/reviews/{review}/submit", None),
    ("post", "/api/v1/reviews/{submitted}/acknowledge", None),
    ("get", "/api/v1/reviews/{submitted}/coaching-notes", None),
    ("post", "/api/v1/reviews/{submitted}/coaching-notes", {"body": "Well done"}),
    ("get", "/api/v1/reviews/{submitted}/revisions", None),
    ("get", "/api/v1/reviews/{submitted}/audit", None),
    ("post", "/api/v1/reviews/{submitted}/reopen", None),
    ("post", "/api/v1/reviews", {"interaction": "{interaction}"}),
    ("get", "/api/v1/disputes/{dispute}", None),
    ("post", "/api/v1/disputes/{dispute}/messages", {"body": "Hello"}),
    ("post", "/api/v1/disputes/{dispute}/escalate", None),
    ("post", "/api/v1/disputes/{dispute}/decide", {"accepted": [], "note": "No"}),
    ("post", "/api/v1/disputes", {"review": "{submitted}", "argument": "No", "items": [{"criterion": "{criterion}"}]}),
    ("get", "/api/v1/calibration/sessions/{session}", None),
    ("get", "/api/v1/calibration/sessions/{session}/results", None),
    ("post", "/api/v1/calibration/sessions/{session}/items/{item}/score", {"ratings": []}),
    ("put", "/api/v1/calibration/sessions/{session}/agreed", []),
    ("delete", "/api/v1/calibration/sessions/{session}/agreed/{item}/{criterion}", None),
    ("post", "/api/v1/calibration/sessions/{session}/close", {}),
    ("get", "/api/v1/sampling/plans/{plan}", None),
    ("put", "/api/v1/sampling/plans/{plan}", {"name": "x"}),
    ("delete", "/api/v1/sampling/plans/{plan}", None),
    ("get", "/api/v1/sampling/plans/{plan}/coverage", None),
    ("post", "/api/v1/sampling/plans/{plan}/run", {}),
    ("get", "/api/v1/sampling/jobs/{job}", None),
    ("get", "/api/v1/surveys/responses/{response}", None),
]
PAGES = [
    ("get", "/interactions/{interaction}/"),
    ("get", "/reviews/{review}/"),
    ("get", "/reviews/{review}/edit/"),
    ("post", "/reviews/{review}/edit/"),
    ("post", "/reviews/{review}/scorecard/"),
    ("post", "/reviews/{submitted}/acknowledge/"),
    ("post", "/reviews/{submitted}/coaching/"),
    ("post", "/reviews/{submitted}/reopen/"),
    ("get", "/disputes/open/{submitted}/"),
    ("post", "/disputes/open/{submitted}/"),
    ("get", "/disputes/{dispute}/"),
    ("post", "/disputes/{dispute}/reply/"),
    ("post", "/disputes/{dispute}/escalate/"),
    ("post", "/disputes/{dispute}/decide/"),
    ("get", "/calibration/{session}/"),
    ("get", "/calibration/{session}/items/{item}/score/"),
    ("get", "/calibration/{session}/results/"),
    ("post", "/calibration/{session}/agreed/"),
    ("post", "/calibration/{session}/agreed/clear/"),
    ("post", "/calibration/{session}/close/"),
    ("get", "/notifications/{notification}/open/"),
    ("get", "/sampling/{plan}/"),
    ("get", "/sampling/{plan}/edit/"),
    ("post", "/sampling/{plan}/run/"),
    ("get", "/sampling/{plan}/coverage/"),
    ("get", "/sampling/runs/{run}/"),
    ("get", "/sampling/jobs/{job}/"),
    ("get", "/surveys/responses/{response}/"),
]


def _fill(template: Any, ids: dict[str, Any]) -> Any:
    """Put the world's ids into a path or body; "{name}" alone in a body becomes the number."""
    if isinstance(template, str):
        whole = re.fullmatch(r"\{(\w+)\}", template)
        return ids[whole.group(1)] if whole and "/" not in template else template.format(**ids)
    if isinstance(template, list):
        return [_fill(t, ids) for t in template]
    if isinstance(template, dict):
        return {k: _fill(v, ids) for k, v in template.items()}
    return template


def _named(path: str) -> str:
    """The object a path (or a body) is about: its first placeholder."""
    first = re.search(r"\{(\w+)\}", path)
    assert first is not None
    return first.group(1)


# Where each kind of object is read; an object the persona may not read there is one they may not see.
READ = {
    "interaction": "/api/v1/interactions/{interaction}",
    "review": "/api/v1/reviews/{review}",
    "submitted": "/api/v1/reviews/{submitted}",
    "dispute": "/api/v1/disputes/{dispute}",
    "session": "/api/v1/calibration/sessions/{session}",
    "plan": "/api/v1/sampling/plans/{plan}",
    "run": "/api/v1/sampling/plans/{plan}",
    "job": "/api/v1/sampling/plans/{plan}",
    "response": "/api/v1/surveys/responses/{response}",
}


def _invisible(api: Client, world: dict[str, Any], username: str) -> set[str]:
    """The world's objects this persona may not see."""
    hidden = {name for name, path in READ.items() if api.get(_fill(path, world)).status_code == 404}
    return hidden | ({"notification"} if username != "bob" else set())


def _answer(response: Any, ids: dict[str, Any]) -> tuple[int, str]:
    body = response.content.decode()
    for value in {*ids.values(), MISSING}:  # the ids themselves may be echoed back; what else differs is a leak
        body = re.sub(rf"\b{value}\b", "ID", body)
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return response.status_code, body


def _login(username: str) -> Client:
    from qadesk.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize("username", PERSONAS)
def test_the_api_answers_an_invisible_object_as_a_missing_one(world, username) -> None:
    from qadesk.accounts.models import User

    _token, key = api_token_create(user=User.objects.get(username=username), name="probe")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    hidden = _invisible(api, world, username)
    leaks: list[str] = []
    checked: list[str] = []
    for method, path, body in API:
        named = _named(path + json.dumps(body))
        if named not in hidden:
            continue
        missing = {**world, named: MISSING}
        answers = []
        for ids in (world, missing):
            kwargs = {"content_type": JSON, "data": _fill(body, ids)} if body is not None else {}
            answers.append(_answer(getattr(api, method)(_fill(path, ids), **kwargs), {**world, **missing}))
        seen, absent = answers
        checked.append(f"{method.upper()} {path}")
        if seen != absent:
            leaks.append(f"{method.upper()} {path}: {seen[0]} {seen[1][:120]!r} vs {absent[0]} {absent[1][:120]!r}")
    assert checked, "the persona sees everything: nothing was probed"
    assert leaks == []


@pytest.mark.parametrize("username", [*PERSONAS, "franco"])
def test_pages_answer_an_invisible_object_as_a_missing_one(world, username) -> None:
    from qadesk.accounts.models import User

    _token, key = api_token_create(user=User.objects.get(username=username), name="probe")
    hidden = _invisible(Client(HTTP_AUTHORIZATION=f"Bearer {key}"), world, username)
    client = _login(username)
    leaks: list[str] = []
    checked: list[str] = []
    for method, path in PAGES:
        if _named(path) not in hidden:
            continue
        missing = {**world, _named(path): MISSING}
        answers = [_answer(getattr(client, method)(_fill(path, ids)), {**world, **missing}) for ids in (world, missing)]
        seen, absent = answers
        checked.append(f"{method.upper()} {path}")
        if seen[0] != absent[0]:
            leaks.append(f"{method.upper()} {path}: {seen[0]} vs {absent[0]}")
    assert checked, "the persona sees everything: nothing was probed"
    assert leaks == []


@pytest.mark.parametrize("username", ["alice", "bob", "carla", "gino"])
def test_a_reviewer_record_is_not_found_whether_the_user_exists_or_not(world, username) -> None:
    """Only the reviewer themselves and those who see everything read a reviewer's calibration record."""
    from qadesk.accounts.models import User

    _token, key = api_token_create(user=User.objects.get(username=username), name="probe")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    page = _login(username)
    for target in ("dario", "nobody-by-this-name"):
        answer = api.get(f"/api/v1/calibration/reviewers/{target}")
        assert (answer.status_code, answer.json()) == (404, {"detail": "Not found."}), target
        assert page.get(f"/calibration/reviewers/{target}/").status_code == 404
