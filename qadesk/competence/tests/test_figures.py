"""Each competence formula on hand-worked data (no database)."""

from datetime import date

import pytest

from qadesk.competence import figures as f


def test_it_weights_training_by_days_and_counts_an_expired_certificate_as_missing() -> None:
    required = [f.RequiredCourse("a", 2), f.RequiredCourse("b", 3)]
    done = [f.Completion("a", date(2026, 1, 1)), f.Completion("b", date(2025, 1, 1), expires_on=date(2025, 12, 31))]
    assert f.training_score(required, done, on=date(2026, 6, 1)) == pytest.approx(40.0)
    assert f.missing_courses(required, done, on=date(2026, 6, 1)) == ["b"]
    assert f.training_score(required, done, on=date(2025, 6, 1)) == pytest.approx(60.0)  # b valid, a not yet done


def test_it_has_no_training_score_without_a_requirement() -> None:
    assert f.training_score([], [], on=date(2026, 1, 1)) is None


def test_it_averages_the_delivery_sources_present() -> None:
    assert f.survey_to_100(3.0) == 50.0
    assert f.delivery_score(80.0, 4.0) == pytest.approx(77.5)
    assert f.delivery_score(None, 5.0) == 100.0
    assert f.delivery_score(None, None) is None


def test_it_sums_the_parts_normalised_against_their_benchmarks() -> None:
    rating = f.rating(40.0, 90.0, training_benchmark=80.0, delivery_benchmark=75.0)
    assert rating.training_points == pytest.approx(25.0)
    assert rating.delivery_points == pytest.approx(60.0)
    assert rating.value == pytest.approx(85.0)
    assert rating.below_benchmark
    assert f.rating(80.0, 75.0, training_benchmark=80.0, delivery_benchmark=75.0).value == pytest.approx(100.0)
    assert f.rating(None, 75.0, training_benchmark=80.0, delivery_benchmark=75.0).value is None


def test_it_takes_the_median_as_the_organisation_benchmark() -> None:
    assert f.organisation_benchmark([10.0, None, 30.0, 20.0]) == 20.0
    assert f.organisation_benchmark([None]) is None


def test_it_lists_the_criteria_losing_most_points_first() -> None:
    rows = f.losses({"sop": (60.0, 4), "tools": (90.0, 2), "flow": (100.0, 3)})
    assert [(r.code, r.lost) for r in rows] == [("sop", 40.0), ("tools", 10.0)]


def test_it_gives_r_with_a_fisher_interval() -> None:
    perfect = f.correlation([(0, 60), (1, 70), (2, 80)])
    assert perfect.r == pytest.approx(1.0) and perfect.slope == pytest.approx(10.0)
    found = f.correlation([(0, 1), (1, 3), (2, 2), (3, 5), (4, 4)])
    assert found.r == pytest.approx(0.8)  # sxy 8, sxx 10, syy 10
    assert found.low == pytest.approx(-0.28, abs=0.01) and found.high == pytest.approx(0.99, abs=0.01)
    assert f.correlation([(1, 2), (1, 3), (1, 4)]).r is None  # training days do not vary


def test_it_gives_the_mean_change_around_a_course_with_a_t_interval() -> None:
    found = f.before_after([(70.0, 80.0), (60.0, 64.0)])
    assert found.change == pytest.approx(7.0)
    assert found.low == pytest.approx(-31.12, abs=0.01) and found.high == pytest.approx(45.12, abs=0.01)
    assert f.before_after([]).change is None


def test_it_counts_productivity_per_active_day() -> None:
    assert f.productivity(30, 4) == 7.5
    assert f.productivity(0, 0) is None


def test_it_averages_groups_over_agents_with_a_value() -> None:
    assert f.group_means([("t", 80.0), ("t", None), ("t", 100.0), ("u", None)]) == {"t": (90.0, 2), "u": (None, 0)}
