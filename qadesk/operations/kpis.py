"""Operational KPIs (FORMULAS.md "Operations", docs/operations.md): pure functions over plain data, no database.

Each contact's own figures (its wait, handle time, first response, resolution) come from `Contact`; a group's
figures come from additive sums (`KpiSums`, which the selector also produces in one SQL GROUP BY) and from the
distributions of the durations (mean, median and 90th percentile). Rates carry a Wilson 95 % interval.

Durations are differences of time-zone-aware instants, so they are true elapsed seconds whatever the local clock did
(a contact opened at 01:50 and answered at 03:10 on the spring daylight-saving night waited 20 minutes, not 80).
A duration that would be negative (a reply stamped before the contact was created: clocks of two systems) is treated
as missing, never as a negative wait.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from qadesk.scorecards.intervals import percent_interval
from qadesk.scorecards.scoring import rounded

DAY_SECONDS = 24 * 3600


@dataclass(frozen=True)
class KpiSettings:
    """The thresholds the figures depend on: service level answer time T, the short-abandon limit and FCR's N days."""

    service_level_seconds: int = 20
    short_abandon_seconds: int = 5
    fcr_days: int = 7


@dataclass(frozen=True)
class Contact:
    """What the KPIs read of one interaction. `came_back`: a later contact from the same customer with the same
    contact reason within N days of the resolution (known only to whoever sees every contact: the selector asks SQL).
    `handler_teams`: the team of each handler in turn (a reassignment is a change of handler)."""

    created_at: datetime
    queued_at: datetime | None = None
    answered_at: datetime | None = None
    first_reply_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    talk_seconds: int | None = None
    hold_seconds: int | None = None
    acw_seconds: int | None = None
    abandoned: bool = False
    reopens: int = 0
    came_back: bool = False
    handler_teams: tuple[int | None, ...] = ()


def seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    """end − start in seconds; None when either is missing or end comes before start (inconsistent clocks).

    Through timestamps, not `end - start`: Python subtracts two times of the same zone on the wall clock, ignoring the
    daylight-saving change between them (02:10 winter time − 02:50 summer time would be −40 minutes, not +20)."""
    if start is None or end is None:
        return None
    elapsed = round(end.timestamp() - start.timestamp(), 6)
    return elapsed if elapsed >= 0 else None


def is_answered(c: Contact) -> bool:
    """A queued contact an agent picked up (an abandoned flag wins over a stray answered time)."""
    return c.queued_at is not None and c.answered_at is not None and not c.abandoned


def answer_wait_seconds(c: Contact) -> float | None:
    """Wait before answer: queued → answered; None unless answered."""
    return seconds_between(c.queued_at, c.answered_at) if is_answered(c) else None


def abandon_wait_seconds(c: Contact) -> float | None:
    """Wait before giving up: queued → the moment the contact ended (closed_at: the phone system's hang-up)."""
    return seconds_between(c.queued_at, c.closed_at) if c.abandoned and c.queued_at is not None else None


def wait_seconds(c: Contact) -> float | None:
    """Wait time per contact = queued → answered (or → abandoned)."""
    return answer_wait_seconds(c) if is_answered(c) else abandon_wait_seconds(c)


def is_short_abandon(c: Contact, settings: KpiSettings) -> bool:
    """Abandoned within the short-abandon limit (a misdial, a caller who changed their mind); an abandon of unknown
    length is a real one."""
    wait = abandon_wait_seconds(c)
    return wait is not None and wait < settings.short_abandon_seconds


def handle_seconds(c: Contact) -> float | None:
    """Handle time = talk + hold + after-contact work (a missing part counts 0); None when no part was recorded or
    the contact was abandoned."""
    parts = (c.talk_seconds, c.hold_seconds, c.acw_seconds)
    if c.abandoned or all(p is None for p in parts):
        return None
    return float(sum(p or 0 for p in parts))


def first_response_seconds(c: Contact) -> float | None:
    """First response time = creation → first public agent reply; None until the reply exists."""
    return seconds_between(c.created_at, c.first_reply_at)


def resolution_seconds(c: Contact) -> float | None:
    """Time to resolution (calendar time) = creation → resolution; None while unresolved."""
    return seconds_between(c.created_at, c.resolved_at)


