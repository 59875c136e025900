"""The probes testers sent from outside, by name: each answered 500 once; now each gets a 4xx with a reason.

Unicode digits (`'²'.isdigit()` is True but `int('²')` fails), integers past 2⁶³−1, null characters (PostgreSQL cannot
store them), deep JSON, HTML error pages under /api/. The fuzz test (test_api_fuzz.py) looks for more of the same.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from qadesk.accounts.models import User
from qadesk.accounts.services import api_token_create
from qadesk.core.inputs import MAX_INT, parse_id

pytestmark = pytest.mark.django_db
JSON = "application/json"
HUGE = str(2**63 + 1)


def api_client(user: User) -> Client:
    _token, key = api_token_create(user=user, name="probe")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}", raise_request_exception=False)


def page_client(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def problem(response: Any) -> dict[str, Any]:
    """The first entry of a 422 answer."""
    assert response.status_code == 422, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return response.json()["detail"][0]


@pytest.fixture
def lead_api(qa_lead: User) -> Client:
    return api_client(qa_lead)


@pytest.fixture
def review(default_scorecard: Any, interaction: Any, reviewer: User) -> Any:
    from qadesk.reviews.services import review_create, review_save, review_submit
    from qadesk.reviews.tests.helpers import perfect_ratings

    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard))
    return review_submit(review=review, actor=reviewer)


# --- Unit: parse_id -------------------------------------------------------------------------------------------------


def test_it_reads_ids_as_ascii_digits_within_the_database_range() -> None:
    assert parse_id("42") == 42
    assert parse_id(str(MAX_INT)) == MAX_INT
    for hostile in ("²", "٣", "-1", "0", " 1", "1_000", "1e3", "", HUGE, None):
        assert parse_id(hostile) is None, hostile


# --- Unicode digits -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["agent", "team", "site", "label"])
def test_it_answers_422_to_unicode_digits_in_an_id_filter(lead_api: Client, name: str) -> None:
    assert problem(lead_api.get("/api/v1/interactions", {name: "²"}))["loc"] == ["query", name]


@pytest.mark.parametrize("name", ["agent", "team", "site", "label"])
def test_it_reads_unicode_digits_in_a_report_filter_as_a_name_not_an_id(lead_api: Client, name: str, agent: Any) -> None:
    response = lead_api.get("/api/v1/reports/quality", {name: "²"})
    assert response.status_code == 200
    assert response.json()["totals"]["n"] == 0


def test_it_answers_404_to_unicode_digits_as_an_assignments_reviewer(lead_api: Client, interaction: Any) -> None:
    response = lead_api.post(
        "/api/v1/reviews/assignments", {"interactions": [interaction.pk], "reviewer": "²"}, content_type=JSON
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_it_refuses_an_agent_assigning_reviews_before_looking_anything_up(agent_user: User, interaction: Any) -> None:
    payload = {"interactions": [interaction.pk, 2**40], "reviewer": "²"}
    response = api_client(agent_user).post("/api/v1/reviews/assignments", payload, content_type=JSON)
    assert response.status_code == 403
    assert response.json() == {"detail": "Only QA leads can assign reviews."}


def test_it_answers_404_to_unicode_digits_as_the_agent_to_credit(qa_lead: User, review: Any, agent_user: User) -> None:
    from qadesk.disputes.services import dispute_open

    dispute = dispute_open(review=review, actor=agent_user, argument="Not me.", items=[], kind="wrong_agent")
    response = api_client(qa_lead).post(f"/api/v1/disputes/{dispute.pk}/decide", {"credit_agent": "²"}, content_type=JSON)
    assert response.status_code == 404


# --- Integers past 2⁶³−1 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/interactions", "agent"),
        ("/api/v1/interactions", "limit"),
        ("/api/v1/interactions", "offset"),
        ("/api/v1/reviews", "interaction"),
        ("/api/v1/reviews", "offset"),
        ("/api/v1/disputes", "limit"),
        ("/api/v1/notifications", "offset"),
        ("/api/v1/sampling/runs", "plan"),
    ],
)
def test_it_answers_422_to_an_integer_past_the_database_range(lead_api: Client, url: str, name: str) -> None:
    assert problem(lead_api.get(url, {name: HUGE}))["loc"] == ["query", name]


def test_it_answers_an_empty_page_at_the_largest_offset(lead_api: Client, interaction: Any) -> None:
    response = lead_api.get("/api/v1/interactions", {"offset": MAX_INT, "limit": MAX_INT})
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    ("url", "body", "loc"),
    [
        ("/api/v1/reviews/assignments", {"interactions": [2**64], "reviewer": "dario"}, ["body", "interactions", 0]),
        ("/api/v1/notifications/read", {"ids": [-(2**70)]}, ["body", "ids", 0]),
        ("/api/v1/reviews", {"interaction": 2**63}, ["body", "interaction"]),
    ],
)
def test_it_answers_422_to_an_integer_past_the_range_in_a_body(
    lead_api: Client, reviewer: User, url: str, body: Any, loc: list
) -> None:
    assert problem(lead_api.post(url, body, content_type=JSON))["loc"] == loc


def test_it_answers_422_to_a_negative_id(lead_api: Client) -> None:
    assert problem(lead_api.get("/api/v1/interactions", {"team": "-1"}))["loc"] == ["query", "team"]
    body = {"interactions": [-5], "reviewer": "dario"}
    assert problem(lead_api.post("/api/v1/reviews/assignments", body, content_type=JSON))["loc"][-2:] == ["interactions", 0]


# --- Null characters --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["q", "channel", "status", "team"])
def test_it_answers_422_to_a_null_character_in_a_query_parameter(lead_api: Client, name: str) -> None:
    url = "/api/v1/reports/quality" if name == "team" else "/api/v1/interactions"
    found = problem(lead_api.get(url, {name: "a\x00b"}))
    assert (found["type"], found["loc"], found["msg"]) == ("null_character", ["query", name], "must not contain a null character")


@pytest.mark.parametrize("path", ["/api/v1/calibration/reviewers/da%00rio", "/api/v1/scorecards/de%00fault"])
def test_it_answers_422_to_a_null_character_in_a_path(lead_api: Client, reviewer: User, path: str) -> None:
    assert problem(lead_api.get(path))["loc"] == ["path"]


def test_it_answers_422_to_a_null_character_in_a_review_comment(default_scorecard: Any, interaction: Any, reviewer: User) -> None:
    from qadesk.reviews.services import review_create

    review = review_create(interaction=interaction, actor=reviewer)
    response = api_client(reviewer).put(
        f"/api/v1/reviews/{review.pk}/ratings", {"ratings": [], "comment": "o\x00k"}, content_type=JSON
    )
    assert problem(response)["loc"] == ["body", "comment"]


def test_it_answers_422_to_a_null_character_in_a_coaching_note(lead_api: Client, review: Any) -> None:
    response = lead_api.post(f"/api/v1/reviews/{review.pk}/coaching-notes", {"body": "\x00"}, content_type=JSON)
    assert problem(response)["loc"] == ["body", "body"]
    assert not review.coaching_notes.exists()


def test_it_answers_422_to_a_null_character_in_an_imported_record(lead_api: Client) -> None:
    record = {
        "external_id": "T-1",
        "source": "zendesk",
        "channel": "email",
        "created_at": "2026-10-01T09:00:00Z",
        "subject": "a\x00",
    }
    response = lead_api.post("/api/v1/imports/interactions", {"records": [record]}, content_type=JSON)
    assert problem(response)["loc"] == ["body", "records", 0, "subject"]


def test_it_refuses_a_null_character_in_a_coaching_note_form(qa_lead: User, review: Any) -> None:
    response = page_client(qa_lead).post(f"/reviews/{review.pk}/coaching/", {"body": "a\x00b"})
    assert response.status_code == 400
    assert "null character" in response.content.decode()
    assert not review.coaching_notes.exists()


def test_it_says_why_in_the_callers_language(qa_lead: User) -> None:
    qa_lead.language = "it"
    qa_lead.save()
    found = problem(api_client(qa_lead).get("/api/v1/interactions", {"q": "\x00"}))
    assert found["msg"] != "must not contain a null character"


# --- Deep JSON, malformed JSON ----------------------------------------------------------------------------------------


def test_it_answers_422_to_json_nested_100000_levels_deep(lead_api: Client) -> None:
    body = "[" * 100_000 + "]" * 100_000
    found = problem(lead_api.post("/api/v1/imports/interactions", body, content_type=JSON))
    assert found["type"] == "too_deep"


def test_it_answers_400_json_to_a_body_that_is_not_json(lead_api: Client) -> None:
    response = lead_api.post("/api/v1/notifications/read", "{not json", content_type=JSON)
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid JSON."}


# --- Over-long text ---------------------------------------------------------------------------------------------------


def test_it_answers_422_to_a_plan_name_longer_than_the_column(lead_api: Client, reviewer: User) -> None:
    body = {"name": "x" * 201, "reviewers": [reviewer.pk]}
    found = problem(lead_api.post("/api/v1/sampling/plans", body, content_type=JSON))
    assert found["loc"][-1] == "name"


# --- Error pages: JSON under /api/, HTML elsewhere ------------------------------------------------------------------


def test_it_answers_json_404_under_the_api_and_html_elsewhere(lead_api: Client, qa_lead: User) -> None:
    api_404 = lead_api.get("/api/v1/no-such-thing")
    assert (api_404.status_code, api_404.json()) == (404, {"detail": "Not found."})
    page_404 = page_client(qa_lead).get("/no-such-page/")
    assert page_404.status_code == 404
    assert page_404["Content-Type"].startswith("text/html")


def test_it_answers_json_405_under_the_api(lead_api: Client) -> None:
    response = lead_api.delete("/api/v1/interactions")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method not allowed."}
    assert response["Allow"] == "GET"


def test_it_answers_json_401_without_a_token() -> None:
    response = Client().get("/api/v1/interactions")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_it_answers_json_500_under_the_api_and_html_elsewhere(
    lead_api: Client, qa_lead: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("qadesk.interactions.selectors.interaction_list", broken)
    monkeypatch.setattr("qadesk.interactions.views.interaction_list", broken)
    api_500 = lead_api.get("/api/v1/interactions")
    assert api_500.status_code == 500
    assert set(api_500.json()) == {"detail"}
    page_500 = page_client(qa_lead).get("/interactions/")
    assert page_500.status_code == 500
    assert page_500["Content-Type"].startswith("text/html")


def test_it_answers_the_api_404_in_the_callers_language(qa_lead: User) -> None:
    qa_lead.language = "fr"
    qa_lead.save()
    assert api_client(qa_lead).get("/api/v1/interactions/999999").json() != {"detail": "Not found."}


# --- Pages: hostile filters and forms -----------------------------------------------------------------------------

HOSTILE = ["²", HUGE, "-1", "a\x00b", "x" * 5000, "9999-12-31", "0001-01-01", "' OR 1=1 --"]
LIST_PAGES = {
    "/interactions/": ["q", "channel", "team", "site", "label", "phase", "language", "status", "agent", "date_from", "date_to"],
    "/reviews/": ["status", "agent", "reviewer"],
    "/reviews/mine/": ["period"],
    "/reviews/queue/": [],
    "/disputes/": ["status", "overdue", "assignee", "team"],
    "/disputes/dashboard/": [],
    "/calibration/": [],
    "/reports/quality/": ["by", "date_from", "date_to", "period", "agent", "team", "site", "channel", "label", "phase"],
    "/reports/statistics/": ["by", "margin", "date_from", "date_to", "a_from", "a_to", "b_from", "b_to"],
    "/notifications/": [],
    "/sampling/": [],
}


def test_it_never_answers_500_to_hostile_filters_on_the_list_pages(qa_lead: User, review: Any) -> None:
    client = page_client(qa_lead)
    failures = []
    for url, names in LIST_PAGES.items():
        for name in [*names, "page", "format"]:
            for value in HOSTILE:
                response = client.get(url, {name: value})
                if response.status_code >= 500 or (response.status_code != 400 and "\x00" in value):
                    failures.append((url, name, value[:20], response.status_code))
    assert failures == []


@pytest.mark.parametrize(
    "path",
    [
        "/interactions/{n}/",
        "/reviews/{n}/",
        "/reviews/{n}/edit/",
        "/disputes/{n}/",
        "/disputes/open/{n}/",
        "/calibration/{n}/",
        "/calibration/{n}/items/{n}/score/",
        "/calibration/{n}/results/",
        "/sampling/{n}/",
        "/sampling/runs/{n}/",
        "/sampling/jobs/{n}/",
        "/notifications/{n}/open/",
    ],
)
def test_it_answers_404_to_an_id_past_the_range_in_a_page_address(qa_lead: User, path: str) -> None:
    assert page_client(qa_lead).get(path.format(n=HUGE)).status_code == 404


def test_a_bad_filter_value_shows_its_error_and_the_other_filters_still_apply(qa_lead: User, interaction: Any) -> None:
    response = page_client(qa_lead).get("/interactions/", {"agent": "²", "channel": "chat"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert interaction.external_id not in response.content.decode()  # an e-mail: the channel filter still applies


def test_it_never_answers_500_to_hostile_ids_in_forms(qa_lead: User, review: Any, reviewer: User, default_scorecard: Any) -> None:
    from qadesk.calibration.services import calibration_session_create
    from qadesk.sampling.services import sampling_plan_create

    session = calibration_session_create(
        actor=qa_lead,
        title="Probe",
        scorecard_version=default_scorecard,
        interactions=[review.interaction],
        participants=[reviewer, qa_lead],
        deadline=timezone.now() + timedelta(days=1),
    )
    plan = sampling_plan_create(actor=qa_lead, reviewers=[reviewer], name="Probe plan")
    client = page_client(qa_lead)
    item = session.items.get()
    criterion = review.ratings.first().criterion
    posts = [
        ("/reviews/new/", {"interaction": "²"}),
        ("/reviews/new/", {"interaction": HUGE}),
        ("/reviews/new/", {"interaction": review.interaction_id, "message": "²"}),
        ("/reviews/assign/", {"interactions": ["²", HUGE, "-1"], "reviewer": "²"}),
        ("/calibration/new/", {"title": "t", "interaction_refs": f"² ٣ {HUGE} -1"}),
        (f"/calibration/{session.pk}/agreed/", {f"a{item.pk}_{criterion.pk}": "²"}),
        (f"/calibration/{session.pk}/agreed/", {f"a{item.pk}_{criterion.pk}": HUGE}),
        (f"/calibration/{session.pk}/agreed/clear/", {"clear": f"a²_{criterion.pk}"}),
        (f"/calibration/{session.pk}/agreed/clear/", {"clear": f"a{HUGE}_{HUGE}"}),
        (f"/reviews/{review.pk}/coaching/", {"body": "x" * 100_000}),
        (f"/disputes/open/{review.pk}/", {"kind": "criteria", "argument": "²"}),
    ]
    failures = [(url, data, r.status_code) for url, data in posts if (r := client.post(url, data)).status_code >= 500]
    gets = [f"/sampling/{plan.pk}/coverage/?run=²", f"/sampling/{plan.pk}/coverage/?run={HUGE}", "/calibration/reviewers/%C2%B2/"]
    failures += [(url, None, r.status_code) for url in gets if (r := client.get(url)).status_code >= 500]
    assert failures == []


def test_it_keeps_the_error_pages_in_the_users_language(qa_lead: User) -> None:
    qa_lead.language = "it"
    qa_lead.save()
    response = page_client(qa_lead).get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" not in response.content.decode()
