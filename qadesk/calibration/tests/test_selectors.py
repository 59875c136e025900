"""Results of a session (agreement, deviation, alignment, blindness) and a reviewer's record across sessions."""

import pytest
from django.http import Http404
from django.utils import timezone

from qadesk.calibration import stats
from qadesk.calibration.selectors import calibration_results, calibration_reviewer_history
from qadesk.calibration.services import calibration_agreed_answer_set, calibration_score_submit
from qadesk.calibration.tests.helpers import criteria, open_session, top_ratings
from qadesk.disputes.models import Dispute, DisputeItem, DisputeStatus
from qadesk.reviews.models import Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(session, default_scorecard, reviewer, reviewer2, expert):
    """Expert and gina agree on item 1; dario gives empathy 3 of 5 there. On item 2 gina fails right_label."""
    first, second = session.items.all()
    for actor, item, overrides in [
        (expert, first, {}),
        (reviewer, first, {"empathy": 3}),
        (reviewer2, first, {}),
        (expert, second, {}),
        (reviewer, second, {}),
        (reviewer2, second, {"right_label": 0}),
    ]:
        calibration_score_submit(item=item, actor=actor, ratings=top_ratings(default_scorecard, **overrides))
    return session


def _by_reviewer(results):
    return {r["reviewer"]: r for r in results["reviewers"]}


def test_it_measures_each_reviewer_against_the_benchmark_reviewer(scored, qa_lead) -> None:
    results = calibration_results(session=scored, actor=qa_lead)
    assert results["benchmark"] == "benchmark_reviewer"
    dario, gina = _by_reviewer(results)["dario"], _by_reviewer(results)["gina"]
    # 20 cells; dario is 50 points under on one (empathy 3 of 5), gina 100 under on one (right_label failed).
    assert dario["mean_deviation"] == pytest.approx(2.5) and dario["leniency"] == pytest.approx(-2.5)
    assert gina["mean_deviation"] == pytest.approx(5.0) and gina["leniency"] == pytest.approx(-5.0)
    # Total weight 16: item alignment (15 x 100 + 1 x 50) / 16 = 96.875 and 100; gina (14 x 100 + 2 x 0) / 16 = 87.5 and 100.
    assert dario["alignment"] == pytest.approx((96.875 + 100) / 2)
    assert gina["alignment"] == pytest.approx((87.5 + 100) / 2)
    assert dario["by_criterion"]["empathy"] == {"mean_deviation": 25.0, "leniency": -25.0}
    assert _by_reviewer(results)["ines"]["mean_deviation"] is None  # never measured against herself


def test_it_puts_the_criteria_with_the_worst_agreement_first(scored, qa_lead) -> None:
    results = calibration_results(session=scored, actor=qa_lead)
    worst = results["criteria"][:2]
    assert {c["code"] for c in worst} == {"empathy", "right_label"}
    empathy = next(c for c in worst if c["code"] == "empathy")
    assert empathy["level"] == "ordinal"
    assert empathy["alpha"] == pytest.approx(stats.krippendorff_alpha([[5, 5], [3, 5], [5, 5]], level="ordinal"))
    assert empathy["percent_agreement"] == pytest.approx(400 / 6)  # unit 1: 1 of 3 pairs agree, unit 2: 3 of 3
    assert next(c for c in worst if c["code"] == "right_label")["level"] == "nominal"
    assert all(c["alpha"] is None for c in results["criteria"][2:])  # full agreement, no variation
    # Per unit (20 cells, 3 ratings each): 18 agree fully, 2 agree on 1 pair of 3 → (18 + 2/3) / 20 = 93.3 %.
    assert results["overall"]["percent_agreement"] == pytest.approx(100 * (18 + 2 / 3) / 20)
    assert results["overall"]["weakest_alpha"] == min(c["alpha"] for c in results["criteria"] if c["alpha"] is not None)


def test_it_gives_the_overall_agreement_per_level_of_measurement(scored, qa_lead) -> None:
    overall = calibration_results(session=scored, actor=qa_lead)["overall"]
    nominal, ordinal = overall["by_level"]
    # The 4 pass/fail criteria are nominal (16 → 8 units over 2 items), the 6 point-scale criteria ordinal (12 units).
    assert (nominal["level"], nominal["criteria"], nominal["units"]) == ("nominal", 4, 8)
    assert (ordinal["level"], ordinal["criteria"], ordinal["units"]) == ("ordinal", 6, 12)
    # Nominal: every rating passes (100) but gina's one right_label failure (0), on 0–100 criterion scores.
    data = [[100] * 8, [100] * 8, [100] * 8]
    gina_row = sorted(scored.participants.values_list("pk", flat=True)).index(scored.participants.get(username="gina").pk)
    data[gina_row][0 if nominal_first_unit_failed(scored) else 4] = 0
    assert nominal["alpha"] == pytest.approx(stats.krippendorff_alpha(data, level="nominal"))
    # Nearly every rating is the top one, so one disagreement outweighs the little variation: alpha is near zero
    # although most pairs agree (the high-agreement paradox, why percent agreement and kappa stand beside it).
    assert nominal["alpha"] < 0.1 and nominal["percent_agreement"] == pytest.approx(100 * (7 + 1 / 3) / 8)
    assert nominal["kappa"]["kind"] == "fleiss" and nominal["kappa"]["units"] == 8
    assert ordinal["kappa"] is None  # kappa is for categories
    score = overall["review_score"]
    assert (score["level"], score["units"]) == ("interval", 2) and score["alpha"] is not None


