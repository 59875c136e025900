"""The value-and-cost figures (docs/value.md, FORMULAS.md "Value and cost") as pure functions: plain data in, plain data
out, no Django. Money is Decimal throughout; a figure that cannot be computed is None, never 0."""

from __future__ import annotations

import calendar
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Rounded to the cent, half up (how invoices round)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(numerator: Decimal | None, denominator: Decimal | int | None) -> Decimal | None:
    """numerator / denominator, or None when either is missing or the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


@dataclass(frozen=True)
class LabourRate:
    """One effective-dated labour cost record: monthly amounts from `valid_from` until the next record."""

    valid_from: date
    salary: Decimal
    overtime: Decimal = Decimal(0)
    benefits: Decimal = Decimal(0)
    taxes: Decimal = Decimal(0)
    other: Decimal = Decimal(0)
    paid_hours: Decimal = Decimal(160)

    @property
    def monthly_total(self) -> Decimal:
        """Salary + overtime + benefits + taxes + other personnel costs, per month."""
        return self.salary + self.overtime + self.benefits + self.taxes + self.other


def hourly_labour_cost(rate: LabourRate) -> Decimal | None:
    """Hourly labour cost = (salary + overtime + benefits + taxes + other personnel costs) / paid hours."""
    return ratio(rate.monthly_total, rate.paid_hours)


def rate_on(rates: Sequence[LabourRate], day: date) -> LabourRate | None:
    """The record in force on `day`: the latest whose valid_from is on or before it."""
    current = None
    for rate in sorted(rates, key=lambda r: r.valid_from):
        if rate.valid_from <= day:
            current = rate
    return current


def _month_slices(start: date, end: date) -> Iterable[tuple[date, date, int]]:
    """(first day, last day, days in that month) for each month piece of [start, end], both inclusive."""
    return _month_slices_of(start, end)


@functools.lru_cache(maxsize=64)
def _month_slices_of(start: date, end: date) -> tuple[tuple[date, date, int], ...]:
    # The same period's pieces serve every agent group the page prices (a year: 12 pieces, a hundred groups).
    pieces = []
    day = start
    while day <= end:
        days_in_month = calendar.monthrange(day.year, day.month)[1]
        month_end = day.replace(day=days_in_month)
        last = min(month_end, end)
        pieces.append((day, last, days_in_month))
        day = last + timedelta(days=1)
    return tuple(pieces)


def prorated_labour_cost(rates: Sequence[LabourRate], start: date, end: date) -> Decimal:
    """The labour cost of one person from `start` to `end` (inclusive): each day costs the monthly total in force that
    day divided by the days of its month, so a salary change on the 16th counts the old rate for 15 days and the new
    one for the rest. Days before the first record cost nothing (no record: no known cost)."""
    ordered = sorted(rates, key=lambda r: r.valid_from)
    # Each record's days in force and monthly total, once (not once per month piece).
    spans = [
        (
            rate.valid_from,
            ordered[index + 1].valid_from - timedelta(days=1) if index + 1 < len(ordered) else None,
            rate.monthly_total,
        )
        for index, rate in enumerate(ordered)
    ]
    total = Decimal(0)
    for first, last, days_in_month in _month_slices_of(start, end):
        for valid_from, until, monthly_total in spans:
            lo, hi = max(first, valid_from), min(last, until) if until is not None else last
            if lo <= hi:
                total += monthly_total * Decimal((hi - lo).days + 1) / Decimal(days_in_month)
    return total


def prorated_amount(amount: Decimal, month: date, start: date, end: date) -> Decimal:
    """A monthly amount's share falling in [start, end]: by the days of its month that the period covers."""
    days_in_month = calendar.monthrange(month.year, month.month)[1]
    first, last = month.replace(day=1), month.replace(day=days_in_month)
    lo, hi = max(first, start), min(last, end)
    if lo > hi:
        return Decimal(0)
    return amount * Decimal((hi - lo).days + 1) / Decimal(days_in_month)


@dataclass(frozen=True)
class GroupWork:
    """One group's contacts resolved in the period and their handle time (talk + hold + after-contact work)."""

    key: str
    resolved: int
    handle_seconds: int
    timed: int  # resolved contacts with a recorded handle time


@dataclass(frozen=True)
class GroupCost:
    key: str
    resolved: int
    handle_seconds: Decimal
    cost: Decimal
    cost_per_incident: Decimal | None


def allocate_by_handle_time(total_cost: Decimal, groups: Sequence[GroupWork]) -> list[GroupCost]:
    """Split the period's support cost over groups in proportion to their handle time; cost per incident per group =
    its share / its resolved contacts. Contacts without a recorded handle time (e-mails, say) count with the mean
    handle time of the contacts that have one; with no handle time at all, every contact weighs the same."""
    timed = sum(g.timed for g in groups)
    mean = Decimal(sum(g.handle_seconds for g in groups)) / timed if timed else Decimal(1)
    weights = [Decimal(g.handle_seconds if timed else 0) + (g.resolved - g.timed if timed else g.resolved) * mean for g in groups]
    weight_total = sum(weights, Decimal(0))
    out = []
    for group, weight in zip(groups, weights, strict=True):
        cost = total_cost * weight / weight_total if weight_total else Decimal(0)
        out.append(GroupCost(group.key, group.resolved, weight, cost, ratio(cost, group.resolved)))
    return out


def clv_seed(gross_margin: Decimal | None, customers: int | None) -> Decimal | None:
    """Customer value as seed 001 defines it: gross margin / number of customers (margin per customer in the period)."""
    return ratio(gross_margin, customers)


