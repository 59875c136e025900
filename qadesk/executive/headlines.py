"""The registry of headline figures the executive view follows over time (docs/executive.md).

Each headline has a code (stored with baselines and targets), a translated name, a unit, a direction (is higher
better?), the section of the summary it belongs to, and a function (period_start, period_end) → Measure | None: the
value over those local days, inclusive, with the sample the significance test needs (figures.Measure). None means
"no data in the period" — or, for a headline whose app is not installed, "not available yet".

Adding a headline is one entry in HEADLINES. A figure owned by an app that may not be there is connected through
`provided_by("module", "function")`, which imports it on first use and answers None while the import fails; the
function may return a number, a Measure, or any object with `value` (and optionally `n` and `sd`):

    Headline("cost_per_incident", …, measure=provided_by("qadesk.costs.selectors", "cost_per_incident"))

Every figure is the whole organisation's: the executive view is for managers and admins, who see everything
(the measures read through an unsaved administrator, as the `qadesk report` command does)."""

from __future__ import annotations

import functools
import importlib
import inspect
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Count, F, Q, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qadesk.executive.figures import HIGHER, LOWER, Measure, mean_measure, nps_worth, scored_measure, share_measure

if TYPE_CHECKING:
    from qadesk.operations.kpis import KpiSums

MeasureFn = Callable[[date, date], Measure | None]

# Units: how a value is written (docs/executive.md).
POINTS, PERCENT, PER_100, SCORE, SECONDS, MONEY = "points", "percent", "per_100", "score", "seconds", "money"
UNIT_NAMES: dict[str, Promise] = {
    POINTS: _("points"),
    PERCENT: _("%"),
    PER_100: _("per 100 reviews"),
    SCORE: _("on 1–7"),
    SECONDS: _("seconds"),
    MONEY: _("per incident"),
}

# Sections of the summary: quality planned (the targets) is the column beside every figure.
SECTIONS: dict[str, Promise] = {
    "delivered": _("Quality delivered"),
    "received": _("Quality received"),
    "value": _("Value and cost"),
    "efficiency": _("Efficiency"),
    "competence": _("Competence"),
}


@dataclass(frozen=True)
class Headline:
    code: str
    name: Promise
    unit: str
    direction: str
    section: str
    measure: MeasureFn
    definition: Promise


T = TypeVar("T")
_READS: ContextVar[dict[tuple[str, date, date], Any] | None] = ContextVar("executive_reads", default=None)


@contextmanager
def reads_shared() -> Iterator[None]:
    """Within the block, the sums several headlines share (a period's reviews, a period's contacts) are read once per
    period: the summary measures IQS, pass rate and errors from one aggregate, and the three efficiency figures from
    one run of the operations report's SQL. Outside it every measure reads afresh."""
    token = _READS.set({})
    try:
        yield
    finally:
        _READS.reset(token)


def _shared(read: Callable[[date, date], T]) -> Callable[[date, date], T]:
    @functools.wraps(read)
    def once(start: date, end: date) -> T:
        reads = _READS.get()
        if reads is None:
            return read(start, end)
        key = (read.__name__, start, end)
        if key not in reads:
            reads[key] = read(start, end)
        found: T = reads[key]
        return found

    return once


def org_reader() -> Any:
    """An unsaved administrator: reads every team's data, is never stored (as `qadesk report` does)."""
    from qadesk.accounts.models import Role, User

    return User(username="executive", role=Role.ADMIN, is_superuser=True)


# --- quality delivered (qadesk/analytics, qadesk/reviews) ------------------------------------------------------------


@_shared
def _review_sums(start: date, end: date) -> dict[str, Any]:
    from qadesk.accounts.models import OrgSettings
    from qadesk.analytics.selectors import quality_reviews

    pass_mark = OrgSettings.load().pass_mark
    reviews = quality_reviews(actor=org_reader(), date_from=start, date_to=end)
    return reviews.aggregate(
        n=Count("id"),
        total=Sum("score"),
        total_sq=Sum(F("score") * F("score")),
        passed=Count("id", filter=Q(score__gte=pass_mark)),
        high=Sum("high_impact_errors"),
        high_sq=Sum(F("high_impact_errors") * F("high_impact_errors")),
    )


