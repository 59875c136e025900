"""Accuracy of an automatic criterion against the humans, and the automatic quality score (AQS): pure functions.

A pair is (machine verdict, human verdict) on one interaction for one criterion, each "pass", "fail" or "na". Pairs
where either side says not applicable are counted apart (`na`) and left out of the figures. The positive class is
"fail" — what the machine is there to catch:

- tp: both fail; fp: machine fail, human pass; fn: machine pass, human fail; tn: both pass; n = tp + fp + fn + tn.
- agreement = (tp + tn) / n; precision = tp / (tp + fp); recall = tp / (tp + fn); F1 = 2PR / (P + R); each share with
  its Wilson 95 % interval (scorecards.intervals.wilson_interval; none for F1).
- Cohen's kappa and Krippendorff's alpha (nominal: pass/fail are categories), from calibration.stats.

Worked example (tests/test_accuracy.py): tp 8, fp 2, fn 4, tn 6 → n 20, agreement 0.70, precision 0.80, recall 0.667,
F1 0.727, kappa = (0.70 − 0.50) / (1 − 0.50) = 0.40.

AQS: the share (percent) of applicable automatic checks passed, with its Wilson interval — the human IQS never includes
an automatic verdict, and the AQS never a human one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qadesk.calibration.stats import kappa, krippendorff_alpha
from qadesk.scorecards.intervals import wilson_interval

Interval = tuple[float, float] | None


@dataclass(frozen=True)
class Share:
    value: float | None
    interval: Interval


def share(successes: int, n: int) -> Share:
    return Share(successes / n if n else None, wilson_interval(successes, n))


@dataclass(frozen=True)
class Accuracy:
    n: int
    na: int
    tp: int
    fp: int
    fn: int
    tn: int
    agreement: Share
    precision: Share
    recall: Share
    f1: float | None
    kappa: float | None
    alpha: float | None

    def reliable(self, threshold: float) -> bool | None:
        """Whether agreement (Cohen's kappa) reaches the threshold; None when kappa is undefined (not conclusive)."""
        return None if self.kappa is None else self.kappa >= threshold


def accuracy(pairs: Iterable[tuple[str, str]]) -> Accuracy:
    """The figures of (machine, human) verdict pairs (see the module's docstring)."""
    tp = fp = fn = tn = na = 0
    coded: list[tuple[float, float]] = []
    for machine, human in pairs:
        if machine not in ("pass", "fail") or human not in ("pass", "fail"):
            na += 1
            continue
        coded.append((float(machine == "fail"), float(human == "fail")))
        if machine == "fail":
            tp, fp = (tp + 1, fp) if human == "fail" else (tp, fp + 1)
        else:
            fn, tn = (fn + 1, tn) if human == "fail" else (fn, tn + 1)
    n = tp + fp + fn + tn
    precision, recall = share(tp, tp + fp), share(tp, tp + fn)
    p, r = precision.value, recall.value
    f1 = 2 * p * r / (p + r) if p is not None and r is not None and p + r > 0 else None
    rows: list[list[float | None]] = [[m for m, _h in coded], [h for _m, h in coded]]
    k = kappa(rows)
    return Accuracy(
        n=n,
        na=na,
        tp=tp,
        fp=fp,
        fn=fn,
        tn=tn,
        agreement=share(tp + tn, n),
        precision=precision,
        recall=recall,
        f1=f1,
        kappa=None if k is None else k.value,
        alpha=krippendorff_alpha(rows, level="nominal") if coded else None,
    )


def aqs(passed: int, failed: int) -> Share:
    """The automatic quality score: passed / (passed + failed) as a share 0–1 with its Wilson interval."""
    return share(passed, passed + failed)
