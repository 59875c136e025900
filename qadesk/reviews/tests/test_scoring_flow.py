"""The scoring screen's flow, through the page: "Submit and next", the live score's inputs, folded transcripts, the
transcript beside the dispute form. The browser side is in test_browser_scoring.py."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from qadesk.accounts.models import User
from qadesk.interactions.models import Interaction
from qadesk.interactions.transcript import Fold, transcript_blocks
from qadesk.reviews.models import Review, ReviewAssignment, ReviewStatus
from qadesk.reviews.services import assignments_create, review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import criteria_by_code, perfect_ratings
from qadesk.scorecards.models import ScorecardVersion
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


def _assign(qa_lead: User, reviewer: User, interaction: Interaction, days: int) -> None:
    assignments_create(interactions=[interaction], reviewer=reviewer, actor=qa_lead, due_at=timezone.now() + timedelta(days=days))


def _all_top(version: ScorecardVersion) -> dict[str, str]:
    return {f"c{c.pk}_value": str(c.rating_choices()[-1]) for c in criteria_by_code(version).values()}


def test_it_submits_and_opens_a_draft_of_the_next_item_in_the_queue(client, reviewer, qa_lead, agent, default_scorecard):
    first, later, soon = (f.make_interaction(agent, external_id=x) for x in ("FIRST", "LATER", "SOON"))
    _assign(qa_lead, reviewer, first, 0)
    _assign(qa_lead, reviewer, later, 5)
    _assign(qa_lead, reviewer, soon, 2)
    review = review_create(interaction=first, actor=reviewer)
    client.force_login(reviewer)
    page = client.get(reverse("reviews:edit", args=[review.pk])).content.decode()
    assert 'name="submit_next"' in page and "Submit and next" in page
    response = client.post(reverse("reviews:edit", args=[review.pk]), _all_top(default_scorecard) | {"submit_next": "1"})
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED and review.score == 100
    nxt = Review.objects.get(interaction=soon, reviewer=reviewer)  # earliest due of what is left, not LATER
    assert nxt.status == ReviewStatus.DRAFT
    assert response["Location"] == reverse("reviews:edit", args=[nxt.pk])
    assert ReviewAssignment.objects.get(interaction=first).status == "done"


def test_submit_and_next_continues_the_draft_already_started(client, reviewer, qa_lead, agent, default_scorecard):
    first, second = f.make_interaction(agent), f.make_interaction(agent)
    _assign(qa_lead, reviewer, first, 0)
    _assign(qa_lead, reviewer, second, 1)
    draft = review_create(interaction=second, actor=reviewer)
    review = review_create(interaction=first, actor=reviewer)
    client.force_login(reviewer)
    response = client.post(reverse("reviews:edit", args=[review.pk]), _all_top(default_scorecard) | {"submit_next": "1"})
    assert response["Location"] == reverse("reviews:edit", args=[draft.pk])
    assert Review.objects.filter(interaction=second).count() == 1


def test_submit_and_next_on_the_last_item_lands_on_the_empty_queue(client, reviewer, qa_lead, agent, default_scorecard):
    only = f.make_interaction(agent)
    _assign(qa_lead, reviewer, only, 0)
    review = review_create(interaction=only, actor=reviewer)
    client.force_login(reviewer)
    page = client.get(reverse("reviews:edit", args=[review.pk])).content.decode()
    assert 'name="submit_next"' not in page  # nothing else in the queue: only "Submit review"
    response = client.post(
        reverse("reviews:edit", args=[review.pk]), _all_top(default_scorecard) | {"submit_next": "1"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("reviews:queue")
    assert "Your queue is empty." in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED


def test_submit_and_next_with_a_missing_rating_submits_nothing_and_stays(client, reviewer, qa_lead, agent, default_scorecard):
    first, second = f.make_interaction(agent), f.make_interaction(agent)
    _assign(qa_lead, reviewer, first, 0)
    _assign(qa_lead, reviewer, second, 1)
    review = review_create(interaction=first, actor=reviewer)
    data = _all_top(default_scorecard)
    data.pop(next(iter(data)))
    client.force_login(reviewer)
    response = client.post(reverse("reviews:edit", args=[review.pk]), data | {"submit_next": "1"})
    assert response.status_code == 200 and "Rate every criterion" in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT
    assert not Review.objects.filter(interaction=second).exists()


def test_it_gives_each_criterion_the_figures_the_live_score_needs(client, reviewer, default_scorecard, interaction):
    review = review_create(interaction=interaction, actor=reviewer)
    reviewer.language = "it"
    reviewer.save(update_fields=["language"])
    client.force_login(reviewer)
    body = client.get(reverse("reviews:edit", args=[review.pk])).content.decode()
    assert '<html lang="it">' in body
    for c in criteria_by_code(default_scorecard).values():
        spec = c.spec()
        low, high = c.rating_choices()[0], c.rating_choices()[-1]
        assert f'id="criterion-{c.pk}" data-criterion\n  data-min="{low}" data-max="{high}" data-weight="{c.weight}"' in body
        assert f'data-impact="{spec.impact}"' in body
    assert "data-live-score hidden" in body  # shown by scoring.js only
    assert 'data-pass-mark="80' in body  # a dot even in Italian: it is read by JavaScript


def test_it_folds_long_runs_and_keeps_the_message_under_review_open():
    class M:
        def __init__(self, pk: int, role: str) -> None:
            self.pk, self.author_role = pk, role

    roles = ["customer"] * 12 + ["system"] * 5 + ["agent", "customer"] * 3 + ["agent"] * 8
    messages = [M(i, r) for i, r in enumerate(roles)]
    blocks = transcript_blocks(messages, focus=6)
    folds = [b for b in blocks if isinstance(b, Fold)]
    assert [(x.role, x.count, x.open) for x in folds] == [("customer", 8, True), ("system", 3, False)]
    assert [b.pk for b in blocks if not isinstance(b, Fold)] == [0, 1, 10, 11, 12, 16, *range(17, 31)]
    assert transcript_blocks(messages[:8]) == messages[:8]


def test_it_renders_folds_and_the_message_menu_on_the_interaction_page(client, reviewer, agent, default_scorecard):
    long = f.make_interaction(agent, messages=[("customer", f"Line {n}") for n in range(20)] + [("agent", "Done")])
    client.force_login(reviewer)
    body = client.get(reverse("interactions:detail", args=[long.pk])).content.decode()
    assert body.count('class="msg msg-') == 21  # all there, 16 of them inside a closed <details>
    assert body.count("<details>") >= 1 and "16 more messages" in body
    assert body.count('class="msg-menu"') == 1  # one agent message, one menu
    assert "data-transcript-tools hidden" in body and "js/transcript.js" in body


def test_the_agent_sees_the_transcript_beside_the_dispute_form(client, agent_user, reviewer, agent, default_scorecard):
    interaction = f.make_interaction(agent, messages=[("customer", "Where is my parcel?"), ("agent", "It ships today.")])
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard))
    review_submit(review=review, actor=reviewer)
    client.force_login(agent_user)
    body = client.get(reverse("disputes:open", args=[review.pk])).content.decode()
    assert "Where is my parcel?" in body and 'id="transcript"' in body
    assert "Review this message" not in body  # read-only
