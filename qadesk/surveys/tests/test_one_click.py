"""One click on a rating in the invitation e-mail (GET /s/TOKEN/?q=…&a=N) through the door: the response and its answer
made in one transaction, the results' rollup kept without recounting, at most a few queries, nothing written to a
session or a cookie."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qadesk.interactions.models import CustomerRating, Interaction
from qadesk.surveys.models import SurveyAnswer, SurveyInvitation, SurveyResponse
from qadesk.surveys.rollup import survey_rollup_rebuild, survey_rollup_verify
from qadesk.surveys.services import invitation_create
from qadesk.testing import factories as f

# The first click of an invitation: its row read and locked, the response looked for, the current version's questions
# read, the response and the answer inserted, three rollup upserts. A regression (a recount, a second read) fails.
MAX_QUERIES = 8


def _click(client: Client, invitation: SurveyInvitation, value: int | str, code: str = "csat") -> object:
    return client.get(f"/s/{invitation.token}/?q={code}&a={value}")


@pytest.mark.django_db
def test_one_click_runs_at_most_a_few_queries_and_writes_no_session(post_contact, agent) -> None:
    invitations = [invitation_create(survey=post_contact, interaction=f.make_interaction(agent)) for _ in range(2)]
    client = Client()
    _click(client, invitations[0], 4)  # the first request of a process reads what it caches (translations, templates)
    with CaptureQueriesContext(connection) as done:
        page = _click(client, invitations[1], 4)
    assert page.status_code == 302 and page["Location"].endswith("?q=agent_skill")
    writes = [q["sql"] for q in done.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(writes) <= MAX_QUERIES, "\n".join(writes)
    assert not any("django_session" in sql for sql in writes)
    assert not page.cookies  # no session, no CSRF cookie: the public page keeps nothing in the browser


@pytest.mark.django_db
def test_clicks_keep_the_rollup_equal_to_the_answers(post_contact, agent, other_team_agent, team_lead) -> None:
    survey_rollup_rebuild()
    client = Client()
    contacts = [f.make_interaction(agent if i % 2 else other_team_agent, channel=("email", "chat")[i % 2]) for i in range(6)]
    invitations = [invitation_create(survey=post_contact, interaction=c, language="it") for c in contacts]
    unsent = invitation_create(survey=post_contact, interaction=f.make_interaction(agent), email="c@example.com")
    SurveyInvitation.objects.filter(pk=unsent.pk).update(sent_at=None, email_retry_at=None)
    for i, invitation in enumerate([*invitations, unsent]):
        page = _click(client, invitation, 1 + i % 5)
        assert page.status_code == 302
    assert _click(client, invitations[0], 2)["Location"].endswith("?q=what_went_wrong")  # a changed mind: 1 → 2
    assert survey_rollup_verify() == []
    assert SurveyResponse.objects.count() == 7 and SurveyAnswer.objects.count() == 7
    assert set(SurveyAnswer.objects.values_list("value", flat=True)) == {1, 2, 3, 4, 5}
    # CSAT ≤ 2 on the headline question closes the loop: the interaction is flagged, the lead told.
    assert Interaction.objects.get(pk=contacts[1].pk).customer_rating == CustomerRating.NEGATIVE
    assert SurveyResponse.objects.get(invitation=invitations[1]).flagged_at is not None


@pytest.mark.django_db
def test_a_wrong_click_stores_nothing(post_contact, interaction) -> None:
    invitation = invitation_create(survey=post_contact, interaction=interaction)
    client = Client()
    assert _click(client, invitation, 9)["Location"].endswith("?q=csat")  # off the scale: asked again
    assert _click(client, invitation, 4, code="nope").status_code == 404
    SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert _click(client, invitation, 4).status_code == 410
    assert not SurveyResponse.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_double_click_at_once_records_one_response_and_one_answer(post_contact, interaction) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database is not shared between threads; PostgreSQL runs this one")
    survey_rollup_rebuild()
    invitation = invitation_create(survey=post_contact, interaction=interaction)
    statuses: list[int] = []

    def click(value: int) -> None:
        try:
            statuses.append(_click(Client(), invitation, value).status_code)  # type: ignore[attr-defined]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click, args=(4 + i % 2,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 4
    assert SurveyResponse.objects.count() == 1
    assert SurveyAnswer.objects.count() == 1 and SurveyAnswer.objects.get().value in (4, 5)
    assert survey_rollup_verify() == []
