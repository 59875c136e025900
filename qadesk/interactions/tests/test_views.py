import re

import pytest
from django.db import connection
from django.urls import reverse

from qadesk.accounts.models import OrgSettings
from qadesk.interactions.models import Interaction
from qadesk.reviews.models import ReviewAssignment
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


def test_it_lists_interactions_for_a_qa_lead(client, qa_lead, interaction, other_interaction):
    client.force_login(qa_lead)
    response = client.get(reverse("interactions:list"))
    assert response.status_code == 200
    assert interaction.external_id in response.content.decode()
    assert other_interaction.external_id in response.content.decode()


def test_it_lists_only_the_agents_own_interactions(client, agent_user, interaction, other_interaction):
    client.force_login(agent_user)
    page = client.get(reverse("interactions:list")).context["page_obj"].ids
    assert page == [interaction.pk]


def test_it_filters_and_returns_only_the_table_to_htmx(client, qa_lead, agent):
    chat = f.make_interaction(agent, channel="chat", external_id="CHAT-1")
    f.make_interaction(agent, channel="email", external_id="MAIL-1")
    client.force_login(qa_lead)
    response = client.get(reverse("interactions:list"), {"channel": "chat"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.context["page_obj"].ids == [chat.pk]
    assert "<html" not in body
    assert "CHAT-1" in body
    assert "MAIL-1" not in body


def test_it_ignores_invalid_filter_values(client, qa_lead, interaction):
    client.force_login(qa_lead)
    response = client.get(reverse("interactions:list"), {"team": "not-a-number", "date_from": "yesterday"})
    assert response.status_code == 200
    assert response.context["page_obj"].ids == [interaction.pk]


def test_it_paginates_by_50(client, qa_lead, agent):
    for _ in range(51):
        f.make_interaction(agent, messages=[])
    client.force_login(qa_lead)
    first = client.get(reverse("interactions:list"))
    second = client.get(reverse("interactions:list"), {"page": 2})
    assert len(first.context["page_obj"]) == 50
    assert len(second.context["page_obj"]) == 1


def test_it_keeps_the_list_query_count_flat(client, qa_lead, agent, django_assert_max_num_queries):
    for _ in range(30):
        f.make_interaction(agent)
    client.force_login(qa_lead)
    OrgSettings.load()  # created once per install, not per request
    # session, user, org settings, 7 filter choice lists (the languages and event names present, the custom fields
    # declared), reviewers to assign to, count, page (on PostgreSQL its ids, then its rows), who has them in a queue,
    # the user's saved filters
    with django_assert_max_num_queries(15 + (connection.vendor == "postgresql")):
        assert client.get(reverse("interactions:list")).status_code == 200


def test_it_shows_the_detail_with_the_transcript(client, qa_lead, interaction):
    client.force_login(qa_lead)
    response = client.get(reverse("interactions:detail", args=[interaction.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hello, my order is late." in body
    assert "Review this interaction" in body
    assert "Review this message" in body


def test_it_says_how_often_a_contact_was_reopened_and_nothing_when_never(client, qa_lead, interaction):
    client.force_login(qa_lead)
    url = reverse("interactions:detail", args=[interaction.pk])
    assert "Reopened" not in client.get(url).content.decode()
    Interaction.objects.filter(pk=interaction.pk).update(reopens=2)
    assert re.search(r"Reopened</dt><dd><span[^>]*>2 times</span>", client.get(url).content.decode())


def test_it_shows_the_customers_rating_and_complaint_when_there_are_some(client, qa_lead, interaction):
    client.force_login(qa_lead)
    url = reverse("interactions:detail", args=[interaction.pk])
    body = client.get(url).content.decode()
    assert "Customer rating" not in body and "The customer complained" not in body
    Interaction.objects.filter(pk=interaction.pk).update(customer_rating="negative", complaint=True)
    body = client.get(url).content.decode()
    assert '<span class="badge badge-bad">Negative</span>' in body and "The customer complained" in body


def test_it_escapes_message_bodies(client, qa_lead, agent):
    hostile = f.make_interaction(agent, messages=[("customer", "<script>alert(1)</script>\nsecond line")])
    client.force_login(qa_lead)
    body = client.get(reverse("interactions:detail", args=[hostile.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>second line" in body
    assert "<script>alert(1)" not in body


def test_it_keeps_the_detail_query_count_flat(client, qa_lead, agent, django_assert_max_num_queries):
    busy = f.make_interaction(agent, messages=[("customer", "hi"), ("agent", "hello")] * 20)
    client.force_login(qa_lead)
    OrgSettings.load()  # created once per install, not per request
    # session, user, interaction, handlers, messages, reviews, org settings, reviewers to assign to, complaints about it,
    # the active custom criteria and the contact-reason classifier's model (their versions decide which automatic
    # results are current), automatic results and (none yet) whether the detectors have read it
    with django_assert_max_num_queries(13):
        assert client.get(reverse("interactions:detail", args=[busy.pk])).status_code == 200


def test_it_hides_another_teams_interaction_from_an_agent(client, agent_user, other_interaction):
    client.force_login(agent_user)
    assert client.get(reverse("interactions:detail", args=[other_interaction.pk])).status_code == 404


def test_it_hides_another_teams_interaction_from_a_team_lead(client, team_lead, other_interaction, interaction):
    client.force_login(team_lead)
    assert client.get(reverse("interactions:detail", args=[other_interaction.pk])).status_code == 404
    assert client.get(reverse("interactions:detail", args=[interaction.pk])).status_code == 200


def test_it_offers_no_review_buttons_to_an_agent(client, agent_user, interaction):
    client.force_login(agent_user)
    body = client.get(reverse("interactions:detail", args=[interaction.pk])).content.decode()
    assert "Review this interaction" not in body
    assert "Review this message" not in body


def test_it_offers_bulk_assignment_with_checkboxes_to_a_qa_lead(client, qa_lead, reviewer, agent, django_assert_max_num_queries):
    for _ in range(30):
        f.make_interaction(agent)
    client.force_login(qa_lead)
    OrgSettings.load()
    # session, user, org settings, 7 filter choice lists, reviewers to assign to, count, page, queues, saved filters:
    # checkboxes cost nothing (on PostgreSQL the page is its ids, then its rows: one more)
    with django_assert_max_num_queries(15 + (connection.vendor == "postgresql")):
        response = client.get(reverse("interactions:list"))
    body = response.content.decode()
    assert body.count('name="interactions"') == 30
    assert body.count('form="bulk-assign"') == 30
    assert "data-select-all" in body
    assert f'action="{reverse("reviews:assign")}"' in body
    assert f'<option value="{reviewer.pk}">dario</option>' in body
    table = client.get(reverse("interactions:list"), headers={"HX-Request": "true"}).content.decode()
    assert 'id="bulk-assign"' in table  # the bar is swapped with the table, so it keeps the filtered list as "next"


def test_it_posts_the_ticked_rows_back_to_the_filtered_list(client, qa_lead, reviewer, agent):
    chat = f.make_interaction(agent, channel="chat")
    client.force_login(qa_lead)
    body = client.get(reverse("interactions:list"), {"channel": "chat"}).content.decode()
    assert 'name="next" value="/interactions/?channel=chat"' in body
    response = client.post(
        reverse("reviews:assign"), {"interactions": [chat.pk], "reviewer": reviewer.pk, "next": "/interactions/?channel=chat"}
    )
    assert response["Location"] == "/interactions/?channel=chat"
    assert ReviewAssignment.objects.get().interaction == chat


@pytest.mark.parametrize("persona", ["reviewer", "manager", "team_lead", "agent_user"])
def test_it_shows_no_assignment_controls_to_others(client, request, persona, interaction):
    client.force_login(request.getfixturevalue(persona))
    for url in (reverse("interactions:list"), reverse("interactions:detail", args=[interaction.pk])):
        body = client.get(url).content.decode()
        assert "data-select" not in body
        assert reverse("reviews:assign") not in body


def test_it_assigns_one_interaction_from_its_page(client, qa_lead, reviewer, interaction):
    client.force_login(qa_lead)
    url = reverse("interactions:detail", args=[interaction.pk])
    body = client.get(url).content.decode()
    assert "Assign for review" in body
    response = client.post(
        reverse("reviews:assign"), {"interactions": interaction.pk, "reviewer": reviewer.pk, "next": url}, follow=True
    )
    assert response.redirect_chain[0][0] == url
    assert "1 interaction assigned to dario." in response.content.decode()
    assert ReviewAssignment.objects.get().reviewer == reviewer


def test_it_shows_a_manager_the_interaction_without_review_buttons(client, manager, interaction):
    client.force_login(manager)
    body = client.get(reverse("interactions:detail", args=[interaction.pk])).content.decode()
    assert "Hello, my order is late." in body
    assert "Review this interaction" not in body
    assert "Review this message" not in body


def test_the_language_filter_offers_the_languages_present_named_in_the_users_language(client, qa_lead, agent):
    for tag in ("pt-BR", "zh-Hant", "it"):
        f.make_interaction(agent, language=tag)
    qa_lead.language = "fr"
    qa_lead.save()
    client.force_login(qa_lead)
    response = client.get(reverse("interactions:list"), {"language": "pt-BR"})
    choices = dict(response.context["form"].fields["language"].choices)
    assert list(choices) == ["", "zh-Hant", "it", "pt-BR"]  # by name: chinois, italien, portugais
    assert choices["pt-BR"] == "portugais (Brésil)" and choices["it"] == "italien"
    assert [row["language"] for row in response.context["page_obj"]] == ["pt-BR"]


def test_the_assign_boxs_reviewers_are_read_with_one_plain_query(client, qa_lead, reviewer):
    # Django reads a ModelChoiceField's choices with iterator(): on PostgreSQL a server-side cursor (DECLARE … WITH
    # HOLD, FETCH, CLOSE) on every list page. One ordinary SELECT gives the same options.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    second = f.make_user("g.neri", "reviewer")
    client.force_login(qa_lead)
    client.get(reverse("interactions:list"))
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("interactions:list")).content.decode()
    assert not [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("DECLARE", "FETCH", "CLOSE"))]
    reviewer_select = re.search(r'<select name="reviewer".*?</select>', page, re.S)
    assert reviewer_select is not None
    options = re.findall(r'<option value="(\d*)"', reviewer_select.group(0))
    assert options[0] == "" and {str(reviewer.pk), str(second.pk)} <= set(options[1:])
