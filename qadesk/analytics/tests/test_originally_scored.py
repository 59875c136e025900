"""The quality report "as originally scored": disputes' effect made visible."""

import pytest
from django.core.management import call_command

from qadesk.analytics.selectors import quality_report
from qadesk.reviews.services import review_create, review_revise, review_save, review_submit
from qadesk.reviews.tests.helpers import criteria_by_code, perfect_ratings

pytestmark = pytest.mark.django_db


@pytest.fixture
def revised(default_scorecard, interaction, reviewer):
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard, right_sop=0))
    review_submit(review=review, actor=reviewer)
    right_sop = criteria_by_code(default_scorecard)["right_sop"]
    return review_revise(review=review, actor=reviewer, values={right_sop.pk: 1}, reason="SOP was right after all")


def test_the_report_shows_revised_or_original_scores(revised, qa_lead) -> None:
    now = quality_report(actor=qa_lead, by="agent", date_from=None, date_to=None)
    before = quality_report(actor=qa_lead, by="agent", date_from=None, date_to=None, as_originally_scored=True)
    assert (now.totals.iqs, now.totals.high_impact_errors) == (100.0, 0)
    assert (before.totals.iqs, before.totals.high_impact_errors) == (0.0, 1)
    assert before.groups[0].iqs == 0.0 and before.as_originally_scored


def test_the_api_and_cli_take_the_option(revised, qa_lead, client, capsys) -> None:
    client.force_login(qa_lead)
    body = client.get("/api/v1/reports/quality?by=agent&as_originally_scored=true").json()
    assert body["totals"]["iqs"] == 0.0 and body["as_originally_scored"] is True
    assert client.get("/api/v1/reports/quality?by=agent").json()["totals"]["iqs"] == 100.0
    call_command("qreport", "quality", "--by", "agent", "--format", "csv", "--as-originally-scored")
    assert ",0.0," in capsys.readouterr().out
    page = client.get("/reports/quality/?by=agent&as_originally_scored=on")
    assert page.status_code == 200 and b"As originally scored" in page.content
