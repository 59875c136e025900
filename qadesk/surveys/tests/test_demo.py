"""The demo contact centre gets surveys with a realistic response rate, ratings that follow its planted mistakes."""

import pytest

from qadesk.accounts.models import Role, User
from qadesk.demo.services import demo_load
from qadesk.surveys.models import Survey, SurveyAnswer
from qadesk.surveys.selectors import survey_results

pytestmark = pytest.mark.django_db


def test_the_demo_answers_every_kind_of_survey_and_a_reload_adds_no_open_answers() -> None:
    demo_load(interactions=600, reviews=10, days=20, seed=3, story=False)
    system = User(username="system", role=Role.ADMIN, is_superuser=True)
    results = survey_results(actor=system, survey=Survey.objects.get(kind="post_contact"))
    rate = results.overall.response_rate
    assert rate is not None and rate.value is not None and 10 <= rate.value <= 40
    ratings = [a.value for a in SurveyAnswer.objects.filter(question__code="csat", response__source="invitation")]
    assert min(ratings) <= 2 and max(ratings) == 5  # type: ignore[type-var]
    for kind in ("relationship", "self_service", "suggestion_box"):
        assert Survey.objects.get(kind=kind).responses.exists(), kind
    before = SurveyAnswer.objects.filter(response__source="open").count()
    demo_load(interactions=600, reviews=10, days=20, seed=3, story=False, replace=True)
    assert SurveyAnswer.objects.filter(response__source="open").count() == before
