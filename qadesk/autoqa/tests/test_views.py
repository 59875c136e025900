"""The "Automatic checks" card on the interaction page, its evidence marked in the transcript, "check now" and the
job page, per persona."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qadesk.autoqa.models import AutoResult
from qadesk.autoqa.services import autoqa_run
from qadesk.core.models import JobRun
from qadesk.testing import factories as f
from qadesk.testing.clients import page_client

pytestmark = pytest.mark.django_db

TURNS = [("customer", "Hi, my parcel is late <again>."), ("agent", "Not my problem, deal with it.")]


def _detail(user, interaction):
    return page_client(user).get(reverse("interactions:detail", args=[interaction.pk]))


def test_the_card_lists_verdicts_and_marks_the_evidence_in_the_transcript(qa_lead, agent) -> None:
    interaction = f.make_interaction(agent, messages=TURNS)
    autoqa_run()
    html = _detail(qa_lead, interaction).content.decode()
    assert "Automatic checks" in html and 'data-detector="rude" data-verdict="fail"' in html
    assert '<mark class="auto-evidence" title="No rude or dismissive language">Not my problem</mark>' in html
    assert "&lt;again&gt;" in html and "<again>" not in html  # the rest of the bodies stays escaped


def test_the_card_is_translated(qa_lead, agent) -> None:
    qa_lead.language = "it"
    qa_lead.save()
    interaction = f.make_interaction(agent, messages=TURNS)
    autoqa_run()
    html = _detail(qa_lead, interaction).content.decode()
    assert "Controlli automatici" in html and "Nessun linguaggio scortese o sbrigativo" in html


def test_the_card_says_when_nothing_was_checked_yet(qa_lead, interaction) -> None:
    assert "Not checked yet" in _detail(qa_lead, interaction).content.decode()


def test_the_agent_sees_the_results_on_their_own_interaction_only(agent_user, interaction, other_interaction) -> None:
    autoqa_run()
    assert 'class="card auto-checks"' in _detail(agent_user, interaction).content.decode()
    assert _detail(agent_user, other_interaction).status_code == 404


def test_a_qa_lead_checks_one_interaction_now_and_a_second_click_does_nothing(qa_lead, interaction) -> None:
    client = page_client(qa_lead)
    url = reverse("autoqa:check", args=[interaction.pk])
    assert client.post(url).status_code == 302
    count = AutoResult.objects.filter(interaction=interaction).count()
    assert count > 0
    follow = client.post(url, follow=True)
    assert "Already checked" in follow.content.decode()
    assert AutoResult.objects.filter(interaction=interaction).count() == count


@pytest.mark.parametrize("persona", ["reviewer", "team_lead", "agent_user", "manager"])
def test_nobody_else_may_run_the_checks_or_see_the_job(persona, interaction, request) -> None:
    user = request.getfixturevalue(persona)
    client = page_client(user)
    assert client.post(reverse("autoqa:check", args=[interaction.pk])).status_code == 404
    job = JobRun.objects.create(kind="autoqa")
    assert client.get(reverse("autoqa:job", args=[job.pk])).status_code == 404
    assert not AutoResult.objects.exists()


def test_the_job_page_shows_progress_and_polls_while_it_runs(qa_lead) -> None:
    job = JobRun.objects.create(kind="autoqa", status="running", progress=40, counts={"due": 10, "checked": 4})
    client = page_client(qa_lead)
    html = client.get(reverse("autoqa:job", args=[job.pk])).content.decode()
    assert 'value="40"' in html and "hx-trigger" in html
    partial = client.get(reverse("autoqa:job", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith("<section") and "<html" not in partial
