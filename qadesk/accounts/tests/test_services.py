"""Accounts: tokens, language, settings, visibility of agents."""

import pytest
from django.core.management import call_command

from qadesk.accounts.models import Agent, ApiToken, OrgSettings
from qadesk.accounts.services import api_token_create, user_set_language
from qadesk.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_a_token_stores_only_a_digest(reviewer) -> None:
    token, key = api_token_create(user=reviewer, name="laptop")
    assert key.startswith("qad_") and key not in (token.digest, token.prefix)
    assert ApiToken.objects.get(digest=ApiToken.hash(key)) == token


def test_the_cli_prints_a_working_token(reviewer, client, capsys) -> None:
    call_command("token", "create", reviewer.username)
    key = capsys.readouterr().out.strip()
    response = client.get("/api/v1/scorecards", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


def test_language_must_be_supported(reviewer) -> None:
    assert user_set_language(user=reviewer, language="fr").language == "fr"
    with pytest.raises(ApplicationError):
        user_set_language(user=reviewer, language="de")


def test_settings_have_one_row_with_defaults(db) -> None:
    settings = OrgSettings.load()
    assert (settings.pk, settings.pass_mark, settings.minimum_n, settings.allow_self_review) == (1, 80, 5, False)
    assert OrgSettings.load().pk == 1 and OrgSettings.objects.count() == 1


def test_agents_visible_per_persona(agent, other_team_agent, agent_user, team_lead, qa_lead) -> None:
    assert list(Agent.objects.visible_to(agent_user)) == [agent]
    assert list(Agent.objects.visible_to(team_lead)) == [agent]
    assert set(Agent.objects.visible_to(qa_lead)) == {agent, other_team_agent}
