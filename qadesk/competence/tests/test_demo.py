"""The demo's training records tell the story: Lyon Livraisons trained less, and some certificates expired."""

from datetime import UTC, datetime

import pytest
from django.db.models import Sum

from qadesk.accounts.models import Agent
from qadesk.competence.demo import demo_training_create
from qadesk.competence.models import Completion
from qadesk.testing.factories import make_agent, make_site, make_team

pytestmark = pytest.mark.django_db


def test_the_demo_trains_lyon_livraisons_less_and_lets_some_certificates_expire() -> None:
    lyon, milano = make_team("Lyon Livraisons", make_site("Lyon")), make_team("Milano Ordini", make_site("Milano"))
    for i in range(12):
        make_agent(f"l{i}", lyon)
        make_agent(f"m{i}", milano)
    end = datetime(2026, 12, 1, tzinfo=UTC)
    assert demo_training_create(end=end, seed=7) > 0
    assert demo_training_create(end=end, seed=7) == Completion.objects.count()  # replaces, does not add

    def days(team: str) -> float:
        agents = Agent.objects.filter(team__name=team)
        return float(Completion.objects.filter(agent__in=agents).aggregate(d=Sum("course__days"))["d"])

    assert days("Lyon Livraisons") < 0.7 * days("Milano Ordini")
    assert Completion.objects.filter(expires_on__lt=end.date()).exists()
