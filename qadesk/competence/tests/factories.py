"""Small test data for competence: courses, completions, reviews with competence ratings, survey answers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from qadesk.accounts.models import Agent, User
from qadesk.competence.models import Completion, Course
from qadesk.reviews.models import Rating, Review
from qadesk.scorecards.models import Criterion, ScorecardVersion
from qadesk.surveys.models import Question, Survey, SurveyAnswer, SurveyResponse, SurveyVersion
from qadesk.testing.factories import make_interaction

_seq = count(1)


def make_course(
    code: str, days: str = "2", *, required: bool = True, criteria: tuple[str, ...] = (), validity: int | None = None
) -> Course:
    return Course.objects.create(
        code=code,
        name=f"Course {code}",
        skill="procedures",
        days=Decimal(days),
        required_roles=["agent"] if required else [],
        criterion_codes=list(criteria),
        validity_days=validity,
    )


def complete(agent: Agent, course: Course, done: date, expires: date | None = None) -> Completion:
    return Completion.objects.create(agent=agent, course=course, completed_on=done, expires_on=expires)


def reviewed(
    agent: Agent,
    version: ScorecardVersion,
    reviewer: User,
    scores: dict[str, float],
    *,
    when: datetime | None = None,
    total: float = 80.0,
) -> Review:
    """A submitted review of `agent` with the given criterion scores (by code)."""
    when = when or timezone.now() - timedelta(days=2)
    review = Review.objects.create(
        interaction=make_interaction(agent, created_at=when - timedelta(hours=1)),
        scorecard_version=version,
        reviewer=reviewer,
        agent=agent,
        status="submitted",
        score=total,
        submitted_at=when,
    )
    criteria = {c.code: c for c in Criterion.objects.filter(section__version=version)}
    Rating.objects.bulk_create(
        Rating(review=review, criterion=criteria[code], value=1 if score >= 50 else 0, score=score, failed=score < 50)
        for code, score in scores.items()
    )
    return review


def survey_answers(agent: Agent, values: list[int], *, code: str = "agent_skill", when: datetime | None = None) -> None:
    """Answers to a 1–5 question `code` on interactions handled by `agent`."""
    number = next(_seq)
    survey = Survey.objects.create(code=f"s{number}", name={"en": "Survey"})
    version = SurveyVersion.objects.create(survey=survey, number=1, status="published")
    question = Question.objects.create(version=version, code=code, position=1, kind="csat", text={"en": "Skill?"})
    for value in values:
        response = SurveyResponse.objects.create(
            survey=survey,
            version=version,
            interaction=make_interaction(agent),
            source="import",
            started_at=when or timezone.now() - timedelta(days=2),
        )
        SurveyAnswer.objects.create(response=response, question=question, value=value)
