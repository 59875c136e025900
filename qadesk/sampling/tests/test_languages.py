"""Reviewers are matched to the conversation's language: a sampling run gives Italian chats to the reviewer who
reviews Italian, falls back to the others (saying so in the run's log) when none does."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qadesk.accounts.models import Agent, Role, User
from qadesk.reviews.models import ReviewAssignment
from qadesk.sampling.draw import Pick, Reviewer, language_mismatches, spread
from qadesk.sampling.services import sampling_plan_create, sampling_plan_run
from qadesk.sampling.tests.conftest import WEEK
from qadesk.testing import factories as f


def test_spread_prefers_the_reviewer_of_the_pick_s_language_and_falls_back() -> None:
    italian, french = Reviewer(1, languages=frozenset({"it"})), Reviewer(2, languages=frozenset({"fr"}))
    picks = [Pick(i, 10 + i, None, "", "it") for i in range(6)] + [Pick(100, 50, None, "", "de")]
    loads, orphans = spread(picks, [italian, french])
    assert [p.id for p in loads[1]] == list(range(6)) and [p.id for p in loads[2]] == [100]
    assert orphans == [] and language_mismatches(loads, [italian, french]) == {"de": 1}
    # The Italian reviewer's own contact goes to the other reviewer: a rule before a preference.
    own = Pick(7, 70, None, "", "it")
    assert spread([own], [Reviewer(1, agent_id=70, languages=frozenset({"it"})), french])[0][2] == [own]
    # Nobody says which languages they review: no preference, no note, loads even.
    plain = [Reviewer(1), Reviewer(2)]
    loads, _ = spread(picks, plain)
    assert sorted(len(v) for v in loads.values()) == [3, 4] and not language_mismatches(loads, plain)


@pytest.mark.django_db
def test_italian_chats_go_to_the_italian_reviewer(qa_lead: User, agent: Agent, other_team_agent: Agent) -> None:
    italian = f.make_user("ilaria", Role.REVIEWER)
    french = f.make_user("francois", Role.REVIEWER)
    italian.review_languages, french.review_languages = ["it"], ["fr"]
    italian.save(), french.save()
    start = timezone.make_aware(datetime(2026, 11, 2, 9))
    for a in (agent, other_team_agent):
        for i in range(10):
            language = "it-IT" if i % 2 else "fr"
            f.make_interaction(a, channel="chat", language=language, created_at=start + timedelta(hours=i), messages=[])
        f.make_interaction(a, channel="chat", language="de", created_at=start + timedelta(hours=20), messages=[])
    plan = sampling_plan_create(
        actor=qa_lead, reviewers=[french, italian], name="Chats", n_per_agent=11, period="week", seed=7, due_days=3
    )
    run = sampling_plan_run(plan=plan, actor=qa_lead, period_start=WEEK)
    assert run is not None and run.assigned == 22
    languages = {
        user: sorted(set(ReviewAssignment.objects.filter(reviewer=user).values_list("interaction__language", flat=True)))
        for user in (italian, french)
    }
    assert languages[italian] == ["it-IT"] or languages[italian] == ["de", "it-IT"]
    assert "it-IT" not in languages[french]
    assert "German (2)" in run.job.log  # the fallback is said, in the log shown on the run's page
    client = Client()
    client.force_login(qa_lead)
    assert "German (2)" in client.get(reverse("sampling:run", args=[run.pk])).content.decode()


@pytest.mark.django_db
def test_a_reviewer_sets_the_languages_they_review_on_their_account_page(reviewer: User, agent_user: User) -> None:
    client = Client()
    client.force_login(reviewer)
    assert "Languages I review" in client.get(reverse("accounts:account")).content.decode()
    client.post(reverse("accounts:review_languages"), {"rl-languages": "it-IT, fr, it"})
    reviewer.refresh_from_db()
    assert reviewer.review_languages == ["it", "fr"]
    client.post(reverse("accounts:review_languages"), {"rl-languages": "it, not a tag"})
    reviewer.refresh_from_db()
    assert reviewer.review_languages == ["it", "fr"]  # refused whole, said why
    agent = Client()
    agent.force_login(agent_user)
    assert "Languages I review" not in agent.get(reverse("accounts:account")).content.decode()
    assert agent.post(reverse("accounts:review_languages"), {"rl-languages": "it"}).status_code == 403


@pytest.mark.django_db
def test_bulk_assigning_says_which_languages_the_reviewer_does_not_review(qa_lead: User, reviewer: User, agent: Agent) -> None:
    reviewer.review_languages = ["fr"]
    reviewer.save()
    chats = [f.make_interaction(agent, language=tag) for tag in ("it", "it-IT", "fr")]
    client = Client()
    client.force_login(qa_lead)
    page = client.get(reverse("interactions:list")).content.decode()
    assert f"{reviewer.get_full_name() or reviewer.username} (fr)" in page  # the choice shows who reviews what
    response = client.post(
        reverse("reviews:assign"),
        {"interactions": [c.pk for c in chats], "reviewer": reviewer.pk, "next": reverse("interactions:list")},
        follow=True,
    )
    assert ReviewAssignment.objects.filter(reviewer=reviewer).count() == 3
    assert "does not list these languages among those they review: Italian (2)." in response.content.decode()
