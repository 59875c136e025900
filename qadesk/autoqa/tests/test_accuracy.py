"""Accuracy figures on hand-worked data (accuracy.py's docstring)."""

from __future__ import annotations

import pytest

from qadesk.autoqa.accuracy import accuracy, aqs


def pairs(tp: int, fp: int, fn: int, tn: int, na: int = 0) -> list[tuple[str, str]]:
    return (
        [("fail", "fail")] * tp
        + [("fail", "pass")] * fp
        + [("pass", "fail")] * fn
        + [("pass", "pass")] * tn
        + [("na", "fail")] * na
    )


def test_the_worked_example() -> None:
    a = accuracy(pairs(8, 2, 4, 6, na=3))
    assert (a.n, a.na, a.tp, a.fp, a.fn, a.tn) == (20, 3, 8, 2, 4, 6)
    assert a.agreement.value == pytest.approx(0.70)
    assert a.precision.value == pytest.approx(0.80) and a.recall.value == pytest.approx(8 / 12)
    assert a.f1 == pytest.approx(2 * 0.8 * (8 / 12) / (0.8 + 8 / 12))
    # p_o = 0.7; machine fails 10/20, human fails 12/20: p_e = 0.5·0.6 + 0.5·0.4 = 0.5; kappa = 0.2 / 0.5
    assert a.kappa == pytest.approx(0.40)
    assert a.alpha is not None and a.alpha == pytest.approx(0.4, abs=0.03)
    low, high = a.precision.interval  # type: ignore[misc]
    assert low < 0.8 < high and low >= 0 and high <= 1
    assert a.reliable(0.35) is True and a.reliable(0.6) is False


def test_perfect_agreement_and_nothing_to_compare() -> None:
    assert accuracy(pairs(3, 0, 0, 5)).kappa == pytest.approx(1.0)
    empty = accuracy([("na", "pass")])
    assert empty.n == 0 and empty.agreement.value is None and empty.kappa is None and empty.reliable(0.6) is None
    assert accuracy(pairs(0, 0, 0, 4)).precision.value is None  # no machine fail: precision undefined


def test_aqs_is_the_share_of_applicable_checks_passed() -> None:
    score = aqs(30, 10)
    assert score.value == pytest.approx(0.75) and score.interval is not None
    assert aqs(0, 0).value is None
