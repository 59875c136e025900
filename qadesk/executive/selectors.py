"""Reading the executive view: every headline over a period, against the period before, its baseline and its target,
with the changes tested as the statistics page tests them (figures.py), and a sparkline's worth of past periods."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from qadesk.core.errors import ApplicationError
from qadesk.executive import figures
from qadesk.executive.figures import Change, Measure
from qadesk.executive.headlines import HEADLINES, SECTIONS, Headline, is_available, reads_shared
from qadesk.executive.models import Baseline, HeadlineTarget

SPARKLINE_PERIODS = 12


@dataclass(frozen=True)
class HeadlineRow:
    """One headline's line of the summary."""

    headline: Headline
    available: bool  # False: the app providing it is not installed yet
    current: Measure | None
    previous: Measure | None
    change: Change | None  # from the previous period
    baseline: Baseline | None
    baseline_change: Change | None
    target: float | None
    target_met: bool | None
    series: list[float | None] = field(default_factory=list)  # oldest first, the current period last

    @property
    def code(self) -> str:
        return self.headline.code


@dataclass(frozen=True)
class ExecutiveSummary:
    start: date
    end: date
    previous_start: date
    previous_end: date
    granularity: str | None  # week, month, or None for any range
    rows: list[HeadlineRow]
    series_periods: list[tuple[date, date]]

    def sections(self) -> list[tuple[str, str, list[HeadlineRow]]]:
        """(code, title, rows) of each section in order, skipping none (an empty section says what is missing)."""
        return [(code, str(title), [r for r in self.rows if r.headline.section == code]) for code, title in SECTIONS.items()]

    @property
    def significant(self) -> list[HeadlineRow]:
        """The headlines that changed significantly since the previous period or since their baseline."""
        return [
            r for r in self.rows if (r.change and r.change.significant) or (r.baseline_change and r.baseline_change.significant)
        ]


def executive_summary(*, start: date, end: date, granularity: str | None = None, sparklines: bool = True) -> ExecutiveSummary:
    """Every headline over start…end (local days, inclusive) against the previous period of the same kind, its
    baseline and its target. Changes are Welch's t-tests corrected as one family per comparison (Benjamini–Hochberg).
    With a granularity and `sparklines`, each headline's last SPARKLINE_PERIODS periods."""
    if start > end:
        raise ApplicationError(_("The start date is after the end date."))
    if granularity is not None and granularity not in figures.GRANULARITIES:
        raise ApplicationError(_("Unknown period “{period}”; choose week or month.").format(period=granularity))
    previous_start, previous_end = figures.previous_period(start, end, granularity)
    baselines = {b.headline: b for b in Baseline.objects.all()}
    targets = dict(HeadlineTarget.objects.values_list("headline", "value"))
    periods = figures.period_series(start, granularity, SPARKLINE_PERIODS) if granularity and sparklines else []
    measured = []
    with reads_shared():
        for h in HEADLINES:
            available = is_available(h)
            current = h.measure(start, end) if available else None
            previous = h.measure(previous_start, previous_end) if available else None
            baseline = baselines.get(h.code)
            reference = None if baseline is None else Measure(value=baseline.value, n=baseline.n, sd=baseline.sd)
            series = [current if p == (start, end) else h.measure(*p) for p in periods] if available else []
            measured.append((h, available, current, previous, baseline, reference, series))
    changes = figures.corrected([figures.compare(m[3], m[2], m[0].direction) for m in measured])
    from_baseline = figures.corrected([figures.compare(m[5], m[2], m[0].direction) for m in measured])
    rows = [
        HeadlineRow(
            headline=h,
            available=available,
            current=current,
            previous=previous,
            change=change,
            baseline=baseline,
            baseline_change=baseline_change,
            target=targets.get(h.code),
            target_met=figures.target_met(current.value if current else None, targets.get(h.code), h.direction),
            series=[None if m is None else m.value for m in series],
        )
        for (h, available, current, previous, baseline, _ref, series), change, baseline_change in zip(
            measured, changes, from_baseline, strict=True
        )
    ]
    return ExecutiveSummary(
        start=start,
        end=end,
        previous_start=previous_start,
        previous_end=previous_end,
        granularity=granularity,
        rows=rows,
        series_periods=periods,
    )
