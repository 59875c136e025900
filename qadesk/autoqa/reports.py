"""Reading the automatic results in bulk: the AQS by criterion and language, and each criterion's accuracy against the
humans' reviews (figures from accuracy.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Count, Q, QuerySet

from qadesk.accounts.models import User
from qadesk.autoqa.accuracy import Accuracy, Share, accuracy, aqs
from qadesk.autoqa.engine import Detector
from qadesk.autoqa.models import AutoResult, AutoSettings
from qadesk.autoqa.services import current_detectors
from qadesk.core.days import day_start, next_day_start
from qadesk.reviews.models import Rating, ReviewStatus


def current_results(*, actor: User | None, chosen: list[Detector] | None = None) -> QuerySet[AutoResult]:
    """The results of the detectors' current versions on the interactions the actor may see (all without an actor:
    for jobs such as sampling)."""
    chosen = chosen if chosen is not None else current_detectors()
    if not chosen:
        return AutoResult.objects.none()
    current = reduce(or_, (Q(detector=d.code, version=d.version) for d in chosen))
    return (AutoResult.objects.all() if actor is None else AutoResult.objects.visible_to(actor)).filter(current)


@dataclass(frozen=True)
class AqsRow:
    detector: str
    criterion: str
    language: str
    passed: int
    failed: int
    na: int
    score: Share
    conclusive: bool


def aqs_rows(*, actor: User, minimum_n: int, date_from: date | None = None, date_to: date | None = None) -> list[AqsRow]:
    """The AQS per detector and language on interactions created in the range: the share of the interactions it judged
    that passed it (n below minimum_n: not conclusive). Counted by the database. The AQS over all checks is
    aqs.aqs_report's totals (the mean of the interactions' AQS, which for one check is this share)."""
    results = current_results(actor=actor)
    if date_from:
        results = results.filter(interaction__created_at__gte=day_start(date_from))
    if date_to:
        results = results.filter(interaction__created_at__lt=next_day_start(date_to))
    counts = results.values("detector", "criterion", "language", "verdict").annotate(n=Count("pk"))
    groups: dict[tuple[str, str, str], dict[str, int]] = {}
    for row in counts:
        key = (row["detector"], row["criterion"], row["language"])
        groups.setdefault(key, {})[row["verdict"]] = row["n"]

    def make(detector: str, criterion: str, language: str, by: dict[str, int]) -> AqsRow:
        passed, failed = by.get("pass", 0), by.get("fail", 0)
        return AqsRow(
            detector, criterion, language, passed, failed, by.get("na", 0), aqs(passed, failed), passed + failed >= minimum_n
        )

    return [make(*key, by) for key, by in sorted(groups.items())]


def human_verdict(value: int | None, failed: bool) -> str:
    """A human rating as a verdict: N/A, failed (scored under the fail mark), or passed."""
    return "na" if value is None else "fail" if failed else "pass"


@dataclass(frozen=True)
class AccuracyRow:
    detector: str
    criterion: str
    language: str
    figures: Accuracy
    reliable: bool | None


def accuracy_rows(*, actor: User | None) -> list[AccuracyRow]:
    """Per detector and language, the accuracy on the interactions that both the detector and a submitted human review
    judged on the same criterion (the criterion's code); each interaction's latest submitted review counts."""
    threshold = AutoSettings.load().reliable_kappa
    results = current_results(actor=actor).filter(interaction__reviews__status=ReviewStatus.SUBMITTED).distinct()
    machine = list(results.values_list("interaction_id", "detector", "criterion", "language", "verdict"))
    criteria = {row[2] for row in machine}
    ratings = (
        Rating.objects.filter(
            review__status=ReviewStatus.SUBMITTED,
            review__interaction_id__in=results.values("interaction_id"),
            criterion__code__in=criteria,
        )
        .order_by("review__submitted_at", "review_id")
        .values_list("review__interaction_id", "criterion__code", "value", "failed")
    )
    human: dict[tuple[int, str], str] = {(i, code): human_verdict(v, failed) for i, code, v, failed in ratings}
    pairs: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for interaction_id, detector, criterion, language, verdict in machine:
        if (interaction_id, criterion) in human:
            pairs.setdefault((detector, criterion, language), []).append((verdict, human[(interaction_id, criterion)]))
    rows = []
    for (detector, criterion, language), found in sorted(pairs.items()):
        figures = accuracy(found)
        rows.append(AccuracyRow(detector, criterion, language, figures, figures.reliable(threshold)))
    return rows


def unreliable_detectors() -> set[str]:
    """The detectors whose agreement with the reviews is under the QA lead's threshold in some language (kept out of
    sampling until they agree again)."""
    return {row.detector for row in accuracy_rows(actor=None) if row.reliable is False}


# Sampling risk flags from automatic verdicts (sampling.draw.FLAGS): which current results raise each.
RISK_FILTERS: dict[str, Q] = {
    "auto_high_impact": Q(verdict="fail", impact="high"),
    "auto_sop_step_missing": Q(detector="sop_steps", verdict="fail", impact="low"),
    "auto_label_mismatch": Q(detector__in=["label_handling", "label_classifier"], verdict="fail"),
    "auto_upset_customer": Q(detector="empathy", verdict__in=["pass", "fail"]),
    "auto_sensitive_data": Q(detector="sensitive_data", verdict="fail"),
}


def risk_results(flag: str, *, unreliable: set[str] | None = None) -> QuerySet[AutoResult]:
    """The current, reliable automatic results that raise a sampling risk flag (filter them by interaction);
    `unreliable`: unreliable_detectors(), when the caller already has it."""
    excluded = unreliable_detectors() if unreliable is None else unreliable
    return current_results(actor=None).filter(RISK_FILTERS[flag]).exclude(detector__in=excluded)


def as_dict(row: AccuracyRow) -> dict[str, Any]:
    f = row.figures
    return {
        "detector": row.detector,
        "criterion": row.criterion,
        "language": row.language,
        "n": f.n,
        "not_applicable": f.na,
        "confusion": {"tp": f.tp, "fp": f.fp, "fn": f.fn, "tn": f.tn},
        "agreement": f.agreement.value,
        "agreement_interval": f.agreement.interval,
        "precision": f.precision.value,
        "precision_interval": f.precision.interval,
        "recall": f.recall.value,
        "recall_interval": f.recall.interval,
        "f1": f.f1,
        "kappa": f.kappa,
        "alpha": f.alpha,
        "reliable": row.reliable,
    }