def clv_conventional(
    monthly_margin_per_customer: Decimal | None, monthly_churn: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    """The conventional lifetime value: margin per customer per month × expected lifetime in months, where the
    expected lifetime = 1 / monthly churn (customers lost / customers). Returns (value, lifetime in months)."""
    if monthly_margin_per_customer is None or not monthly_churn:
        return None, None
    lifetime = Decimal(1) / monthly_churn
    return monthly_margin_per_customer * lifetime, lifetime


@dataclass(frozen=True)
class MistakeAssumptions:
    """What one high-impact error is assumed to cause (admin settings, all shown on the page)."""

    repeat_contact_probability: Decimal
    complaint_probability: Decimal
    complaint_cost_contacts: Decimal  # a complaint costs this many contacts' worth of handling
    customer_lost_probability: Decimal


MEASURE_MINIMUM = 30  # contacts (or customers) on each side before a probability is measured rather than assumed


@dataclass(frozen=True)
class Excess:
    """A probability measured from the data: the share with the event (a repeat contact, a complaint, a customer who
    did not come back) after a high-impact error (or a bad experience) minus the share without one — what the error
    adds. `value` is None when either side has fewer than the minimum, and never below 0."""

    with_n: int
    with_events: int
    without_n: int
    without_events: int
    value: Decimal | None

    @property
    def with_share(self) -> Decimal | None:
        return ratio(Decimal(self.with_events), self.with_n)

    @property
    def without_share(self) -> Decimal | None:
        return ratio(Decimal(self.without_events), self.without_n)


def excess_share(with_events: int, with_n: int, without_events: int, without_n: int, *, minimum: int = MEASURE_MINIMUM) -> Excess:
    """with_events / with_n − without_events / without_n, at least 0; None when a side has fewer than `minimum`."""
    value = None
    if with_n >= minimum and without_n >= minimum:
        value = max(Decimal(0), Decimal(with_events) / Decimal(with_n) - Decimal(without_events) / Decimal(without_n))
    return Excess(with_n, with_events, without_n, without_events, value)


def measured_or_set(measured: Excess | None, assumed: Decimal) -> Decimal:
    """The measured probability where there is one, otherwise the one the admin set."""
    return measured.value if measured is not None and measured.value is not None else assumed


@dataclass(frozen=True)
class MistakeCost:
    errors_reviewed: int
    reviews: int
    contacts: int
    errors_estimated: Decimal
    repeat_contacts: Decimal
    repeat_cost: Decimal
    complaints: Decimal
    complaint_cost: Decimal
    customers_lost: Decimal
    lost_value: Decimal | None
    total: Decimal


def mistake_cost(
    *,
    high_impact_errors: int,
    reviews: int,
    contacts: int,
    cost_per_contact: Decimal,
    customer_value: Decimal | None,
    assumptions: MistakeAssumptions,
) -> MistakeCost | None:
    """The estimated cost of high-impact errors in a period. The reviewed sample's error rate (errors / reviews) is
    extrapolated to every contact of the period; each error causes a repeat contact, a complaint or a lost customer
    with the assumed probabilities, costed at the cost per contact, `complaint_cost_contacts` contacts, and the
    customer's value. None without reviews (no error rate is known)."""
    if reviews == 0:
        return None
    errors = Decimal(high_impact_errors) * Decimal(contacts) / Decimal(reviews)
    repeats = errors * assumptions.repeat_contact_probability
    complaints = errors * assumptions.complaint_probability
    lost = errors * assumptions.customer_lost_probability
    repeat_cost = repeats * cost_per_contact
    complaint_cost = complaints * assumptions.complaint_cost_contacts * cost_per_contact
    lost_value = lost * customer_value if customer_value is not None else None
    total = repeat_cost + complaint_cost + (lost_value or Decimal(0))
    return MistakeCost(
        high_impact_errors, reviews, contacts, errors, repeats, repeat_cost, complaints, complaint_cost, lost, lost_value, total
    )


@dataclass(frozen=True)
class CustomerServing:
    customer: str
    segment: str
    incidents: int
    cost: Decimal
    value: Decimal


def costly_customers(
    incidents: Mapping[tuple[str, str], int], cost_per_incident: Decimal, value_by_segment: Mapping[str, Decimal | None]
) -> list[CustomerServing]:
    """Customers ((id, segment) → incidents resolved) whose cost of serving (incidents × cost per incident) exceeds
    their value, most costly first. Listed for a person to decide; nothing is done to them automatically."""
    out = []
    for (customer, segment), count in incidents.items():
        value = value_by_segment.get(segment)
        cost = cost_per_incident * count
        if value is not None and cost > value:
            out.append(CustomerServing(customer, segment, count, cost, value))
    return sorted(out, key=lambda c: (c.value - c.cost, c.customer))


def effective_rates(levels: Sequence[Sequence[LabourRate]]) -> list[LabourRate]:
    """One timeline from records at several scopes, least specific first (organisation, site, team, agent): on each
    day the most specific scope that has a record in force by then applies. An agent's own record from the 16th thus
    replaces the team's default from the 16th on, and the team's default still prices the days before."""
    changes = sorted({rate.valid_from for level in levels for rate in level})
    timeline: list[LabourRate] = []
    for day in changes:
        for level in reversed(levels):
            current = rate_on(level, day)
            if current is not None:
                if not timeline or timeline[-1] != _dated(current, timeline[-1].valid_from):
                    timeline.append(_dated(current, day))
                break
    return timeline


def _dated(rate: LabourRate, day: date) -> LabourRate:
    return LabourRate(day, rate.salary, rate.overtime, rate.benefits, rate.taxes, rate.other, rate.paid_hours)


def months_between(start: date, end: date) -> list[date]:
    """The first day of every month that [start, end] touches."""
    return [first.replace(day=1) for first, _last, _days in _month_slices(start, end)]
