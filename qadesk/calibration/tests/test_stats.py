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


# Krippendorff (2011), section E "Metric differences for other levels of measurement": the same data give nominal
# 0.743, ordinal 0.815, interval 0.849 and ratio 0.797.
@pytest.mark.parametrize(("level", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_it_reproduces_krippendorffs_published_example(level: str, published: float) -> None:
    assert round(stats.krippendorff_alpha(KRIPPENDORFF_2011, level=level), 3) == published  # type: ignore[arg-type]


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


def test_it_averages_percent_agreement_per_unit() -> None:
    # unit 1: 3 ratings, pairs (1,1) (1,2) (1,2): 1 of 3 agree; unit 2: (0,0): 1 of 1; unit 3: one rating, no pair.
    # Per unit: (1/3 + 1) / 2 = 66.7 % (pooling the 4 pairs would say 2/4 = 50 %).
    assert stats.percent_agreement([[1, 1, 2], [0, 0, None], [5, None, None]]) == pytest.approx(200 / 3)
    assert stats.percent_agreement([[1, None]]) is None


def test_it_reproduces_gwets_observed_agreement_with_missing_ratings() -> None:
    # Gwet KL (2014), Handbook of Inter-Rater Reliability, 4th ed., and his irrCAC package's `cac.raw4raters` data
    # (the same 4 raters × 12 units as Krippendorff 2011): observed agreement p_a = 0.8181818 (9/11 units agree).
    assert round(stats.percent_agreement(zip(*KRIPPENDORFF_2011, strict=True)), 3) == 81.818  # type: ignore[arg-type]


# Fleiss JL (1971), "Measuring nominal scale agreement among many raters", Psychological Bulletin 76:378–382, as
# worked on Wikipedia's "Fleiss' kappa" page: 10 subjects, 14 raters, 5 categories; P̄ = 0.378, P̄e = 0.213, κ = 0.210.
FLEISS_COUNTS = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def test_it_reproduces_the_fleiss_kappa_worked_example() -> None:
    # Fleiss' kappa ignores who gave which rating: rater j gives subject i the j-th of its ratings in category order.
    units = [[category for category, count in enumerate(row, start=1) for _ in range(count)] for row in FLEISS_COUNTS]
    raters = [list(r) for r in zip(*units, strict=True)]
    result = stats.kappa(raters)
    assert result is not None and (result.kind, round(result.value, 3), result.units) == ("fleiss", 0.210, 10)
    assert round(stats.percent_agreement(units), 1) == 37.8  # type: ignore[arg-type]  # P̄ = 0.378


def test_it_reproduces_the_cohens_kappa_textbook_example() -> None:
    # Wikipedia's "Cohen's kappa" worked example: 50 proposals, both "yes" 20, A yes/B no 5, A no/B yes 10, both "no" 15:
    # p_o = 0.70, p_e = 0.5·0.6 + 0.5·0.4 = 0.50, κ = (0.70 − 0.50) / (1 − 0.50) = 0.40.
    a = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    result = stats.kappa([a, b])
    assert result is not None and (result.kind, round(result.value, 3), result.units) == ("cohen", 0.4, 50)


def test_it_computes_kappa_over_the_units_every_reviewer_rated() -> None:
    # Fleiss' kappa needs as many ratings per unit: the 8 units of Krippendorff's example all 4 coders rated.
    result = stats.kappa(KRIPPENDORFF_2011)
    assert result is not None and (result.kind, result.units) == ("fleiss", 8)
    assert stats.kappa([[1, 1, None], [1, 1, 2]]) is None  # one category on the units both rated: undefined
    assert stats.kappa([[1, 0]]) is None  # a single reviewer


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
