"""The lighter way of a rating link (surveys/middleware.py, and on PostgreSQL surveys/one_click.py's one statement),
through the door: the same redirect, headers, rows and rollup as the whole stack and the service give, on both
databases; every case the statement leaves to the service still handled by it."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qadesk.interactions.models import CustomerRating, Interaction
from qadesk.notifications.models import Notification
from qadesk.surveys import middleware, one_click
from qadesk.surveys.models import Survey, SurveyAnswer, SurveyInvitation, SurveyResponse
from qadesk.surveys.rollup import survey_rollup_rebuild, survey_rollup_verify
from qadesk.surveys.services import invitation_create, survey_version_create, survey_version_export
from qadesk.testing import factories as f

# A moment, the invitation's own token, and Vary: the whole stack adds "Cookie" (something reads the session), which
# the light way does not read: its answer never depends on a cookie (and is never cached: no-store).
ONE_QUESTION = {
    "code": "one-question",
    "name": {"en": "One question"},
    "kind": "other",
    "questions": [{"code": "csat", "kind": "csat", "required": True, "text": {"en": "Satisfied?"}}],
}
VOLATILE = {"Expires", "Location", "Vary"}


def _click(client: Client, invitation: SurveyInvitation, value: int | str, code: str = "csat", **headers: Any) -> Any:
    return client.get(f"/s/{invitation.token}/?q={code}&a={value}", **headers)


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Each run of the one-click statement (PostgreSQL) and the row it returned: (version, response, follow-up owner)."""
    seen: list[Any] = []
    run = one_click._execute

    def spy(statement: str, params: dict[str, Any]) -> Any:
        row = run(statement, params)
        seen.append(None if row is None else row[-3:])
        return row

    monkeypatch.setattr(one_click, "_execute", spy)
    return seen


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "it"])
def test_the_light_way_answers_as_the_whole_stack(post_contact, agent, monkeypatch, language) -> None:
    light, whole = (invitation_create(survey=post_contact, interaction=f.make_interaction(agent)) for _ in range(2))
    client = Client()
    fast = _click(client, light, 4, HTTP_ACCEPT_LANGUAGE=language)
    monkeypatch.setattr(middleware, "ENABLED", False)
    slow = _click(client, whole, 4, HTTP_ACCEPT_LANGUAGE=language)
    assert fast.status_code == slow.status_code == 302
    assert fast["Location"] == f"/s/{light.token}/?q=agent_skill" and slow["Location"] == f"/s/{whole.token}/?q=agent_skill"
    assert {k: v for k, v in fast.headers.items() if k not in VOLATILE} == {
        k: v for k, v in slow.headers.items() if k not in VOLATILE
    }
    assert fast["Vary"] == "Accept-Language" and slow["Vary"] == "Accept-Language, Cookie"
    assert fast["Content-Language"] == language and "no-store" in fast["Cache-Control"] and fast["X-Frame-Options"]
    assert not fast.cookies and not slow.cookies
    assert [(a.value, a.question.code) for a in SurveyAnswer.objects.order_by("response__invitation_id")] == [
        (4, "csat"),
        (4, "csat"),
    ]


@pytest.mark.django_db
def test_a_first_click_is_one_statement_on_postgresql(post_contact, agent, statements) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes the service's way (its queries are counted in test_one_click.py)")
    survey_rollup_rebuild()
    invitations = [invitation_create(survey=post_contact, interaction=f.make_interaction(agent)) for _ in range(2)]
    one_question = survey_version_create(data=ONE_QUESTION).survey
    last = invitation_create(survey=one_question, interaction=f.make_interaction(agent))
    client = Client()
    assert _click(client, invitations[0], 5).status_code == 302  # the process reads each version's questions once
    assert _click(client, last, 2)["Location"].endswith("?done=1")  # the only question: the response is finished
    before = len(statements)
    with CaptureQueriesContext(connection) as done:
        page = _click(client, invitations[1], 3)
    assert page["Location"].endswith("?q=agent_skill")
    assert done.captured_queries == []  # no ORM statement, no session: the one statement alone
    assert len(statements) == before + 1 and statements[-1][1] is not None
    with CaptureQueriesContext(connection) as done:
        again = _click(client, last, 4)  # a second click: the statement writes nothing, the service changes the answer
    assert again["Location"].endswith("?done=1") and statements[-1][1] is None and done.captured_queries
    assert SurveyResponse.objects.get(invitation=last).completed_at is not None
    assert SurveyResponse.objects.get(invitation=invitations[1]).completed_at is None
    assert list(SurveyAnswer.objects.filter(response__invitation=last).values_list("value", flat=True)) == [4]
    assert survey_rollup_verify() == []