def iqs(start: date, end: date) -> Measure | None:
    """IQS: the mean review score of the submitted reviews (FORMULAS.md), n reviews."""
    s = _review_sums(start, end)
    return mean_measure(s["n"], float(s["total"] or 0), float(s["total_sq"] or 0))


def pass_rate(start: date, end: date) -> Measure | None:
    """Pass rate: reviews scoring at least the pass mark / reviews, in percent."""
    s = _review_sums(start, end)
    return share_measure(s["passed"], s["n"])


def high_impact_per_100(start: date, end: date) -> Measure | None:
    """High-impact errors per 100 reviews: the mean of each review's count × 100."""
    s = _review_sums(start, end)
    return mean_measure(s["n"], 100.0 * float(s["high"] or 0), 10_000.0 * float(s["high_sq"] or 0))


# --- quality received (qadesk/surveys) ------------------------------------------------------------------------------


def _answer_counts(kind: str, start: date, end: date) -> Counter[int]:
    """{rating: answers} to each survey's headline question of this kind (the question its results page shows)."""
    from qadesk.core.days import day_start, next_day_start
    from qadesk.surveys.models import Survey, SurveyAnswer
    from qadesk.surveys.selectors import headline_questions

    which = Q(pk__in=[])
    for survey in Survey.objects.all():
        code = headline_questions(survey).get(kind)
        if code:
            which |= Q(response__survey=survey, question__code=code)
    rows = (
        SurveyAnswer.objects.filter(which, question__kind=kind, value__isnull=False)
        .filter(response__started_at__gte=day_start(start), response__started_at__lt=next_day_start(end))
        .values("value")
        .annotate(n=Count("id"))
        .order_by()
    )
    return Counter({int(r["value"] or 0): r["n"] for r in rows})


def csat(start: date, end: date) -> Measure | None:
    """CSAT: answers rating 4 or 5 of 5 / answers, in percent (the surveys' default definition)."""
    counts = _answer_counts("csat", start, end)
    return share_measure(sum(v for k, v in counts.items() if k >= 4), sum(counts.values()))


def nps(start: date, end: date) -> Measure | None:
    """NPS: % promoters − % detractors, the mean of answers worth 100, 0 or −100."""
    counts = _answer_counts("nps", start, end)
    return scored_measure(counts, {k: nps_worth(k) for k in counts})


def ces(start: date, end: date) -> Measure | None:
    """CES: the mean answer on 1–7 (the surveys' default definition)."""
    return scored_measure(_answer_counts("ces", start, end))


# --- efficiency (qadesk/operations) ---------------------------------------------------------------------------------


@_shared
def _contact_sums(start: date, end: date) -> KpiSums:
    """The operations report's exact totals over the period (operations.selectors.kpi_sums: its own SQL, T = 20 s,
    short abandons under 5 s, FCR's N = 7 days), without the handlers, which no headline reads."""
    from qadesk.operations.selectors import kpi_sums

    return kpi_sums(actor=org_reader(), date_from=start, date_to=end, reassignments=False)


def service_level(start: date, end: date) -> Measure | None:
    """Service level: contacts answered within T (20 s) / contacts offered, short abandons left out (kpis.py)."""
    s = _contact_sums(start, end)
    return share_measure(s.answered_within, s.answered + s.abandoned)


def fcr(start: date, end: date) -> Measure | None:
    """FCR: contacts resolved with no reopen and no new contact on the same reason within N days / contacts resolved
    at least N days ago (kpis.py), the operations report's own counts."""
    s = _contact_sums(start, end)
    return share_measure(s.fcr, s.fcr_decided)


