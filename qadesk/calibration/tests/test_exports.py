"""Downloading a calibration session's results: the tables the results page shows, with its blind rules."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from qadesk.accounts.models import User
from qadesk.calibration.models import CalibrationSession
from qadesk.calibration.services import calibration_score_submit
from qadesk.calibration.tests.helpers import top_ratings
from qadesk.scorecards.models import ScorecardVersion
from qadesk.testing.clients import api_client, page_client
from qadesk.testing.exports import read_csv, read_number, read_xlsx, sheet_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def half_scored(
    session: CalibrationSession, default_scorecard: ScorecardVersion, reviewer: User, expert: User
) -> CalibrationSession:
    """The expert (Ines Bianchi) scored both items; dario only the first."""
    expert.first_name, expert.last_name = "Ines", "Bianchi"
    expert.save()
    first, second = session.items.all()
    for item in (first, second):
        calibration_score_submit(item=item, actor=expert, ratings=top_ratings(default_scorecard))
    calibration_score_submit(item=first, actor=reviewer, ratings=top_ratings(default_scorecard, empathy=2))
    return session


def get(user: User, door: str, session: CalibrationSession, **params: str) -> object:
    if door == "page":
        return page_client(user).get(f"/calibration/{session.pk}/results/export/", params)
    return api_client(user).get(f"/api/v1/calibration/sessions/{session.pk}/results/export", params)


@pytest.mark.parametrize("door", ["page", "api"])
@pytest.mark.parametrize("language", ["en", "it", "fr"])
def test_the_qa_lead_downloads_the_reviewers_by_name(
    half_scored: CalibrationSession, qa_lead: User, door: str, language: str
) -> None:
    qa_lead.language = language
    qa_lead.save()
    header, *rows = read_csv(get(qa_lead, door, half_scored), language)
    with translation.override(language):
        assert header[0] == gettext("Reviewer")
    by_name = {r[0]: r for r in rows}
    assert set(by_name) == {"Ines Bianchi", "dario"}  # full name where there is one
    assert read_number(by_name["dario"][2], language) > 0  # a deviation from the benchmark, in the language's format


@pytest.mark.parametrize("door", ["page", "api"])
def test_the_criteria_table_downloads_as_xlsx_with_numbers(half_scored: CalibrationSession, qa_lead: User, door: str) -> None:
    rows = sheet_rows(read_xlsx(get(qa_lead, door, half_scored, table="criteria", format="xlsx")))
    assert {r["Criterion code"].value for r in rows} >= {"empathy", "right_sop"}
    agreement = next(r["Agreement (%)"] for r in rows if r["Agreement (%)"].value is not None)
    assert agreement.data_type == "n" and agreement.number_format == "0.0"


@pytest.mark.parametrize("door", ["page", "api"])
def test_a_participant_still_blind_downloads_only_their_own_figures(
    half_scored: CalibrationSession, reviewer: User, door: str
) -> None:
    _header, *rows = read_csv(get(reviewer, door, half_scored), "en")
    assert [r[0] for r in rows] == ["dario"]
    assert rows[0][2] == ""  # no benchmark yet for him: the expert's ratings are hidden


@pytest.mark.parametrize("door", ["page", "api"])
def test_someone_outside_calibration_cannot_download(half_scored: CalibrationSession, agent_user: User, door: str) -> None:
    assert get(agent_user, door, half_scored).status_code == 404  # type: ignore[attr-defined]