def is_reassigned(c: Contact) -> bool:
    """Handled by more than one agent (each handler after the first is a reassignment)."""
    return len(c.handler_teams) > 1


def is_backlog(c: Contact, as_of: datetime) -> bool:
    """Still open at `as_of`: created by then, not abandoned, not resolved by then."""
    if c.created_at > as_of or c.abandoned:
        return False
    return c.resolved_at is None or c.resolved_at > as_of


def fcr_decided(c: Contact, settings: KpiSettings, now: datetime) -> bool:
    """Resolved long enough ago (N days) to know whether the customer came back."""
    return c.resolved_at is not None and c.resolved_at + timedelta(days=settings.fcr_days) <= now


def is_first_contact_resolution(c: Contact) -> bool:
    """Resolved with no reopen and no new contact from the same customer on the same reason within N days."""
    return c.resolved_at is not None and c.reopens == 0 and not c.came_back


@dataclass(frozen=True)
class Visit:
    """One contact as the "came back" look reads it: who, about what, when it began and when it was resolved."""

    key: int
    customer: int | None
    reason: int | None
    created_at: datetime
    resolved_at: datetime | None = None


def came_back(visits: Iterable[Visit], *, days: int) -> set[int]:
    """The keys of the contacts after which the same customer wrote again on the same contact reason: a contact created
    strictly later than this one, no later than N × 24 hours after this one's resolution (FCR, FORMULAS.md). A contact
    without customer, reason or resolution never "came back". The reference for the selector's window query."""
    by_pair: dict[tuple[int, int], list[Visit]] = {}
    for v in visits:
        if v.customer is not None and v.reason is not None:
            by_pair.setdefault((v.customer, v.reason), []).append(v)
    found = set()
    for group in by_pair.values():
        starts = sorted(v.created_at.timestamp() for v in group)
        for v in group:
            if v.resolved_at is None:
                continue
            after = bisect_right(starts, v.created_at.timestamp())
            if after < len(starts) and starts[after] <= v.resolved_at.timestamp() + days * DAY_SECONDS:
                found.add(v.key)
    return found


# --- a group: additive sums -----------------------------------------------------------------------------------------


@dataclass
class KpiSums:
    """What a GROUP BY keeps of a group's contacts; every field adds up across groups (and days)."""

    contacts: int = 0
    answered: int = 0  # queued and answered
    answered_within: int = 0  # … within the service-level threshold (wait ≤ T)
    abandoned: int = 0  # queued and abandoned, short abandons excluded
    short_abandoned: int = 0
    wait_total: float = 0.0  # Σ wait of the answered contacts (ASA's numerator)
    handled: int = 0  # contacts with a handle time
    handle_total: float = 0.0
    handle_sq_total: float = 0.0  # Σ handle², for AHT's standard deviation (the executive view's test)
    talk_total: float = 0.0
    hold_total: float = 0.0
    acw_total: float = 0.0
    replied: int = 0
    first_response_total: float = 0.0
    resolved: int = 0
    resolution_total: float = 0.0
    resolved_24h: int = 0
    fcr_decided: int = 0  # resolved at least N days ago
    fcr: int = 0
    assigned: int = 0  # with at least one handler
    reassigned: int = 0
    backlog: int = 0


def added(many: Iterable[KpiSums]) -> KpiSums:
    """The sums of several groups together (every field is additive)."""
    total = KpiSums()
    for sums in many:
        for f in fields(KpiSums):
            setattr(total, f.name, getattr(total, f.name) + getattr(sums, f.name))
    return total


