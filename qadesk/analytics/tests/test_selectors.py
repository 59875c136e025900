"""The quality report selector, figures worked by hand (see the report_data fixture)."""

from datetime import date

import pytest

from qadesk.accounts.models import OrgSettings, User
from qadesk.analytics.selectors import quality_report
from qadesk.core.errors import ApplicationError
from qadesk.testing import factories as f

from .conftest import ReportData, at, make_review

pytestmark = pytest.mark.django_db


def report(actor: User, by: str = "agent", **kwargs: object):  # type: ignore[no-untyped-def]
    kwargs.setdefault("date_from", None)
    kwargs.setdefault("date_to", None)
    return quality_report(actor=actor, by=by, **kwargs)  # type: ignore[arg-type]


def test_it_reproduces_the_formulas_example_iqs(qa_lead: User, agent, reviewer, default_scorecard) -> None:  # type: ignore[no-untyped-def]
    for day, score in enumerate([100, 9.91, 63.96, 90.99, 0], start=1):
        make_review(agent, default_scorecard, reviewer, score, submitted_at=at(9, day))
    totals = report(qa_lead).totals
    assert (totals.n, totals.iqs, totals.pass_rate) == (5, 52.97, 40.0)  # 100 and 90.99 pass the default mark of 80
    # Two-part: 4 of 5 above 0 (Wilson 0.3755–0.9638) × the mean 66.215 of those four (Student t, 9.99–100 capped),
    # on the log scale (MOVER): 1.26–83.27, where Student's t alone gave −4.06–110.00 and was clipped.
    assert (totals.ci_low, totals.ci_high) == (1.26, 83.27)


def test_it_computes_each_agent_group_by_hand(qa_lead: User, report_data: ReportData, agent, other_team_agent) -> None:  # type: ignore[no-untyped-def]
    result = report(qa_lead)
    alice, bob = result.groups
    assert (alice.key, alice.label, alice.n, alice.iqs, alice.conclusive) == (str(agent.pk), "A.Rossi", 5, 90.0, True)
    # None at 0: Wilson 5/5 = 0.5655–1; m = 90, s = 7.906, t(4) = 2.7764 → 80.18–99.82; MOVER: 50.31–99.82.
    assert (alice.ci_low, alice.ci_high) == (50.31, 99.82)
    assert (alice.pass_rate, alice.pass_rate_low, alice.pass_rate_high) == (100.0, 56.55, 100.0)  # Wilson 5/5
    assert (alice.high_impact_errors, alice.high_impact_per_100) == (1, 20.0)
    # Garwood: 1 error → 0.0253–5.572 errors, over 5 reviews ×100 = 0.51–111.43 per 100; 3 → 0.619–8.767 → 12.37–175.35.
    assert (alice.high_impact_per_100_low, alice.high_impact_per_100_high) == (0.51, 111.43)
    assert (alice.low_impact_errors, alice.low_impact_per_100) == (3, 60.0)
    assert (alice.low_impact_per_100_low, alice.low_impact_per_100_high) == (12.37, 175.35)
    assert (bob.key, bob.n, bob.iqs, bob.conclusive, bob.pass_rate, bob.high_impact_per_100) == (
        str(other_team_agent.pk),
        2,
        80.0,
        False,
        50.0,
        50.0,
    )


def test_it_totals_only_submitted_scored_reviews(qa_lead: User, report_data: ReportData) -> None:
    totals = report(qa_lead).totals
    assert (totals.n, totals.iqs, totals.pass_rate) == (7, 87.14, 85.71)
    assert (totals.high_impact_errors, totals.high_impact_per_100, totals.low_impact_errors, totals.low_impact_per_100) == (
        2,
        28.57,
        3,
        42.86,
    )


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("team", [("Milano Ordini", 5, 90.0), ("Lyon Livraisons", 2, 80.0)]),
        ("site", [("Milano", 5, 90.0), ("Lyon", 2, 80.0)]),
        ("channel", [("E-mail", 5, 90.0), ("Chat", 2, 80.0)]),
        ("label", [("Refund request", 5, 90.0), ("(none)", 2, 80.0)]),
        ("phase", [("Delivery tracking", 5, 90.0), ("(none)", 2, 80.0)]),
        ("period", [("Sep 2026", 5, 90.0), ("Oct 2026", 2, 80.0)]),  # labels for people; keys stay ISO
    ],
)
def test_it_groups_by_every_dimension(qa_lead: User, report_data: ReportData, by: str, expected: list) -> None:  # type: ignore[type-arg]
    assert [(g.label, g.n, g.iqs) for g in report(qa_lead, by).groups] == expected


def test_it_buckets_periods_by_day_and_week_in_time_order(qa_lead: User, report_data: ReportData) -> None:
    days = report(qa_lead, "period", period="day").groups
    assert [g.key for g in days] == [
        "2026-09-01",
        "2026-09-02",
        "2026-09-03",
        "2026-09-04",
        "2026-09-05",
        "2026-10-01",
        "2026-10-02",
    ]
    weeks = report(qa_lead, "period", period="week").groups
    # 1-5 Sept 2026 is Tuesday-Saturday of the week starting Monday 31 Aug; 1-2 Oct starts on Monday 28 Sept.
    assert [(g.key, g.n) for g in weeks] == [("2026-08-31", 5), ("2026-09-28", 2)]