def aht(start: date, end: date) -> Measure | None:
    """AHT: Σ(talk + hold + after-contact work) / handled contacts, in seconds (kpis.py)."""
    s = _contact_sums(start, end)
    return mean_measure(s.handled, s.handle_total, s.handle_sq_total)


# --- figures of apps that may not be installed yet -------------------------------------------------------------------


def as_measure(result: Any) -> Measure | None:
    """What a provider returned, as a Measure: None, a number, a Measure, or an object with `value` (and `n`, `sd`)."""
    if result is None or isinstance(result, Measure):
        return result
    if isinstance(result, int | float | Decimal):
        return Measure(value=float(result))
    value = getattr(result, "value", None)
    if value is None:
        return None
    n, sd = getattr(result, "n", None), getattr(result, "sd", None)
    return Measure(value=float(value), n=n, sd=None if sd is None else float(sd))


def provided_by(module: str, function: str) -> MeasureFn:
    """A measure read from `module.function(start, end)` when that app is installed; None ("not available yet")
    while it is not. The function is called with keywords when it names them start and end, else by position."""

    def measure(start: date, end: date) -> Measure | None:
        found = provider(module, function)
        if found is None:
            return None
        if {"start", "end"} <= set(inspect.signature(found).parameters):
            return as_measure(found(start=start, end=end))
        return as_measure(found(start, end))

    measure.provider = (module, function)  # type: ignore[attr-defined]
    return measure


def provider(module: str, function: str) -> Callable[..., Any] | None:
    try:
        loaded = importlib.import_module(module)
    except ImportError:
        return None
    found = getattr(loaded, function, None)
    return found if callable(found) else None


def is_available(headline: Headline) -> bool:
    """False for a headline whose providing app is not installed yet."""
    source = getattr(headline.measure, "provider", None)
    return source is None or provider(*source) is not None


HEADLINES: tuple[Headline, ...] = (
    Headline("iqs", _("IQS"), POINTS, HIGHER, "delivered", iqs, _("Mean review score (0–100).")),
    Headline("pass_rate", _("Pass rate"), PERCENT, HIGHER, "delivered", pass_rate, _("Reviews at or above the pass mark.")),
    Headline(
        "high_impact_per_100",
        _("High-impact errors"),
        PER_100,
        LOWER,
        "delivered",
        high_impact_per_100,
        _("High-impact errors per 100 reviews."),
    ),
    Headline("csat", _("CSAT"), PERCENT, HIGHER, "received", csat, _("Answers of 4 or 5 out of 5.")),
    Headline("nps", _("NPS"), POINTS, HIGHER, "received", nps, _("% promoters − % detractors.")),
    Headline("ces", _("CES"), SCORE, HIGHER, "received", ces, _("Mean ease rating on 1–7.")),
    Headline(
        "cost_per_incident",
        _("Cost per incident"),
        MONEY,
        LOWER,
        "value",
        provided_by("qadesk.costs.selectors", "cost_per_incident"),
        _("Total support cost / incidents resolved."),
    ),
    Headline(
        "service_level", _("Service level"), PERCENT, HIGHER, "efficiency", service_level, _("Answered within 20 s / offered.")
    ),
    Headline("fcr", _("First-contact resolution"), PERCENT, HIGHER, "efficiency", fcr, _("Resolved with no further contact.")),
    Headline("aht", _("Average handle time"), SECONDS, LOWER, "efficiency", aht, _("Talk + hold + after-contact work.")),
    Headline(
        "competence",
        _("Competence rating"),
        POINTS,
        HIGHER,
        "competence",
        provided_by("qadesk.competence.selectors", "competence_overall"),
        _("Training score + delivery score."),
    ),
)
BY_CODE = {h.code: h for h in HEADLINES}


def headline(code: str) -> Headline:
    """The headline with this code (KeyError for an unknown one)."""
    return BY_CODE[code]