def contact_sums(contacts: Iterable[Contact], *, settings: KpiSettings, as_of: datetime, now: datetime) -> KpiSums:
    """The sums of a group of contacts: the reference the SQL aggregation must agree with."""
    s = KpiSums()
    for c in contacts:
        s.contacts += 1
        wait = answer_wait_seconds(c)
        if wait is not None:
            s.answered += 1
            s.wait_total += wait
            s.answered_within += wait <= settings.service_level_seconds
        if c.abandoned and c.queued_at is not None:
            if is_short_abandon(c, settings):
                s.short_abandoned += 1
            else:
                s.abandoned += 1
        handle = handle_seconds(c)
        if handle is not None:
            s.handled += 1
            s.handle_total += handle
            s.handle_sq_total += handle * handle
            s.talk_total += c.talk_seconds or 0
            s.hold_total += c.hold_seconds or 0
            s.acw_total += c.acw_seconds or 0
        first = first_response_seconds(c)
        if first is not None:
            s.replied += 1
            s.first_response_total += first
        resolution = resolution_seconds(c)
        if resolution is not None:
            s.resolved += 1
            s.resolution_total += resolution
            s.resolved_24h += resolution <= DAY_SECONDS
        if resolution is not None and fcr_decided(c, settings, now):
            s.fcr_decided += 1
            s.fcr += is_first_contact_resolution(c)
        if c.handler_teams:
            s.assigned += 1
            s.reassigned += is_reassigned(c)
        s.backlog += is_backlog(c, as_of)
    return s