@pytest.mark.django_db
def test_every_case_gives_what_the_service_gives(templates, agent, team_lead, monkeypatch) -> None:
    """Ratings on and off the scale, a low headline rating with a lead to tell, a question further on, an NPS survey, a
    second click, an expired and an unknown link, a null character: the light way and the whole stack agree."""
    survey_rollup_rebuild()
    post_contact, relationship = templates["post_contact"], templates["relationship"]
    clicks = [
        (post_contact, "csat", "1"),
        (post_contact, "csat", "2"),
        (post_contact, "csat", "5"),
        (post_contact, "csat", "9"),
        (post_contact, "csat", "x"),
        (post_contact, "speed", "2"),
        (post_contact, "nope", "4"),
        (relationship, "nps", "0"),
        (relationship, "nps", "10"),
        (relationship, "why", "3"),
    ]
    outcomes = {}
    for light in (True, False):
        monkeypatch.setattr(middleware, "ENABLED", light)
        client = Client()
        for survey, code, value in clicks:
            invitation = invitation_create(survey=survey, interaction=f.make_interaction(agent), language="it")
            page = _click(client, invitation, value, code=code)
            response = SurveyResponse.objects.filter(invitation=invitation).first()
            outcomes.setdefault((survey.code, code, value), []).append(
                (
                    page.status_code,
                    page.get("Location", "").replace(invitation.token, "T"),
                    response is not None and response.completed_at is not None,
                    response is not None and response.flagged_at is not None,
                    response.followup_owner_id if response else None,
                    sorted(response.answers.values_list("question__code", "value")) if response else [],
                    Interaction.objects.get(pk=invitation.interaction_id).customer_rating,
                )
            )
    for click, (light, whole) in outcomes.items():
        assert light == whole, click
    assert outcomes[("post-contact", "csat", "1")][0][3:5] == (True, team_lead.pk)
    assert outcomes[("relationship", "nps", "0")][0][6] == CustomerRating.NEGATIVE
    assert outcomes[("post-contact", "csat", "9")][0][:2] == (302, "/s/T/?q=csat")  # off the scale: asked again
    assert outcomes[("post-contact", "nope", "4")][0][0] == 404
    assert Notification.objects.filter(recipient=team_lead, kind="survey_negative").count() == 2 * 3  # csat 1, 2; nps 0
    monkeypatch.setattr(middleware, "ENABLED", True)
    invitation = invitation_create(survey=post_contact, interaction=f.make_interaction(agent))
    client = Client()
    assert _click(client, invitation, 5)["Location"].endswith("?q=agent_skill")
    assert _click(client, invitation, 1)["Location"].endswith("?q=what_went_wrong")  # a second click changes it
    assert list(SurveyAnswer.objects.filter(response__invitation=invitation).values_list("value", flat=True)) == [1]
    assert client.get(f"/s/{invitation.token}/?q=csat&a=4%00").status_code == 400  # refused the usual way
    assert client.get("/s/not-a-token/?q=csat&a=4").status_code == 404
    SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert _click(client, invitation, 4).status_code == 410
    assert survey_rollup_verify() == []


@pytest.mark.django_db
def test_a_new_version_is_answered_as_the_new_version(post_contact, agent) -> None:
    client = Client()
    first = invitation_create(survey=post_contact, interaction=f.make_interaction(agent))
    assert _click(client, first, 4).status_code == 302  # the process now knows version 1
    definition = survey_version_export(version=post_contact.current_version())
    definition["questions"] = [q for q in definition["questions"] if q["code"] in ("csat", "comment")]
    version = survey_version_create(data=definition)
    second = invitation_create(survey=Survey.objects.get(pk=post_contact.pk), interaction=f.make_interaction(agent))
    assert _click(client, second, 4)["Location"].endswith("?q=comment")
    assert SurveyResponse.objects.get(invitation=second).version == version


