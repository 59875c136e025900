"""Survey fixtures: the shipped templates, a personal link about alice's contact, and helpers to answer through the door."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from qadesk.interactions.models import Interaction
from qadesk.notifications.tests.conftest import smtp_server, smtp_unreachable  # noqa: F401  (the SMTP fixtures)
from qadesk.surveys.models import Survey, SurveyInvitation
from qadesk.surveys.services import invitation_create, survey_templates_install


@pytest.fixture(autouse=True)
def _empty_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def templates(db: None) -> dict[str, Survey]:
    survey_templates_install()
    return {s.kind: s for s in Survey.objects.all()}


@pytest.fixture
def post_contact(templates: dict[str, Survey]) -> Survey:
    return templates["post_contact"]


@pytest.fixture
def invitation(post_contact: Survey, interaction: Interaction) -> SurveyInvitation:
    return invitation_create(survey=post_contact, interaction=interaction, language="en")


def answer(client: Client, url: str, question: str, *values: Any, **extra: Any) -> Any:
    """POST one question's answer the way the form does."""
    return client.post(url, {"question": question, "answer": [str(v) for v in values], **extra})
