"""Training sessions through their page (`/competence/sessions/`): whoever records completions adds, changes and
removes runs of a course; everyone else gets 404."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from qadesk.accounts.models import User
from qadesk.competence.models import Completion, TrainingSession
from qadesk.competence.services import training_session_delete, training_session_save
from qadesk.competence.tests.conftest import Scene
from qadesk.core.errors import InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db
PAGE = "/competence/sessions/"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(scene: Scene, **changes: object) -> dict[str, object]:
    return {
        "course": scene.sop.pk,
        "starts_on": "2026-03-02",
        "ends_on": "2026-03-03",
        "trainer": "Giulia Neri",
        "place": "Milano, sala 2",
    } | changes


@pytest.mark.parametrize("persona", ["agent_user", "reviewer"])
def test_agents_and_reviewers_find_no_sessions_page(scene: Scene, persona: str, request: pytest.FixtureRequest) -> None:
    session = TrainingSession.objects.create(course=scene.sop, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 3))
    client = _client(request.getfixturevalue(persona))
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE, _form(scene)).status_code == 404
    assert client.get(f"{PAGE}{session.pk}/").status_code == 404
    assert client.post(f"{PAGE}{session.pk}/delete/").status_code == 404
    assert TrainingSession.objects.count() == 1


@pytest.mark.parametrize("persona", ["manager", "admin_user", "qa_lead", "team_lead"])
def test_whoever_records_completions_adds_a_session_and_sees_it_listed(
    scene: Scene, persona: str, request: pytest.FixtureRequest
) -> None:
    client = _client(request.getfixturevalue(persona))
    assert client.post(PAGE, _form(scene)).status_code == 302
    session = TrainingSession.objects.get()
    assert (session.course, session.starts_on, session.ends_on, session.trainer) == (
        scene.sop,
        date(2026, 3, 2),
        date(2026, 3, 3),
        "Giulia Neri",
    )
    page = client.get(PAGE).content.decode()
    assert f'id="session-{session.pk}"' in page and "Giulia Neri" in page and "Milano, sala 2" in page


def test_a_session_ending_before_it_starts_is_refused_with_the_reason(scene: Scene, manager: User) -> None:
    page = _client(manager).post(PAGE, _form(scene, ends_on="2026-03-01"))
    assert page.status_code == 200 and "The session ends before it starts." in page.content.decode()
    assert not TrainingSession.objects.exists()


def test_the_manager_changes_a_session_and_removes_one_without_completions(scene: Scene, manager: User) -> None:
    client = _client(manager)
    session = TrainingSession.objects.create(course=scene.sop, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 3))
    form = client.get(f"{PAGE}{session.pk}/").content.decode()
    assert 'value="2026-03-02"' in form  # the session's own values to start from
    changed = client.post(f"{PAGE}{session.pk}/", _form(scene, course=scene.tools.pk, ends_on="2026-03-04", place="Lyon"))
    assert changed.status_code == 302
    session.refresh_from_db()
    assert (session.course, session.ends_on, session.place) == (scene.tools, date(2026, 3, 4), "Lyon")
    assert client.post(f"{PAGE}{session.pk}/delete/").status_code == 302
    assert not TrainingSession.objects.exists()


def test_a_session_with_completions_stays_and_the_page_counts_them(scene: Scene, manager: User) -> None:
    client = _client(manager)
    session = TrainingSession.objects.create(course=scene.sop, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 3))
    Completion.objects.filter(agent=scene.agent, course=scene.sop).update(session=session)
    Completion.objects.filter(agent=scene.other, course=scene.sop).update(session=session)
    listed = client.get(PAGE).content.decode()
    row = listed[listed.index(f'id="session-{session.pk}"') :].split("</tr>")[0]
    assert '<td class="num">2</td>' in row
    refused = client.post(f"{PAGE}{session.pk}/delete/", follow=True).content.decode()
    assert "2 completions were recorded for this session; it stays." in refused
    assert TrainingSession.objects.filter(pk=session.pk).exists()


def test_a_team_lead_counts_only_their_teams_completions(scene: Scene, team_lead: User) -> None:
    session = TrainingSession.objects.create(course=scene.sop, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 3))
    Completion.objects.filter(course=scene.sop).update(session=session)  # one of each team
    listed = _client(team_lead).get(PAGE).content.decode()
    row = listed[listed.index(f'id="session-{session.pk}"') :].split("</tr>")[0]
    assert '<td class="num">1</td>' in row


def test_the_page_speaks_italian_and_french(scene: Scene, manager: User) -> None:
    client = _client(manager)
    for language, title, error in (
        ("it", "Sessioni di formazione", "La sessione finisce prima di cominciare."),
        ("fr", "Sessions de formation", "La session se termine avant de commencer."),
    ):
        manager.language = language
        manager.save(update_fields=["language"])
        page = client.post(PAGE, _form(scene, ends_on="2026-03-01")).content.decode()
        assert title in page and error in page, language


def test_the_services_refuse_whoever_does_not_record_training_and_a_reversed_range(
    scene: Scene, reviewer: User, manager: User
) -> None:
    days = {"starts_on": date(2026, 3, 2), "ends_on": date(2026, 3, 3)}
    with pytest.raises(PermissionDenied):
        training_session_save(actor=reviewer, course=scene.sop, **days)
    with pytest.raises(InvalidInput) as reversed_range:
        training_session_save(actor=manager, course=scene.sop, starts_on=date(2026, 3, 3), ends_on=date(2026, 3, 2))
    assert reversed_range.value.field == ("ends_on",)
    session = training_session_save(actor=manager, course=scene.sop, trainer="  Giulia Neri ", **days)
    assert session.trainer == "Giulia Neri"
    with pytest.raises(PermissionDenied):
        training_session_delete(actor=reviewer, session=session)
    assert TrainingSession.objects.filter(pk=session.pk).exists()