def test_it_filters_by_submission_date_with_inclusive_bounds(
    qa_lead: User, report_data: ReportData, agent, reviewer, default_scorecard
) -> None:  # type: ignore[no-untyped-def]
    make_review(agent, default_scorecard, reviewer, 10, submitted_at=at(9, 30, hour=23))
    assert report(qa_lead, date_from=date(2026, 10, 1)).totals.n == 2
    assert report(qa_lead, date_to=date(2026, 9, 30)).totals.n == 6
    assert report(qa_lead, date_from=date(2026, 9, 2), date_to=date(2026, 9, 4)).totals.iqs == 90.0


def test_it_applies_filters_by_id_or_natural_key(qa_lead: User, report_data: ReportData, agent) -> None:  # type: ignore[no-untyped-def]
    assert report(qa_lead, filters={"team": "Lyon Livraisons"}).totals.n == 2
    assert report(qa_lead, filters={"agent": str(agent.pk)}).totals.n == 5
    assert report(qa_lead, filters={"agent": "b.martin", "channel": "chat"}).totals.n == 2
    assert report(qa_lead, filters={"label": "refund_request", "phase": "delivery"}).totals.n == 5
    assert report(qa_lead, filters={"site": "Milano", "channel": "chat"}).totals.n == 0


def test_it_refuses_unknown_groupings_periods_and_filters(qa_lead: User) -> None:
    with pytest.raises(ApplicationError, match="Unknown grouping"):
        report(qa_lead, "reviewer")
    with pytest.raises(ApplicationError, match="Unknown period"):
        report(qa_lead, "period", period="year")
    with pytest.raises(ApplicationError, match="Unknown filter"):
        report(qa_lead, filters={"customer": "C-1"})


def test_an_agent_sees_only_their_own_reviews(agent_user: User, report_data: ReportData, agent) -> None:  # type: ignore[no-untyped-def]
    result = report(agent_user)
    assert [g.key for g in result.groups] == [str(agent.pk)]
    assert result.totals.n == 5


def test_a_team_lead_sees_only_their_team(team_lead: User, report_data: ReportData) -> None:
    assert [(g.label, g.n) for g in report(team_lead, "team").groups] == [("Milano Ordini", 5)]


def test_an_agent_of_another_team_sees_none_of_alices_reviews(other_team_agent_user: User, report_data: ReportData) -> None:
    result = report(other_team_agent_user)
    assert (result.totals.n, [g.label for g in result.groups]) == (2, ["B.Martin"])


def test_it_never_ranks_a_non_conclusive_group_above_a_conclusive_one(
    qa_lead: User, report_data: ReportData, reviewer, default_scorecard
) -> None:  # type: ignore[no-untyped-def]
    settings = OrgSettings.load()
    settings.minimum_n = 2
    settings.save()
    star = f.make_agent("z.star", f.make_team("Roma"))
    make_review(star, default_scorecard, reviewer, 100, submitted_at=at(9, 9))
    groups = report(qa_lead).groups
    assert [(g.label, g.conclusive) for g in groups] == [("A.Rossi", True), ("B.Martin", True), ("Z.Star", False)]


def test_it_lists_non_conclusive_groups_by_name_not_by_score(qa_lead: User, report_data: ReportData) -> None:
    settings = OrgSettings.load()
    settings.minimum_n = 10
    settings.save()
    groups = report(qa_lead, "team").groups
    assert [(g.label, g.iqs, g.conclusive) for g in groups] == [("Lyon Livraisons", 80.0, False), ("Milano Ordini", 90.0, False)]


def test_it_uses_the_configured_pass_mark(qa_lead: User, report_data: ReportData) -> None:
    settings = OrgSettings.load()
    settings.pass_mark = 95
    settings.save()
    result = report(qa_lead)
    assert (result.pass_mark, result.totals.pass_rate) == (95.0, 42.86)  # 95, 100, 100 of 7


def test_it_averages_each_criterion_and_counts_failures_by_impact(qa_lead: User, report_data: ReportData) -> None:
    rows = {c.code: c for c in report(qa_lead).criteria}
    assert set(rows) == {"right_label", "right_sop"}
    label, sop = rows["right_label"], rows["right_sop"]
    assert (label.title, label.n, label.mean_score, label.failures, label.low_impact_errors, label.high_impact_errors) == (
        "Correct label",
        4,
        50.0,
        2,
        2,
        0,
    )
    assert (sop.n, sop.mean_score, sop.failures, sop.high_impact_errors, sop.failures_per_100) == (5, 80.0, 1, 1, 14.29)


def test_it_ranks_the_most_failed_criteria(qa_lead: User, report_data: ReportData) -> None:
    assert [(c.code, c.failures) for c in report(qa_lead).failed_criteria] == [("right_label", 2), ("right_sop", 1)]


def test_it_counts_root_causes_of_failed_ratings_in_submitted_reviews_only(qa_lead: User, report_data: ReportData) -> None:
    causes = [(rc.code, rc.title, rc.criterion_code, rc.count) for rc in report(qa_lead).root_causes]
    assert causes == [
        ("reason_misread", "Reason misread", "right_label", 2),
        ("label_missing", "Label not set", "right_label", 1),  # the draft's label_missing is not counted
        ("wrong_sop", "Another SOP applied", "right_sop", 1),
    ]


def test_it_names_criteria_and_causes_in_the_active_language(qa_lead: User, report_data: ReportData) -> None:
    from django.utils import translation

    with translation.override("it"):
        result = report(qa_lead, "channel")
    assert result.root_causes[0].title == "Motivo frainteso"
    assert {c.title for c in result.criteria} == {"Etichetta corretta", "SOP corretta per il motivo del contatto"}


def test_an_empty_report_has_no_groups_and_no_figures(qa_lead: User) -> None:
    result = report(qa_lead)
    assert (result.groups, result.totals.n, result.totals.iqs, result.criteria, result.root_causes) == ([], 0, None, [], [])