@pytest.mark.django_db(transaction=True)
def test_clicks_at_once_on_one_cell_keep_every_answer_and_the_rollup(post_contact, agent, qa_lead) -> None:
    """Six clients at once on one agent's cell, the statement's first clicks beside the service's first and second
    clicks, while two readers of the results fold the pending changes over and over: every click answered, every
    pending change folded once (the rollup equals the answers), and the last read counts every answer."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database is not shared between threads; PostgreSQL runs this one")
    from qadesk.surveys.models import SurveyRollupPending
    from qadesk.surveys.selectors import survey_results

    survey_rollup_rebuild()
    invitations = [invitation_create(survey=post_contact, interaction=f.make_interaction(agent)) for _ in range(24)]
    statuses: list[int] = []
    reads: list[int] = []
    clicking = threading.Event()
    clicking.set()

    def clicks(mine: list[SurveyInvitation]) -> None:
        client = Client()
        try:
            for i, invitation in enumerate(mine):
                # Most first clicks are the statement's; a free-text one is the service's, on the same rollup rows.
                statuses.append(_click(client, invitation, 1 + i % 5, code="comment" if i % 4 == 3 else "csat").status_code)
                statuses.append(_click(client, invitation, 1 + (i + 1) % 5).status_code)  # and a change of mind
        finally:
            connections.close_all()

    def read() -> None:
        try:
            while clicking.is_set():
                reads.append(survey_results(actor=qa_lead, survey=post_contact).overall.responses)
        finally:
            connections.close_all()

    readers = [threading.Thread(target=read) for _ in range(2)]
    threads = [threading.Thread(target=clicks, args=(invitations[i::6],)) for i in range(6)]
    for thread in (*readers, *threads):
        thread.start()
    for thread in threads:
        thread.join()
    clicking.clear()
    for thread in readers:
        thread.join()
    assert statuses == [302] * 48
    assert SurveyResponse.objects.count() == 24 and SurveyAnswer.objects.filter(question__code="csat").count() == 24
    assert reads and all(0 <= n <= 24 for n in reads)
    assert survey_results(actor=qa_lead, survey=post_contact).overall.responses == 24
    assert not SurveyRollupPending.objects.exists() and survey_rollup_verify() == []


@pytest.mark.django_db(transaction=True)
def test_a_click_waits_for_no_rollup_row_and_a_reader_counts_it(post_contact, agent, qa_lead) -> None:
    """The statement appends its rollup changes as pending rows: with every rollup row of the day held by another
    transaction (a fold, say), a first click is still answered, and the results read afterwards count it (the reader
    folds the pending changes first, waiting for the holder's fold to end)."""
    if connection.vendor == "sqlite":
        pytest.skip("the statement is PostgreSQL's")
    import psycopg

    from qadesk.surveys.models import SurveyRollupPending
    from qadesk.surveys.selectors import survey_results

    survey_rollup_rebuild()
    contact = f.make_interaction(agent)
    first, second = (invitation_create(survey=post_contact, interaction=contact) for _ in range(2))
    assert _click(Client(), first, 4).status_code == 302
    assert survey_results(actor=qa_lead, survey=post_contact).overall.responses == 1  # folded: the rollup rows exist
    dsn = {k: v for k, v in connection.get_connection_params().items() if k in ("dbname", "user", "host", "port", "password")}
    holder = psycopg.connect(**dsn)
    try:
        held = 0
        for table in ("surveys_surveyanswerday", "surveys_surveyinvitationday", "surveys_surveyresponseday"):
            rows = holder.execute(f"SELECT 1 FROM {table} WHERE survey_id = %s FOR UPDATE", [post_contact.pk])  # noqa: S608
            held += len(rows.fetchall())
        assert held == 3 * 8  # each table's row at every level
        with connection.cursor() as cursor:  # a click that needed a held row would fail instead of waiting for ever
            cursor.execute("SET lock_timeout = '5s'")
        clicked = _click(Client(), second, 2)
        assert clicked.status_code == 302 and SurveyRollupPending.objects.count() == 3  # response, answer, invitation
    finally:
        holder.rollback()
        holder.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    results = survey_results(actor=qa_lead, survey=post_contact)
    assert results.overall.responses == 2 and results.overall.csat.n == 2 and results.overall.response_rate.n == 2
    assert SurveyRollupPending.objects.count() == 0 and survey_rollup_verify() == []


@pytest.mark.django_db(transaction=True)
def test_a_click_on_a_connection_the_database_dropped_is_kept_on_a_new_one(post_contact, agent) -> None:
    """The statement runs without a health check first (a round trip per click): when the database has dropped the
    connection meanwhile (a restart), the click is made again on a new one, once, and answered as usual."""
    if connection.vendor == "sqlite":
        pytest.skip("the statement is PostgreSQL's")
    import psycopg

    first, second = (invitation_create(survey=post_contact, interaction=f.make_interaction(agent)) for _ in range(2))
    client = Client()
    assert _click(client, first, 4).status_code == 302
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        dropped = cursor.fetchone()[0]
    dsn = {k: v for k, v in connection.get_connection_params().items() if k in ("dbname", "user", "host", "port", "password")}
    with psycopg.connect(**dsn, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [dropped]).fetchone()[0]
    clicked = _click(client, second, 5)
    assert clicked.status_code == 302 and clicked["Location"].endswith("?q=agent_skill")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != dropped
    assert list(SurveyAnswer.objects.filter(response__invitation=second).values_list("value", flat=True)) == [5]
    assert survey_rollup_verify() == []


@pytest.mark.django_db
def test_the_statement_is_prepared_once_on_a_kept_connection(post_contact, agent) -> None:
    """Django turns psycopg's prepared statements off; the statement asks for its own on a kept connection, so the
    server plans it once rather than at every click (and Django's own queries stay unprepared)."""
    if connection.vendor == "sqlite":
        pytest.skip("the statement is PostgreSQL's")
    client = Client()

    def prepared() -> list[tuple[str, int]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
            return cursor.fetchall()

    def click(value: int) -> None:
        invitation = invitation_create(survey=post_contact, interaction=f.make_interaction(agent))
        assert _click(client, invitation, value).status_code == 302

    click(4)  # the process reads the version's questions (the statement may run twice)
    before = sum(runs for _statement, runs in prepared())
    for value in (1, 2, 3, 4, 5, 4, 3):
        click(value)
    after = prepared()
    assert 1 <= len(after) <= 2 and all("surveys_surveyrolluppending" in statement for statement, _runs in after)
    assert sum(runs for _statement, runs in after) == before + 7  # the ones prepared, run by every click
