"""The autoqa page, the AQS and accuracy API, suggestions on the scoring screen, process checks in the job, and
automatic sampling flags — per persona, through the door."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qadesk.autoqa.models import AutoResult, AutoSettings
from qadesk.autoqa.services import autoqa_due, autoqa_run
from qadesk.interactions.models import Interaction, Label, Message, Sop
from qadesk.reviews.models import Rating, Review, ReviewStatus
from qadesk.testing import factories as f
from qadesk.testing.clients import api_client, page_client

pytestmark = pytest.mark.django_db

RUDE = [("customer", "The parcel is broken, this is unacceptable!"), ("agent", "Not my problem, deal with it.")]
POLITE = [("customer", "Hello, my parcel is late."), ("agent", "I'm sorry about that. I have resent it, thank you.")]


def _review(interaction: Interaction, reviewer, version, verdicts: dict[str, str]) -> Review:
    """A submitted review rating the named criteria pass (1) or fail (0)."""
    review = Review.objects.create(
        interaction=interaction,
        scorecard_version=version,
        reviewer=reviewer,
        agent=interaction.agent,
        status=ReviewStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    criteria = {c.code: c for s in version.sections.all() for c in s.criteria.all()}
    for code, verdict in verdicts.items():
        failed = verdict == "fail"
        Rating.objects.create(
            review=review, criterion=criteria[code], value=0 if failed else 1, score=0 if failed else 100, failed=failed
        )
    return review


@pytest.fixture
def judged(agent, reviewer, default_scorecard) -> list[Interaction]:
    """Two rude and two polite interactions, checked by the detectors and reviewed on rude_or_blaming (the rude
    detector's criterion is `rude`: a custom alias is not needed, the reviews name `rude` here)."""
    found = []
    for turns in (RUDE, RUDE, POLITE, POLITE):
        found.append(f.make_interaction(agent, messages=turns, language="en"))
    autoqa_run()
    AutoResult.objects.filter(detector="rude").update(criterion="rude_or_blaming")
    for interaction, human in zip(found, ("fail", "fail", "pass", "fail"), strict=True):
        _review(interaction, reviewer, default_scorecard, {"rude_or_blaming": human})
    return found


@pytest.mark.parametrize("persona", ["agent_user", "reviewer", "team_lead", "manager"])
def test_only_qa_leads_and_admins_see_more_than_the_aqs_by_group(request, persona) -> None:
    user = request.getfixturevalue(persona)
    html = page_client(user).get("/autoqa/").content.decode()
    assert 'id="aqs-by-table"' in html and 'id="aqs-table"' not in html and "accuracy-table" not in html
    assert "/autoqa/run/" not in html and page_client(user).post("/autoqa/", {"reliable_kappa": "0.5"}).status_code == 404
    assert api_client(user).get("/api/v1/autoqa/aqs").status_code == 404
    assert api_client(user).get("/api/v1/autoqa/accuracy").status_code == 404


def test_the_page_shows_aqs_and_accuracy_against_the_reviews(qa_lead, judged) -> None:
    html = page_client(qa_lead).get("/autoqa/").content.decode()
    assert "Automatic quality score (AQS)" in html and 'href="/autoqa/"' in html  # the sidebar entry
    assert 'data-detector="rude" data-language="en"' in html
    # machine fail, fail, pass, pass against human fail, fail, pass, fail: tp 2, fp 0, fn 1, tn 1
    assert "2 / 0 / 1 / 1" in html and "75.0 %" in html


def test_the_api_gives_the_same_figures(qa_lead, judged) -> None:
    rows = api_client(qa_lead).get("/api/v1/autoqa/accuracy").json()
    rude = next(r for r in rows if r["detector"] == "rude")
    assert rude["confusion"] == {"tp": 2, "fp": 0, "fn": 1, "tn": 1} and rude["n"] == 4
    assert rude["agreement"] == pytest.approx(0.75) and rude["precision"] == 1 and rude["recall"] == pytest.approx(2 / 3)
    assert rude["kappa"] == pytest.approx(0.5) and rude["reliable"] is False  # under the default 0.6
    aqs = api_client(qa_lead).get("/api/v1/autoqa/aqs").json()
    total = aqs[0]
    assert total["detector"] == "" and total["passed"] + total["failed"] + total["not_applicable"] == AutoResult.objects.count()


def test_a_qa_lead_sets_the_threshold_in_their_own_locale(qa_lead, judged) -> None:
    qa_lead.language = "it"
    qa_lead.save()
    client = page_client(qa_lead)
    assert client.post("/autoqa/", {"reliable_kappa": "0,5"}).status_code == 302
    assert AutoSettings.load().reliable_kappa == 0.5
    html = client.get("/autoqa/").content.decode()
    assert "75,0 %" in html and "affidabile" in html
    assert "tra -1 e 1" in client.post("/autoqa/", {"reliable_kappa": "3"}).content.decode()


def test_the_scoring_screen_suggests_without_filling_the_rating(reviewer, agent, default_scorecard) -> None:
    interaction = f.make_interaction(agent, messages=RUDE, language="en")
    autoqa_run()
    AutoResult.objects.filter(detector="rude").update(criterion="rude_or_blaming")
    review = Review.objects.create(interaction=interaction, scorecard_version=default_scorecard, reviewer=reviewer, agent=agent)
    html = page_client(reviewer).get(f"/reviews/{review.pk}/edit/").content.decode()
    assert "Automatic suggestion (not counted):" in html and 'data-detector="rude" data-verdict="fail"' in html
    assert '<mark class="auto-evidence"' in html
    assert " checked>" not in html and not Rating.objects.filter(review=review).exists()


def test_the_job_checks_sop_steps_from_the_transcripts_events(agent) -> None:
    label = Label.objects.create(code="refund_request")
    sop = Sop.objects.create(
        code="SOP-REF",
        title="Refund",
        steps=[
            {"text": "Verify identity", "evidence": ["account-lookup"]},
            {"text": "Issue the refund", "evidence": ["refund-issued"]},
        ],
    )
    sop.labels.set([label])
    interaction = f.make_interaction(agent, messages=POLITE, label=label, sop=sop)
    Message.objects.create(
        interaction=interaction, position=5, author_role="event", event_name="refund-issued", event_parameters={}
    )
    autoqa_run()
    steps = AutoResult.objects.get(interaction=interaction, detector="sop_steps")
    assert (steps.verdict, steps.impact, steps.criterion) == ("fail", "low", "workflow")
    assert steps.evidence == [{"message": 0, "start": 0, "end": 0, "note": "missing_step:1"}]
    assert AutoResult.objects.get(interaction=interaction, detector="right_sop").verdict == "pass"
    # Editing the SOP makes every interaction due again.
    assert not autoqa_due(Interaction.objects.all()).exists()
    sop.steps = [{"text": "Issue the refund", "evidence": ["refund-issued"]}]
    sop.save()
    assert autoqa_due(Interaction.objects.all()).count() == 1
    autoqa_run()
    assert AutoResult.objects.get(interaction=interaction, detector="sop_steps").verdict == "pass"


def test_automatic_verdicts_become_sampling_risk_flags(qa_lead, agent) -> None:
    from qadesk.sampling.candidates import candidate_rows
    from qadesk.sampling.draw import FLAGS
    from qadesk.sampling.services import sampling_plan_create

    start = timezone.now() - timedelta(days=3)
    card = f.make_interaction(
        agent, messages=[("customer", "My card is 4111 1111 1111 1111"), ("agent", "Thanks")], created_at=start
    )
    plain = f.make_interaction(agent, messages=POLITE, created_at=start)
    autoqa_run()
    boosts = {"auto_sensitive_data": 5, "auto_high_impact": 2}
    plan = sampling_plan_create(actor=qa_lead, reviewers=[], name="p", period="week", seed=1, risk_boosts=boosts)
    rows = {row[0]: row[3] for row in candidate_rows(plan=plan, start=start.date(), end=start.date() + timedelta(days=7))}
    bits = (1 << FLAGS.index("auto_sensitive_data")) | (1 << FLAGS.index("auto_high_impact"))
    assert rows[card.pk] == bits and rows[plain.pk] == 0


def test_the_cli_prints_the_accuracy_as_json_and_csv(judged) -> None:
    import io
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command("autoqa", "accuracy", "--format", "json", stdout=out)
    rude = next(r for r in json.loads(out.getvalue()) if r["detector"] == "rude")
    assert rude["confusion"] == {"tp": 2, "fp": 0, "fn": 1, "tn": 1}
    out = io.StringIO()
    call_command("autoqa", "accuracy", "--format", "csv", stdout=out)
    header, *lines = out.getvalue().splitlines()
    assert "precision_low" in header and any(line.startswith("rude,rude_or_blaming,en,4,") for line in lines)


def test_a_check_below_the_reliability_threshold_raises_no_sampling_flag(qa_lead, judged) -> None:
    from qadesk.sampling.candidates import candidate_rows
    from qadesk.sampling.services import sampling_plan_create

    plan = sampling_plan_create(actor=qa_lead, reviewers=[], name="p", period="week", seed=1, risk_boosts={"auto_high_impact": 3})
    start = (timezone.now() - timedelta(days=3)).date()

    def flagged() -> set[int]:
        return {row[0] for row in candidate_rows(plan=plan, start=start, end=start + timedelta(days=7)) if row[3]}

    assert flagged() == set()  # rude: kappa 0.5 under the default 0.6
    AutoSettings.objects.update_or_create(pk=1, defaults={"reliable_kappa": 0.5})
    assert flagged() == {judged[0].pk, judged[1].pk}
