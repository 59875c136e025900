# ruff: noqa: E501 - the reference templates below are the old ones, line for line
"""The interaction and review lists at scale (issues 13 and 14): sorting, filters, numbered pages with a size, the queue
state, "assign all N matching" / "a random N", one queue per interaction, rows written in Python, flat query counts."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from ninja.responses import NinjaJSONEncoder

from qadesk.accounts.models import OrgSettings, Role
from qadesk.accounts.services import api_token_create
from qadesk.core.lists import ListPage, page_window, paginate, parse_page_size, parse_sort
from qadesk.interactions.api import InteractionOut, PagedInteractionOut
from qadesk.interactions.models import Customer, Interaction
from qadesk.interactions.selectors import INTERACTION_SORTS, ROW_COLUMNS, interaction_list
from qadesk.interactions.tables import interaction_rows
from qadesk.reviews.models import AssignmentStatus, Review, ReviewAssignment
from qadesk.reviews.services import assignments_create, review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import perfect_ratings
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db

JSON = "application/json"


def bearer(user) -> Client:
    _token, key = api_token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def as_json(item) -> dict:
    """What ninja answered for a schema-validated item (its JSON encoder: datetimes to the millisecond)."""
    return json.loads(json.dumps(item.model_dump(), cls=NinjaJSONEncoder))


def ids_on_page(response) -> list[int]:
    return response.context["page_obj"].ids


def submitted(reviewer, interaction, version) -> Review:
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(version), comment="ok")
    return review_submit(review=review, actor=reviewer)


# --- Pure pieces -------------------------------------------------------------------------------------------------------


def test_sort_keys_are_whitelisted() -> None:
    assert parse_sort("-messages", INTERACTION_SORTS, "-created") == "-messages"
    assert parse_sort("messages", INTERACTION_SORTS, "-created") == "messages"
    for bad in ("password", "-agent__user__password", "", None, "--created"):
        assert parse_sort(bad, INTERACTION_SORTS, "-created") == "-created"


def test_page_sizes_are_a_short_list() -> None:
    assert [parse_page_size(v) for v in ("25", "100", "50", "7", "10000", "", None, "x")] == [25, 100, 50, 50, 50, 50, 50, 50]


def test_the_page_window_links_the_ends_and_the_neighbours() -> None:
    assert page_window(1, 1) == [1]
    assert page_window(1, 10) == [1, 2, 3, None, 10]
    assert page_window(6, 10) == [1, None, 4, 5, 6, 7, 8, None, 10]
    assert page_window(10, 10) == [1, None, 8, 9, 10]
    assert page_window(5, None) == [1, None, 3, 4, 5, 6, 7]  # count past the cap: no last page


def test_a_page_past_the_cap_says_more_than_and_still_goes_on() -> None:
    page = ListPage(rows=[{"id": i} for i in range(50)], number=3, size=50, count=10_000, count_exact=False)
    assert page.num_pages is None and page.has_next and page.has_previous
    assert (page.start_index, page.end_index) == (101, 150)
    last = ListPage(rows=[{"id": 1}], number=4, size=50, count=10_000, count_exact=False)
    assert not last.has_next


def test_the_capped_count_stops_at_the_cap_on_postgresql(agent) -> None:
    for _ in range(7):
        f.make_interaction(agent)
    page = paginate(Interaction.objects.order_by("id"), number=2, size=2, count_cap=5)
    if connection.vendor == "postgresql":
        assert (page.count, page.count_exact, page.num_pages) == (5, False, None)
    else:  # SQLite counts exactly (cheap there)
        assert (page.count, page.count_exact, page.num_pages) == (7, True, 4)
    assert len(page.rows) == 2 and page.number == 2


# --- Rows written in Python are what the template wrote -------------------------------------------------------------

# The row of interactions/_table.html before it moved to Python (the reference).
OLD_INTERACTION_ROW = Template(
    """{% load i18n qadesk qadesk_interactions qadesk_reviews %}<tr>
      <td class="check"><input type="checkbox" name="interactions" value="{{ i.pk }}" form="bulk-assign" data-select aria-label="{% blocktranslate with id=i.external_id %}Select {{ id }}{% endblocktranslate %}"></td>
      <td class="ref"><a class="row-link" href="{% url 'interactions:detail' i.pk %}">{{ i.external_id }}</a>
        {% if i.subject %}<br><small>{{ i.subject|truncatechars:24 }}</small>{% endif %}</td>
      <td class="nowrap">{{ i.created_at|date:"j M Y" }}<br><small>{{ i.created_at|date:"H:i" }}</small></td>
      <td class="clip">{{ i|choice_label:"channel" }}<br><small>{{ i.language|upper|default:"—" }}</small></td>
      <td class="clip">{{ i.team|default:"—" }}</td>
      <td class="wrap">{% if i.agent_hidden %}<span class="muted">{% translate "hidden (calibration)" %}</span>{% else %}{{ i.agent|default:"—" }}{% endif %}</td>
      <td class="clip" title="{{ i.label|default:'' }}">{{ i.label|default:"—" }}</td>
      <td class="clip" title="{{ i|choice_label:'phase' }}">{{ i|choice_label:"phase"|default:"—" }}</td>
      <td>{% interaction_status_badge i.status i|choice_label:"status" %}</td>
      <td class="num">{{ i.message_count }}</td>
      <td class="num">{% score_badge i.latest_score pass_mark %}</td>
    </tr>"""
)


def _squash(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s*\n\s*", "", html)).strip()


@pytest.mark.parametrize("language", ["en", "it", "fr"])
def test_interaction_rows_write_what_the_template_wrote(language, agent, reviewer, default_scorecard) -> None:
    tricky = f.make_interaction(
        agent, external_id='<b>"x"&', subject="Un oggetto molto lungo, più di ventiquattro caratteri", phase="reception"
    )
    plain = f.make_interaction(agent, channel="chat", language="", subject="")
    submitted(reviewer, plain, default_scorecard)
    pass_mark = OrgSettings.load().pass_mark
    with translation.override(language):
        for obj in (tricky, plain):
            model = interaction_list(actor=reviewer).get(pk=obj.pk)
            row = interaction_list(actor=reviewer).values(*ROW_COLUMNS).get(pk=obj.pk)
            old = OLD_INTERACTION_ROW.render(Context({"i": model, "pass_mark": pass_mark}))
            new = interaction_rows([row], pass_mark=pass_mark, selectable=True, queues={})
            assert _squash(new) == _squash(old)


OLD_REVIEW_ROW = Template(
    """{% load i18n qadesk qadesk_reviews %}<tr>
      <td class="nowrap"><a class="row-link" href="{% if review.status == 'draft' and review.reviewer_id == user.pk %}{% url 'reviews:edit' review.pk %}{% else %}{% url 'reviews:detail' review.pk %}{% endif %}">#{{ review.pk }}</a></td>
      <td class="ref"><a href="{% url 'interactions:detail' review.interaction_id %}">{{ review.interaction.external_id }}</a>{% if review.message_id %} <small>({% translate "message" %})</small>{% endif %}</td>
      <td class="wrap">{{ review.agent }}</td>
      <td class="wrap">{{ review.reviewer.get_full_name|default:review.reviewer.username }}</td>
      <td class="wrap">{{ review.scorecard_version }}</td>
      <td>{% review_status_badge review.status review|choice_label:"status" %}</td>
      <td>{% if review.status == "submitted" %}{% if review.high_impact_errors %}<span class="badge badge-high" title="{% translate 'High-impact errors' %}">{% translate "High" %} {{ review.high_impact_errors }}</span>{% endif %}
        {% if review.low_impact_errors %}<span class="badge badge-low" title="{% translate 'Low-impact errors' %}">{% translate "Low" %} {{ review.low_impact_errors }}</span>{% endif %}{% endif %}</td>
      <td class="nowrap">{{ review.submitted_at|default:review.created_at|date:"j M Y" }}</td>
      <td class="num">{% score_badge review.score pass_mark %}</td>
    </tr>"""
)


@pytest.mark.parametrize("language", ["en", "it", "fr"])
def test_review_rows_write_what_the_template_wrote(language, agent, reviewer, default_scorecard) -> None:
    from qadesk.reviews.selectors import review_list
    from qadesk.reviews.tables import ROW_COLUMNS as REVIEW_COLUMNS
    from qadesk.reviews.tables import review_rows

    done = submitted(reviewer, f.make_interaction(agent, external_id="<i>&"), default_scorecard)
    Review.objects.filter(pk=done.pk).update(high_impact_errors=2, low_impact_errors=1, score=71.25)
    draft = review_create(interaction=f.make_interaction(agent), actor=reviewer)
    pass_mark = OrgSettings.load().pass_mark
    with translation.override(language):
        for obj in (done, draft):
            model = Review.objects.get(pk=obj.pk)
            row = review_list(actor=reviewer).values(*REVIEW_COLUMNS).get(pk=obj.pk)
            old = OLD_REVIEW_ROW.render(Context({"review": model, "pass_mark": pass_mark, "user": reviewer}))
            new = review_rows([row], pass_mark=pass_mark, user_id=reviewer.pk)
            assert _squash(new) == _squash(old).replace("\n", "")


# --- Sorting, filters and pages through the page and the API ------------------------------------------------------------


def test_headers_sort_the_page_and_the_api_with_ties_broken_by_id(client, qa_lead, agent) -> None:
    a = f.make_interaction(agent, external_id="B-1")
    b = f.make_interaction(agent, external_id="A-1")
    c = f.make_interaction(agent, external_id="B-1", source="other")  # same external id as a: the id decides
    client.force_login(qa_lead)
    url = reverse("interactions:list")
    assert ids_on_page(client.get(url, {"sort": "external_id"})) == [b.pk, a.pk, c.pk]
    assert ids_on_page(client.get(url, {"sort": "-external_id"})) == [c.pk, a.pk, b.pk]
    assert ids_on_page(client.get(url, {"sort": "nonsense"})) == [c.pk, b.pk, a.pk]  # default: newest first, then id
    page = client.get(url, {"sort": "external_id"}).content.decode()
    assert 'aria-sort="ascending"' in page and "sort=-external_id" in page  # a second click sorts descending
    api = bearer(qa_lead).get("/api/v1/interactions", {"sort": "-external_id"}).json()
    assert [i["id"] for i in api["items"]] == [c.pk, a.pk, b.pk]


def test_interactions_do_not_sort_by_score_but_reviews_do(client, qa_lead, agent) -> None:
    # The latest score is a subquery per row: sorting 1,000,000 interactions by it took 9 s. Reviews sort by score.
    assert parse_sort("-score", INTERACTION_SORTS, "-created") == "-created"
    client.force_login(qa_lead)
    assert "sort=score" not in client.get(reverse("interactions:list")).content.decode()
    assert "sort=score" in client.get(reverse("reviews:list")).content.decode()


def test_numbered_pages_with_a_size(client, qa_lead, agent) -> None:
    made = [f.make_interaction(agent, created_at=timezone.now() - timedelta(minutes=i)) for i in range(60)]
    client.force_login(qa_lead)
    url = reverse("interactions:list")
    second = client.get(url, {"size": "25", "page": "2"})
    assert ids_on_page(second) == [i.pk for i in made[25:50]]
    body = second.content.decode()
    assert "26–50 of 60" in body and 'aria-current="page">2<' in body
    assert 'href="?size=25&amp;page=3"' in body and 'href="?size=25&amp;page=1"' in body
    assert ids_on_page(client.get(url, {"size": "25", "page": "99"})) == [i.pk for i in made[50:]]  # past the end: last
    assert len(client.get(url, {"size": "100"}).context["page_obj"]) == 60


def test_filters_that_match_the_data(client, qa_lead, reviewer, agent, default_scorecard) -> None:
    customer = Customer.objects.create(external_id="CUST-42")
    reviewed = f.make_interaction(agent, customer_rating="negative", complaint=True)
    submitted(reviewer, reviewed, default_scorecard)
    queued = f.make_interaction(agent, customer=customer)
    assignments_create(interactions=[queued], reviewer=reviewer, actor=qa_lead)
    untouched = f.make_interaction(f.make_agent("zoe.martin"), customer_rating="positive")
    client.force_login(qa_lead)
    url = reverse("interactions:list")

    def listed(**params) -> set[int]:
        return set(ids_on_page(client.get(url, params)))

    assert listed(reviewed="yes") == {reviewed.pk}
    assert listed(reviewed="no") == {queued.pk, untouched.pk}
    assert listed(assigned="yes") == {queued.pk}
    assert listed(assigned="no") == {reviewed.pk, untouched.pk}
    assert listed(customer_rating="negative") == {reviewed.pk}
    assert listed(complaint="yes") == {reviewed.pk}
    assert listed(q="cust-42") == {queued.pk}
    assert listed(q="ZOE.MAR") == {untouched.pk}
    api = bearer(qa_lead).get("/api/v1/interactions", {"reviewed": "false", "customer_rating": "positive"}).json()
    assert [i["id"] for i in api["items"]] == [untouched.pk]


def test_the_list_shows_who_has_an_interaction_in_their_queue(client, qa_lead, reviewer, agent) -> None:
    reviewer.first_name, reviewer.last_name = "Dario", "Neri"
    reviewer.save()
    queued = f.make_interaction(agent)
    f.make_interaction(agent)
    assignments_create(interactions=[queued], reviewer=reviewer, actor=qa_lead)
    client.force_login(qa_lead)
    body = client.get(reverse("interactions:list")).content.decode()
    assert body.count('title="In the queue of Dario Neri">Dario Neri</small>') == 1


def test_review_list_sorts_and_filters_through_the_page_and_the_api(client, qa_lead, reviewer, agent, default_scorecard):
    other_agent = f.make_agent("ugo.bassi", team=f.make_team())
    low = submitted(reviewer, f.make_interaction(agent, external_id="LOW"), default_scorecard)
    high = submitted(reviewer, f.make_interaction(other_agent, external_id="HIGH"), default_scorecard)
    Review.objects.filter(pk=low.pk).update(score=50.0, high_impact_errors=1)
    Review.objects.filter(pk=high.pk).update(score=90.0)
    draft = review_create(interaction=f.make_interaction(agent), actor=reviewer)
    client.force_login(qa_lead)
    url = reverse("reviews:list")
    assert ids_on_page(client.get(url, {"sort": "score"})) == [low.pk, high.pk, draft.pk]
    assert ids_on_page(client.get(url, {"sort": "-score"})) == [high.pk, low.pk, draft.pk]
    assert ids_on_page(client.get(url, {"score_min": "60"})) == [high.pk]
    assert ids_on_page(client.get(url, {"score_max": "60"})) == [low.pk]
    assert ids_on_page(client.get(url, {"team": other_agent.team_id})) == [high.pk]
    assert ids_on_page(client.get(url, {"high_impact": "yes"})) == [low.pk]
    assert ids_on_page(client.get(url, {"q": "ugo.b"})) == [high.pk]
    today = timezone.localdate().isoformat()
    assert set(ids_on_page(client.get(url, {"date_from": today, "date_to": today}))) == {low.pk, high.pk}  # drafts: no date
    api = bearer(qa_lead).get("/api/v1/reviews", {"sort": "-score", "score_min": 40, "reviewer": "dario"}).json()
    assert [r["id"] for r in api["items"]] == [high.pk, low.pk] and api["count"] == 2


def test_visibility_still_applies_to_sorted_and_filtered_lists(client, agent_user, agent, other_team_agent, reviewer):
    mine = f.make_interaction(agent)
    theirs = f.make_interaction(other_team_agent)
    client.force_login(agent_user)
    for params in ({"sort": "external_id"}, {"sort": "-team", "size": "100"}, {"reviewed": "no"}, {"q": "T-"}):
        assert ids_on_page(client.get(reverse("interactions:list"), params)) == [mine.pk]
    api = bearer(agent_user).get("/api/v1/interactions", {"sort": "team"}).json()
    assert [i["id"] for i in api["items"]] == [mine.pk] and api["count"] == 1
    assert theirs.pk not in [i["id"] for i in bearer(agent_user).get("/api/v1/interactions?assigned=false").json()["items"]]


# --- The API's rows are what the schema made of model instances ----------------------------------------------------------


def test_the_api_lists_validate_and_equal_the_schema_built_answer(qa_lead, reviewer, agent, default_scorecard) -> None:
    from qadesk.reviews.api import PagedReviewOut, ReviewOut
    from qadesk.reviews.selectors import review_list

    item = f.make_interaction(agent, subject="Ciao", phase="reception")
    submitted(reviewer, item, default_scorecard)
    review_create(interaction=f.make_interaction(agent), actor=reviewer)
    client = bearer(qa_lead)
    body = client.get("/api/v1/interactions").json()
    assert set(body) == set(PagedInteractionOut.model_fields)
    expected = [as_json(InteractionOut.from_orm(i)) for i in interaction_list(actor=qa_lead)]
    assert body["items"] == expected and body["count"] == 2
    body = client.get("/api/v1/reviews").json()
    assert set(body) == set(PagedReviewOut.model_fields)
    expected = [as_json(ReviewOut.from_orm(r)) for r in review_list(actor=qa_lead)]
    assert body["items"] == expected and body["count"] == 2


# --- Query counts do not grow with the rows ------------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_query_counts_do_not_depend_on_the_number_of_rows(client, qa_lead, reviewer, agent, default_scorecard) -> None:
    OrgSettings.load()
    client.force_login(qa_lead)
    api = bearer(qa_lead)
    urls = [reverse("interactions:list"), reverse("reviews:list"), "/api/v1/interactions", "/api/v1/reviews"]
    api.get("/api/v1/notifications")  # the token's last_used_at is written now, not during the counts below
    for _ in range(2):
        submitted(reviewer, f.make_interaction(agent), default_scorecard)
    assignments_create(interactions=[f.make_interaction(agent)], reviewer=reviewer, actor=qa_lead)
    few = [_queries(api if u.startswith("/api") else client, u) for u in urls]
    for _ in range(30):
        item = f.make_interaction(agent)
        submitted(reviewer, item, default_scorecard)
    assignments_create(interactions=[f.make_interaction(agent) for _ in range(10)], reviewer=reviewer, actor=qa_lead)
    many = [_queries(api if u.startswith("/api") else client, u) for u in urls]
    assert few == many
    # token, page, count (the token's last_used write at most once a minute); on PostgreSQL the interactions' page is
    # its ids, then its rows
    assert many[2] <= 3 + (connection.vendor == "postgresql") and many[3] <= 3


# --- Assigning: all matching, a random N, and one queue per interaction ---------------------------------------------


def _assign(client, reviewer, **data):
    payload = {"reviewer": reviewer.pk, "next": reverse("interactions:list"), **data}
    return client.post(reverse("reviews:assign"), payload, follow=True)


def test_assign_all_matching_takes_the_filtered_ones_in_nobodys_queue(client, qa_lead, reviewer, agent) -> None:
    chats = [f.make_interaction(agent, channel="chat") for _ in range(3)]
    f.make_interaction(agent, channel="email")
    colleague = f.make_user("ugo", Role.REVIEWER)
    assignments_create(interactions=[chats[0]], reviewer=colleague, actor=qa_lead)
    client.force_login(qa_lead)
    page = client.get(reverse("interactions:list"), {"channel": "chat"}).content.decode()
    assert 'value="all"' in page and "all 3 matching" in page
    response = _assign(client, reviewer, mode="all", filters="channel=chat")
    assert "2 interactions assigned to dario." in response.content.decode()
    mine = set(ReviewAssignment.objects.filter(reviewer=reviewer).values_list("interaction_id", flat=True))
    assert mine == {chats[1].pk, chats[2].pk}  # not the one in ugo's queue, not the e-mail
    again = _assign(client, reviewer, mode="all", filters="channel=chat")
    assert "No interaction that is in nobody" in again.content.decode()


def test_assign_a_random_n_of_the_matching(client, qa_lead, reviewer, agent) -> None:
    made = [f.make_interaction(agent, channel="phone") for _ in range(8)]
    f.make_interaction(agent, channel="chat")
    client.force_login(qa_lead)
    response = _assign(client, reviewer, mode="random", random_count="3", filters="channel=phone&sort=-created")
    assert "3 interactions assigned to dario." in response.content.decode()
    picked = set(ReviewAssignment.objects.filter(reviewer=reviewer).values_list("interaction_id", flat=True))
    assert len(picked) == 3 and picked <= {i.pk for i in made}
    missing = _assign(client, reviewer, mode="random", filters="channel=phone")
    assert "Say how many interactions to pick at random." in missing.content.decode()


def test_assign_all_refuses_more_than_the_limit(client, qa_lead, reviewer, agent, monkeypatch) -> None:
    from qadesk.reviews import views

    monkeypatch.setattr(views, "BULK_MAX", 2)
    for _ in range(3):
        f.make_interaction(agent)
    client.force_login(qa_lead)
    response = _assign(client, reviewer, mode="all", filters="")
    assert "3 interactions match: narrow the filters to at most 2 at a time" in response.content.decode()
    assert not ReviewAssignment.objects.exists()


def test_an_interaction_open_in_another_queue_is_refused_naming_who_has_it(client, qa_lead, reviewer, agent) -> None:
    colleague = f.make_user("ugo", Role.REVIEWER, first_name="Ugo", last_name="Foscolo")
    taken = f.make_interaction(agent, external_id="CHAT-7")
    free = f.make_interaction(agent)
    assignments_create(interactions=[taken], reviewer=colleague, actor=qa_lead)
    client.force_login(qa_lead)
    response = _assign(client, reviewer, interactions=[taken.pk, free.pk])
    body = response.content.decode()
    assert (
        "CHAT-7 is already in Ugo Foscolo&#x27;s review queue" in body
        or "CHAT-7 is already in Ugo Foscolo's review queue" in body
    )
    assert "Nothing was assigned" in body
    assert not ReviewAssignment.objects.filter(reviewer=reviewer).exists()  # all or nothing
    api = bearer(qa_lead).post(
        "/api/v1/reviews/assignments", {"interactions": [taken.pk], "reviewer": "dario"}, content_type=JSON
    )
    assert api.status_code == 409 and "Ugo Foscolo" in api.json()["detail"]
    # Once Ugo's assignment is no longer open, it may go to Dario.
    ReviewAssignment.objects.filter(reviewer=colleague).update(status=AssignmentStatus.CANCELLED)
    assert _assign(client, reviewer, interactions=[taken.pk]).status_code == 200
    assert ReviewAssignment.objects.filter(reviewer=reviewer, interaction=taken, status=AssignmentStatus.OPEN).exists()


def test_the_refusal_is_translated(client, qa_lead, reviewer, agent) -> None:
    colleague = f.make_user("ugo", Role.REVIEWER)
    taken = f.make_interaction(agent, external_id="CHAT-8")
    assignments_create(interactions=[taken], reviewer=colleague, actor=qa_lead)
    qa_lead.language = "it"
    qa_lead.save()
    response = bearer(qa_lead).post(
        "/api/v1/reviews/assignments", {"interactions": [taken.pk], "reviewer": "dario"}, content_type=JSON
    )
    assert response.status_code == 409
    assert "CHAT-8" in response.json()["detail"] and "is already in" not in response.json()["detail"]
