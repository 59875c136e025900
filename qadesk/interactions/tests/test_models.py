"""Interaction models: identity by source and external id, visibility per persona."""

import pytest
from django.db import IntegrityError, transaction

from qadesk.interactions.models import Interaction
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


def test_source_and_external_id_identify_an_interaction(interaction) -> None:
    assert str(interaction) == f"test:{interaction.external_id}"
    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_interaction(interaction.agent, external_id=interaction.external_id, source="test")
    other_source = f.make_interaction(interaction.agent, external_id=interaction.external_id, source="zendesk")
    assert other_source.pk != interaction.pk


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("agent_user", {"own"}),
        ("team_lead", {"own"}),
        ("reviewer", {"own", "other"}),
        ("qa_lead", {"own", "other"}),
        ("manager", {"own", "other"}),
    ],
)
def test_visible_to_per_persona(request, persona, sees, interaction, other_interaction) -> None:
    names = {interaction.pk: "own", other_interaction.pk: "other"}
    visible = Interaction.objects.visible_to(request.getfixturevalue(persona))
    assert {names[i.pk] for i in visible} == sees


def test_a_reassigned_interaction_is_visible_to_both_agents(interaction, other_team_agent, other_team_agent_user) -> None:
    interaction.handlers.create(agent=other_team_agent, position=1)
    assert list(Interaction.objects.visible_to(other_team_agent_user)) == [interaction]
