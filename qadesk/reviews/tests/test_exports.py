"""Downloading the review list and its ratings, through the page and the API, in English, Italian and French."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from qadesk.accounts.models import Agent, User
from qadesk.interactions.models import Interaction
from qadesk.reviews.models import Review
from qadesk.reviews.services import review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import perfect_ratings
from qadesk.scorecards.models import ScorecardVersion
from qadesk.testing.clients import api_client, page_client
from qadesk.testing.exports import read_csv, read_number, read_xlsx, sheet_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviews(
    default_scorecard: ScorecardVersion, interaction: Interaction, other_interaction: Interaction, reviewer: User
) -> list[Review]:
    reviewer.first_name, reviewer.last_name = "Rita", "Verdi"
    reviewer.save()
    done = []
    for target in (interaction, other_interaction):
        review = review_create(interaction=target, actor=reviewer)
        review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard, empathy=2, right_sop=0))
        done.append(review_submit(review=review, actor=reviewer))
    return done


def doors(user: User) -> dict[str, tuple[object, str]]:
    return {"page": (page_client(user), "/reviews/"), "api": (api_client(user), "/api/v1/reviews/")}


@pytest.mark.parametrize("door", ["page", "api"])
@pytest.mark.parametrize("language", ["en", "it", "fr"])
def test_it_downloads_the_reviews_as_csv_in_the_users_language(
    reviews: list[Review], qa_lead: User, door: str, language: str
) -> None:
    qa_lead.language = language
    qa_lead.save()
    client, base = doors(qa_lead)[door]
    response = client.get(base + "export" + ("/" if door == "page" else ""), {"format": "csv"})  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    header, *rows = read_csv(response, language)
    with translation.override(language):
        expected = [gettext(h) for h in ("Review", "Score", "Reviewer")]
    assert [header[0], header[8], header[3]] == expected
    assert {int(r[0]) for r in rows} == {r.pk for r in reviews}
    by_id = {int(r[0]): r for r in rows}
    review = reviews[0]
    review.refresh_from_db()
    assert read_number(by_id[review.pk][8], language) == pytest.approx(round(review.score, 1))
    assert by_id[review.pk][3] == "Rita Verdi"  # the person, not the username


@pytest.mark.parametrize("door", ["page", "api"])
def test_it_downloads_the_reviews_as_xlsx_with_numbers_and_dates(reviews: list[Review], qa_lead: User, door: str) -> None:
    client, base = doors(qa_lead)[door]
    response = client.get(base + "export" + ("/" if door == "page" else ""), {"format": "xlsx"})  # type: ignore[attr-defined]
    rows = sheet_rows(read_xlsx(response))
    assert len(rows) == 2
    row = rows[0]
    assert row["Review"].data_type == "n" and isinstance(row["Review"].value, int)
    assert row["Score"].data_type == "n" and row["Score"].number_format == "0.0"
    assert row["Submitted"].is_date
    assert row["Passed"].value in ("yes", "no")


@pytest.mark.parametrize("door", ["page", "api"])
def test_an_agent_downloads_only_their_own_reviews(reviews: list[Review], agent_user: User, agent: Agent, door: str) -> None:
    client, base = doors(agent_user)[door]
    response = client.get(base + "export" + ("/" if door == "page" else ""))  # type: ignore[attr-defined]
    _header, *rows = read_csv(response, "en")
    assert [int(r[0]) for r in rows] == [r.pk for r in reviews if r.agent_id == agent.pk]


def test_the_page_export_keeps_the_lists_filters(reviews: list[Review], qa_lead: User, agent: Agent) -> None:
    response = page_client(qa_lead).get("/reviews/export/", {"agent": agent.pk, "format": "csv"})
    _header, *rows = read_csv(response, "en")
    assert [int(r[0]) for r in rows] == [reviews[0].pk]


def test_the_list_page_links_to_its_downloads_with_its_filters(reviews: list[Review], qa_lead: User, agent: Agent) -> None:
    html = page_client(qa_lead).get("/reviews/", {"agent": agent.pk, "page": "1"}).content.decode()
    assert f'href="/reviews/export/?agent={agent.pk}&amp;format=xlsx"' in html
    assert f'href="/reviews/ratings/export/?agent={agent.pk}&amp;format=csv"' in html


@pytest.mark.parametrize("door", ["page", "api"])
@pytest.mark.parametrize("language", ["en", "it", "fr"])
def test_it_downloads_one_row_per_review_and_criterion_with_pass_fail_words(
    reviews: list[Review], qa_lead: User, default_scorecard: ScorecardVersion, door: str, language: str
) -> None:
    qa_lead.language = language
    qa_lead.save()
    client, base = doors(qa_lead)[door]
    response = client.get(base + "ratings/export" + ("/" if door == "page" else ""))  # type: ignore[attr-defined]
    header, *rows = read_csv(response, language)
    with translation.override(language):
        assert header[8] == gettext("Rating")
    criteria = default_scorecard.sections.values_list("criteria", flat=True).count()
    assert len(rows) == 2 * criteria
    right_sop = next(r for r in rows if int(r[0]) == reviews[0].pk and r[6] == "right_sop")
    with translation.override(language):
        assert right_sop[8] == gettext("No")  # a failed pass/fail criterion in words, not 0
    assert right_sop[9] == "0"


def test_an_unknown_format_is_refused(reviews: list[Review], qa_lead: User) -> None:
    assert page_client(qa_lead).get("/reviews/export/", {"format": "pdf"}).status_code == 400
    assert api_client(qa_lead).get("/api/v1/reviews/export", {"format": "pdf"}).status_code == 422


def test_anonymous_visitors_cannot_download(reviews: list[Review], client: object) -> None:
    assert client.get("/reviews/export/").status_code == 302  # type: ignore[attr-defined]
    assert client.get("/api/v1/reviews/export").status_code == 401  # type: ignore[attr-defined]
