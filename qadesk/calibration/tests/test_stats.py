"""Agreement statistics against published worked examples, and by hand."""

import pytest

from qadesk.calibration import stats

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the example with missing values:
# 4 observers (rows) x 12 units (columns); None = the observer did not code the unit.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


@pytest.mark.parametrize(("level", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)])
def test_it_reproduces_krippendorffs_published_example(level: str, published: float) -> None:
    assert round(stats.krippendorff_alpha(KRIPPENDORFF_2011, level=level), 3) == published


def test_it_answers_none_when_alpha_is_undefined() -> None:
    assert stats.krippendorff_alpha([[1, None], [None, 2]], level="nominal") is None  # no unit coded twice
    assert stats.krippendorff_alpha([[1, 1], [1, 1]], level="nominal") is None  # no variation
    assert stats.krippendorff_alpha([], level="interval") is None


def test_it_gives_perfect_agreement_alpha_one() -> None:
    assert stats.krippendorff_alpha([[0, 1, 1], [0, 1, 1]], level="nominal") == 1.0


def test_it_picks_the_level_from_the_scale() -> None:
    assert stats.level_for_scale("binary") == "nominal"
    assert stats.level_for_scale("five") == "ordinal"
    assert stats.level_for_scale("score") == "interval"


def test_it_counts_percent_agreement_by_hand() -> None:
    # unit 1: 3 ratings, pairs (1,1) (1,2) (1,2): 1 of 3 agree; unit 2: (0,0): 1 of 1; unit 3: one rating, no pair.
    assert stats.percent_agreement([[1, 1, 2], [0, 0, None], [5, None, None]]) == pytest.approx(50.0)
    assert stats.percent_agreement([[1, None]]) is None


def test_it_reproduces_maestroqas_alignment_example() -> None:
    # A reviewer gives 10 of 15 points where the benchmark gives 7: 100 % - 3/15 = 80 %.
    assert stats.criterion_alignment(10, 7, 15) == pytest.approx(80.0)
    assert stats.review_alignment([(10, 7, 15)]) == pytest.approx(80.0)


def test_it_weights_review_alignment_by_criterion_maximum() -> None:
    # 80 % on a 15-point criterion, 50 % on a 5-point one: 80 x 15/20 + 50 x 5/20 = 72.5 %; N/A is left out.
    assert stats.review_alignment([(10, 7, 15), (0, 2.5, 5), (None, 1, 10)]) == pytest.approx(72.5)
    assert stats.review_alignment([(None, 1, 10)]) is None


def test_it_measures_deviation_and_leniency() -> None:
    pairs = [(100, 50), (0, 50), (75, 50), (None, 50)]
    assert stats.mean_deviation(pairs) == pytest.approx(125 / 3)
    assert stats.leniency(pairs) == pytest.approx(25 / 3)
    assert stats.leniency([(80, 100)]) == -20
    assert stats.mean_deviation([]) is None