def percentile_cont(values: Sequence[float], fraction: float) -> float | None:
    """The continuous percentile PostgreSQL's percentile_cont gives: linear interpolation between the two nearest
    ranks of the sorted values (the median of 1, 2, 3, 10 is 2.5; the 90th percentile is 7.9). None without values."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def histogram_percentile(buckets: Sequence[tuple[float, int]], fraction: float) -> float | None:
    """percentile_cont over values known only by bucket: `buckets` are (the bucket's value, how many values), in
    increasing order of value. Each rank is read as its bucket's value and the two nearest ranks are interpolated as
    percentile_cont does, so that a value within x % of each true value gives a percentile within x % of the true one
    (the rollup's log buckets: within 0.5 %). None without values."""
    total = sum(n for _value, n in buckets if n > 0)
    if not total:
        return None
    position = fraction * (total - 1)
    low = math.floor(position)
    high = min(low + 1, total - 1)

    def ranked(rank: int) -> float:
        seen = 0
        for value, n in buckets:
            if n <= 0:
                continue
            seen += n
            if rank < seen:
                return value
        return buckets[-1][0]

    below, above = ranked(low), ranked(high)
    return below + (above - below) * (position - low)


@dataclass(frozen=True)
class Spread:
    """Median and 90th percentile of a duration, beside its mean."""

    median: float | None = None
    p90: float | None = None


def spread(values: Sequence[float]) -> Spread:
    return Spread(median=_r(percentile_cont(values, 0.5)), p90=_r(percentile_cont(values, 0.9)))


@dataclass(frozen=True)
class KpiFigures:
    """The operational figures of one group (or of all contacts). Durations in seconds, rates in percent with their
    Wilson 95 % interval (low, high); None where the group has no contact the figure counts."""

    key: str
    label: str
    contacts: int
    offered: int  # answered + abandoned (short abandons left out)
    answered: int
    asa_seconds: float | None
    wait_median: float | None
    wait_p90: float | None
    service_level: float | None
    service_level_low: float | None
    service_level_high: float | None
    abandoned: int
    short_abandoned: int
    abandonment_rate: float | None
    abandonment_rate_low: float | None
    abandonment_rate_high: float | None
    handled: int
    aht_seconds: float | None
    aht_median: float | None
    aht_p90: float | None
    talk_seconds: float | None
    hold_seconds: float | None
    acw_seconds: float | None
    replied: int
    first_response_mean: float | None
    first_response_median: float | None
    first_response_p90: float | None
    resolved: int
    resolution_mean: float | None
    resolution_median: float | None
    resolution_p90: float | None
    resolved_24h_rate: float | None
    resolved_24h_rate_low: float | None
    resolved_24h_rate_high: float | None
    fcr_decided: int
    fcr_rate: float | None
    fcr_rate_low: float | None
    fcr_rate_high: float | None
    assigned: int
    reassigned: int
    reassignment_rate: float | None
    reassignment_rate_low: float | None
    reassignment_rate_high: float | None
    backlog: int
    missed: tuple[str, ...] = field(default=())  # the KPIs whose target this group missed


FIGURE_NAMES = [f.name for f in fields(KpiFigures) if f.name != "missed"]


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _mean(total: float, n: int) -> float | None:
    return _r(total / n) if n else None


def _rate(successes: int, n: int) -> tuple[float | None, float | None, float | None]:
    """A share in percent with its Wilson 95 % interval."""
    if not n:
        return None, None, None
    low, high = rounded(percent_interval(successes, n))
    return round(100 * successes / n, 2), low, high


def kpi_figures(
    *,
    key: str,
    label: str,
    sums: KpiSums,
    wait: Spread = Spread(),
    handle: Spread = Spread(),
    first_response: Spread = Spread(),
    resolution: Spread = Spread(),
) -> KpiFigures:
    """The figures of a group from its sums and spreads (FORMULAS.md "Operations").

    ASA = Σ wait before answer / answered. Service level = answered within T / offered, offered = answered + abandoned
    (short abandons left out of both, like the abandonment rate). Abandonment rate = abandoned / (answered + abandoned).
    AHT = Σ(talk + hold + after-contact work) / handled. Resolved within 24 h = resolved within 24 h / resolved.
    FCR = first-contact resolutions / contacts resolved at least N days ago. Reassignment rate = contacts with more
    than one handler / contacts (FORMULAS.md: every contact, those no agent handled
    included, so a bot-only or abandoned contact counts as not reassigned)."""
    s = sums
    offered = s.answered + s.abandoned
    service = _rate(s.answered_within, offered)
    abandonment = _rate(s.abandoned, offered)
    within_day = _rate(s.resolved_24h, s.resolved)
    fcr = _rate(s.fcr, s.fcr_decided)
    reassignment = _rate(s.reassigned, s.contacts)
    return KpiFigures(
        key=key,
        label=label,
        contacts=s.contacts,
        offered=offered,
        answered=s.answered,
        asa_seconds=_mean(s.wait_total, s.answered),
        wait_median=wait.median,
        wait_p90=wait.p90,
        service_level=service[0],
        service_level_low=service[1],
        service_level_high=service[2],
        abandoned=s.abandoned,
        short_abandoned=s.short_abandoned,
        abandonment_rate=abandonment[0],
        abandonment_rate_low=abandonment[1],
        abandonment_rate_high=abandonment[2],
        handled=s.handled,
        aht_seconds=_mean(s.handle_total, s.handled),
        aht_median=handle.median,
        aht_p90=handle.p90,
        talk_seconds=_mean(s.talk_total, s.handled),
        hold_seconds=_mean(s.hold_total, s.handled),
        acw_seconds=_mean(s.acw_total, s.handled),
        replied=s.replied,
        first_response_mean=_mean(s.first_response_total, s.replied),
        first_response_median=first_response.median,
        first_response_p90=first_response.p90,
        resolved=s.resolved,
        resolution_mean=_mean(s.resolution_total, s.resolved),
        resolution_median=resolution.median,
        resolution_p90=resolution.p90,
        resolved_24h_rate=within_day[0],
        resolved_24h_rate_low=within_day[1],
        resolved_24h_rate_high=within_day[2],
        fcr_decided=s.fcr_decided,
        fcr_rate=fcr[0],
        fcr_rate_low=fcr[1],
        fcr_rate_high=fcr[2],
        assigned=s.assigned,
        reassigned=s.reassigned,
        reassignment_rate=reassignment[0],
        reassignment_rate_low=reassignment[1],
        reassignment_rate_high=reassignment[2],
        backlog=s.backlog,
    )


SPREAD_NAMES = frozenset(n for n in FIGURE_NAMES if n.endswith(("_median", "_p90")))


def figures_differences(approximate: KpiFigures, exact: KpiFigures, *, relative_error: float) -> list[str]:
    """Where figures from the rollup differ from the exact ones beyond what they promise: every count, sum and rate
    equal; each median and 90th percentile within `relative_error` of the exact one, plus the 0.1 s both are rounded
    to. Empty when they agree."""
    out = []
    for name in FIGURE_NAMES:
        got, want = getattr(approximate, name), getattr(exact, name)
        if name in SPREAD_NAMES and got is not None and want is not None:
            if abs(got - want) > relative_error * abs(want) + 0.1:
                out.append(f"{exact.key or 'all'} {name}: {got} ≉ {want}")
        elif got != want:
            out.append(f"{exact.key or 'all'} {name}: {got} ≠ {want}")
    return out


def contacts_figures(
    contacts: Sequence[Contact], *, settings: KpiSettings, as_of: datetime, now: datetime, key: str = "", label: str = ""
) -> KpiFigures:
    """Every figure of a list of contacts, computed in Python (the reference for the SQL report, and small data)."""
    sums = contact_sums(contacts, settings=settings, as_of=as_of, now=now)

    def values(of: object) -> list[float]:
        return [v for v in (of(c) for c in contacts) if v is not None]  # type: ignore[operator]

    return kpi_figures(
        key=key,
        label=label,
        sums=sums,
        wait=spread(values(answer_wait_seconds)),
        handle=spread(values(handle_seconds)),
        first_response=spread(values(first_response_seconds)),
        resolution=spread(values(resolution_seconds)),
    )


# --- reassignment paths --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReassignmentPath:
    """How many times contacts of a reason went from one team to another (or stayed in the team: same from and to)."""

    from_team: str
    to_team: str
    label: str
    count: int


def reassignment_paths(handoffs: Iterable[tuple[str, str, str]]) -> list[ReassignmentPath]:
    """Count (from team, to team, label) hand-offs, most frequent first (ties by name)."""
    counts = Counter(handoffs)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [ReassignmentPath(from_team=f, to_team=t, label=lab, count=n) for (f, t, lab), n in ordered]


def handoffs(teams: Sequence[str], label: str) -> list[tuple[str, str, str]]:
    """Consecutive handlers' teams as (from, to, label) hand-offs: A, B, C → (A, B), (B, C)."""
    return [(teams[i], teams[i + 1], label) for i in range(len(teams) - 1)]


# --- targets -------------------------------------------------------------------------------------------------------

# The KPIs a target may be set on, and whether a higher figure is better.
TARGET_KPIS: dict[str, bool] = {
    "service_level": True,
    "asa_seconds": False,
    "abandonment_rate": False,
    "aht_seconds": False,
    "first_response_median": False,
    "resolution_median": False,
    "resolved_24h_rate": True,
    "fcr_rate": True,
    "reassignment_rate": False,
    "backlog": False,
}


def target_met(kpi: str, value: float | None, target: float) -> bool | None:
    """Whether a figure meets its target: at least the target where higher is better, at most where lower is better;
    None when the period has no figure (no contact counted), which is neither met nor missed."""
    if value is None:
        return None
    return value >= target if TARGET_KPIS[kpi] else value <= target


def share_met(results: Iterable[bool | None]) -> tuple[int, int, float | None]:
    """(periods met, periods with a figure, share met in percent); periods without a figure do not count."""
    known = [r for r in results if r is not None]
    met = sum(known)
    return met, len(known), (round(100 * met / len(known), 1) if known else None)


def missed_streak(results: Sequence[bool | None]) -> int:
    """How many periods in a row, ending with the last, the target was missed (a period without a figure breaks it)."""
    streak = 0
    for result in reversed(results):
        if result is not False:
            break
        streak += 1
    return streak


# --- business time -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpeningHours:
    """A site's opening hours: for each weekday (0 = Monday) the local opening and closing time; a weekday not listed,
    and every holiday, is closed. Times are the site's wall clock in `zone`."""

    zone: ZoneInfo
    days: dict[int, tuple[time, time]]
    holidays: frozenset[date] = frozenset()


def business_seconds(start: datetime | None, end: datetime | None, hours: OpeningHours) -> float | None:
    """The open time between two instants: the overlap of start → end with each open day's hours, in elapsed seconds
    (a daylight-saving night falls outside opening hours; if hours span it, the day's real length counts). None when
    either end is missing or end is before start, as for calendar durations.

    Example: Friday 17:00 → Monday 10:00 with Monday–Friday 9:00–18:00 is 1 h on Friday + 1 h on Monday = 7,200 s."""
    if seconds_between(start, end) is None:
        return None
    assert start is not None and end is not None
    first, last = start.astimezone(hours.zone).date(), end.astimezone(hours.zone).date()
    total, day = 0.0, first
    while day <= last:
        opening = hours.days.get(day.weekday())
        if opening is not None and day not in hours.holidays:
            opens = datetime.combine(day, opening[0], tzinfo=hours.zone).timestamp()
            closes = datetime.combine(day, opening[1], tzinfo=hours.zone).timestamp()
            total += max(0.0, min(closes, end.timestamp()) - max(opens, start.timestamp()))
        day += timedelta(days=1)
    return total
