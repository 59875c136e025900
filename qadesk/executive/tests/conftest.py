"""Executive fixtures: October and November 2026 worked by hand — reviews, survey answers and contacts — so that IQS,
pass rate, errors, CSAT, NPS, CES, service level and AHT all have a previous and a current period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from qadesk.accounts.models import Agent, User
from qadesk.analytics.tests.conftest import make_review
from qadesk.notifications.tests.conftest import smtp_server, smtp_unreachable  # noqa: F401  (the SMTP fixtures)
from qadesk.scorecards.models import ScorecardVersion
from qadesk.surveys.models import Survey, SurveyAnswer, SurveyResponse
from qadesk.surveys.services import survey_templates_install
from qadesk.testing import factories as f

OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def at(month: int, day: int) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, 12))


@dataclass(frozen=True)
class Worked:
    agent: Agent


def _answer(survey: Survey, code: str, value: int, when: datetime) -> None:
    version = survey.current_version()
    assert version is not None
    response = SurveyResponse.objects.create(survey=survey, version=version, source="link", started_at=when)
    SurveyAnswer.objects.create(response=response, question=version.questions.get(code=code), value=value)


@pytest.fixture
def worked(agent: Agent, reviewer: User, default_scorecard: ScorecardVersion) -> Worked:
    """October: 10 reviews 70/80 (IQS 75, pass rate 0 %), 1 high-impact error each; November: 10 reviews 90/100 (IQS 95,
    pass rate 100 %), none. CSAT: October 2 of 4 top-two (50 %), November 4 of 4 (100 %). NPS: October 10, 10, 0, 0
    (0), November 10, 10, 8, 0 (25). CES: October 4, 4; November 6, 6. Contacts: October 2 answered in 10 s and
    30 s (service level 50 %), handled 400 s and 300 s (AHT 350 s); November 2 answered in 5 s, handled 200 s and 300 s."""
    for i in range(10):
        make_review(agent, default_scorecard, reviewer, 70.0 + 10 * (i % 2), submitted_at=at(10, 5 + i), high=1)
        make_review(agent, default_scorecard, reviewer, 90.0 + 10 * (i % 2), submitted_at=at(11, 5 + i))
    survey_templates_install()
    post, relationship = Survey.objects.get(kind="post_contact"), Survey.objects.get(kind="relationship")
    for value in (5, 4, 2, 1):
        _answer(post, "csat", value, at(10, 10))
    for value in (5, 5, 4, 4):
        _answer(post, "csat", value, at(11, 10))
    for value in (10, 10, 0, 0):
        _answer(relationship, "nps", value, at(10, 11))
    for value in (10, 10, 8, 0):
        _answer(relationship, "nps", value, at(11, 11))
    for value in (4, 4):
        _answer(post, "ces", value, at(10, 12))
    for value in (6, 6):
        _answer(post, "ces", value, at(11, 12))
    for month, waits, handles in ((10, (10, 30), (400, 300)), (11, (5, 5), (200, 300))):
        for wait, handle in zip(waits, handles, strict=True):
            created = at(month, 15)
            f.make_interaction(
                agent,
                channel="phone",
                created_at=created,
                queued_at=created,
                answered_at=created + timedelta(seconds=wait),
                talk_seconds=handle,
                messages=[],
            )
    return Worked(agent=agent)