def nominal_first_unit_failed(session) -> bool:  # type: ignore[no-untyped-def]
    """Whether gina's failed right_label is on the session's first item (units run item by item)."""
    from qadesk.calibration.models import CalibrationRating

    failed = CalibrationRating.objects.get(score__session=session, score__reviewer__username="gina", value=0)
    return failed.score.item_id == session.items.order_by("position", "id").first().pk


def test_a_criterion_declared_nominal_gets_nominal_alpha_and_kappa(scored, qa_lead, default_scorecard) -> None:
    empathy = criteria(default_scorecard)["empathy"]
    empathy.level = "nominal"
    empathy.save()
    row = next(c for c in calibration_results(session=scored, actor=qa_lead)["criteria"] if c["code"] == "empathy")
    assert row["level"] == "nominal"
    assert row["alpha"] == pytest.approx(stats.krippendorff_alpha([[5, 5], [3, 5], [5, 5]], level="nominal"))
    assert row["kappa"] is not None and row["kappa"]["kind"] == "fleiss"


def test_agreed_answers_become_the_benchmark(scored, qa_lead, default_scorecard) -> None:
    first = scored.items.first()
    calibration_agreed_answer_set(item=first, criterion=criteria(default_scorecard)["empathy"], actor=qa_lead, value=3)
    results = calibration_results(session=scored, actor=qa_lead)
    assert results["benchmark"] == "agreed_answers"
    people = _by_reviewer(results)
    assert people["dario"]["mean_deviation"] == 0  # agreed with the settled answer
    assert people["ines"]["mean_deviation"] == 50  # the expert is measured against the agreed answer only
    assert people["gina"]["by_criterion"]["empathy"] == {"mean_deviation": 25.0, "leniency": 25.0}


def test_a_blind_session_hides_the_others_until_the_participant_has_scored_all(
    session, reviewer, qa_lead, default_scorecard
) -> None:
    first, second = session.items.all()
    calibration_score_submit(item=first, actor=reviewer, ratings=top_ratings(default_scorecard))
    before = calibration_results(session=session, actor=reviewer)
    assert before["blinded"] and [r["reviewer"] for r in before["reviewers"]] == ["dario"]
    assert before["benchmark"] is None
    assert calibration_results(session=session, actor=qa_lead)["blinded"] is False
    calibration_score_submit(item=second, actor=reviewer, ratings=top_ratings(default_scorecard))
    assert calibration_results(session=session, actor=reviewer)["blinded"] is False


def test_an_open_session_shows_everyone_to_participants(qa_lead, default_scorecard, interaction, reviewer, reviewer2) -> None:
    session = open_session(qa_lead, default_scorecard, [interaction], [reviewer, reviewer2], blind=False)
    calibration_score_submit(item=session.items.first(), actor=reviewer2, ratings=top_ratings(default_scorecard))
    results = calibration_results(session=session, actor=reviewer)
    assert not results["blinded"] and [r["reviewer"] for r in results["reviewers"]] == ["gina"]


def test_it_hides_the_agent_from_participants_only(session, reviewer, qa_lead) -> None:
    assert {i["agent"] for i in calibration_results(session=session, actor=reviewer)["items"]} == {None}
    assert None not in {i["agent"] for i in calibration_results(session=session, actor=qa_lead)["items"]}


def test_it_refuses_results_to_outsiders(session, team_lead) -> None:
    with pytest.raises(Http404):
        calibration_results(session=session, actor=team_lead)


def test_it_records_a_reviewers_leniency_and_findings_overturned(
    scored, reviewer, qa_lead, agent, interaction, default_scorecard
) -> None:
    review = Review.objects.create(
        interaction=interaction, scorecard_version=default_scorecard, reviewer=reviewer, agent=agent, status="submitted"
    )
    dispute = Dispute.objects.create(
        review=review, raised_by=agent.user, assignee=qa_lead, argument="no", status=DisputeStatus.DECIDED, due_at=timezone.now()
    )
    codes = criteria(default_scorecard)
    DisputeItem.objects.create(dispute=dispute, criterion=codes["empathy"], accepted=True)
    DisputeItem.objects.create(dispute=dispute, criterion=codes["warmth"], accepted=False)
    history = calibration_reviewer_history(reviewer=reviewer, actor=qa_lead)
    assert history["sessions"] == 1 and history["leniency"] == pytest.approx(-2.5)
    assert history["trend"][0]["session"] == scored.pk
    assert (history["findings_contested"], history["findings_overturned"], history["overturn_rate"]) == (2, 1, 50.0)


def test_a_reviewer_sees_only_their_own_history(reviewer, reviewer2) -> None:
    assert calibration_reviewer_history(reviewer=reviewer, actor=reviewer)["sessions"] == 0
    with pytest.raises(Http404):
        calibration_reviewer_history(reviewer=reviewer2, actor=reviewer)
