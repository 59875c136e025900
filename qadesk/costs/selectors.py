"""Reading the cost model: the cost report behind the page, the API and `qadesk report costs`, and the one small figure
other apps call (`cost_per_incident`)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast

from django.db import connection
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qadesk.accounts.models import Agent, Site, Team, User
from qadesk.core.errors import ApplicationError, InvalidInput
from qadesk.costs import figures, rollup
from qadesk.costs.figures import GroupCost, GroupWork, LabourRate, MistakeAssumptions, MistakeCost
from qadesk.costs.models import CostCategory, CostSettings, LabourCost, Revenue, SegmentCustomers, SupportCost
from qadesk.costs.querysets import sees_costs
from qadesk.costs.rollup import work_rollup_usable
from qadesk.interactions.models import Customer, Interaction, Label
from qadesk.phoneline.selectors import MonthCalls, call_costs_by_month
from qadesk.reviews.models import Review, ReviewStatus

# The dimensions the cost per incident is split by, and the interaction field each reads.
GROUPINGS: dict[str, str] = {
    "channel": "channel",
    "team": "team__name",
    "site": "site__name",
    "label": "label__code",
    "phase": "phase",
}
MAX_COSTLY_CUSTOMERS = 50
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class SegmentValue:
    segment: str
    customers: int
    incidents: int
    cost_of_serving: Decimal | None
    value: Decimal | None
    value_source: str  # "segment": its own margin; "average": the organisation's margin per customer
    value_per_customer: Decimal | None


@dataclass
class CostReport:
    """Everything the costs page shows for one period. A figure whose inputs are missing is None, and `missing` says
    what to enter so that it can be computed."""

    date_from: date
    date_to: date
    by: str
    currency: str
    labour_cost: Decimal
    other_costs: dict[str, Decimal]
    agents_costed: int
    agents_without_cost: list[str]
    contacts: int
    resolved: int
    groups: list[GroupCost]
    revenue: Decimal | None
    gross_margin: Decimal | None
    customers: int | None
    customers_month: date | None
    clv_seed: Decimal | None
    clv_conventional: Decimal | None
    lifetime_months: Decimal | None
    segments: list[SegmentValue]
    costly_customers: list[figures.CustomerServing]
    mistake: MistakeCost | None
    assumptions: MistakeAssumptions
    measured: MeasuredAssumptions | None = None  # None: the admin chose the set values only
    telephony: OtherCosts | None = None
    missing: list[str] = field(default_factory=list)

    @property
    def other_total(self) -> Decimal:
        return sum(self.other_costs.values(), Decimal(0))

    @property
    def total_cost(self) -> Decimal | None:
        """Labour + other support costs; None when nothing at all was entered for the period."""
        total = self.labour_cost + self.other_total
        return total if total or self.agents_costed or self.other_costs else None

    @property
    def cost_per_incident(self) -> Decimal | None:
        """Total support cost in the period / incidents resolved in the period."""
        return figures.ratio(self.total_cost, self.resolved)

    @property
    def cost_per_contact(self) -> Decimal | None:
        """Total support cost / contacts received (created, not abandoned) in the period."""
        return figures.ratio(self.total_cost, self.contacts)

    @property
    def labour_share(self) -> Decimal | None:
        """Labour cost / total support cost."""
        return figures.ratio(self.labour_cost, self.total_cost)

    @property
    def margin_after_support(self) -> Decimal | None:
        """Gross margin − support cost."""
        if self.gross_margin is None or self.total_cost is None:
            return None
        return self.gross_margin - self.total_cost

    @property
    def support_to_margin(self) -> Decimal | None:
        """Support cost / gross margin."""
        return figures.ratio(self.total_cost, self.gross_margin)


def _bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(date_from, time.min))
    return start, timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min))


def _rate(row: LabourCost) -> LabourRate:
    return LabourRate(row.valid_from, row.salary, row.overtime, row.benefits, row.taxes, row.other, row.paid_hours)


def labour_cost(date_from: date, date_to: date) -> tuple[Decimal, int, list[str]]:
    """The labour cost of every active agent (bots left out) in the period, each priced by the most specific record in
    force each day (agent, team, site, organisation). Returns (cost, agents costed, names of agents without a cost)."""
    by_scope: dict[tuple[str, int | None], list[LabourRate]] = defaultdict(list)
    for row in LabourCost.objects.filter(valid_from__lte=date_to):
        scope = (
            ("agent", row.agent_id)
            if row.agent_id
            else ("team", row.team_id)
            if row.team_id
            else ("site", row.site_id)
            if row.site_id
            else ("org", None)
        )
        by_scope[scope].append(_rate(row))
    total, costed, without = Decimal(0), 0, []
    # Agents with the same site, team and no record of their own share one timeline: priced once per such group
    # (a thousand agents in twenty teams cost twenty computations, not a thousand).
    priced: dict[tuple[int | None, int | None, int | None], tuple[bool, Decimal | None]] = {}
    # Tuples, not model instances: a thousand agents cost a third of the year's page as instances.
    # In Agent's default order, as the names of the agents without a cost always were.
    active = Agent.objects.filter(is_active=True, is_bot=False)
    agents = active.values_list("id", "team_id", "site_id", "username", "display_name")
    for pk, team_id, site_id, username, name in agents:
        own = pk if ("agent", pk) in by_scope else None
        key = (site_id, team_id, own)
        if key not in priced:
            levels = [by_scope[("org", None)], by_scope[("site", site_id)], by_scope[("team", team_id)]]
            timeline = figures.effective_rates([*levels, by_scope[("agent", own)] if own else []])
            whole = bool(timeline) and timeline[0].valid_from <= date_from
            priced[key] = (whole, figures.prorated_labour_cost(timeline, date_from, date_to) if timeline else None)
        whole, cost = priced[key]
        if not whole:
            without.append(str(Agent(username=username, display_name=name)))
        if cost is not None:
            total += cost
            costed += 1
    return total, costed, without


@dataclass(frozen=True)
class OtherCosts:
    """The support costs other than labour of a period, by category, and where telephony came from: the months whose
    call records are priced (`from_calls`; their entered telephony, `entered_not_counted`, is left out) and, for the
    other months, the entered amounts."""

    by_category: dict[str, Decimal]
    from_calls: list[MonthCalls]
    entered_not_counted: Decimal

    @property
    def calls(self) -> int:
        return sum(m.calls for m in self.from_calls)

    @property
    def unpriced_calls(self) -> int:
        return sum(m.calls - m.priced for m in self.from_calls)


def support_costs(date_from: date, date_to: date) -> OtherCosts:
    """Support costs other than labour by category, each month's entered amount prorated by the days the period
    covers — except telephony in a month whose call records are priced (an own cost, or a trunk's tariff): there it
    is what the period's calls cost (docs/value.md, "Telephony from the call records"), and the month's entered
    telephony is not counted (the bill the records itemise would count twice)."""
    start, end = _bounds(date_from, date_to)
    from_calls = [m for m in call_costs_by_month(start, end) if m.priced]
    replaced = {m.month for m in from_calls}
    out: dict[str, Decimal] = defaultdict(Decimal)
    not_counted = Decimal(0)
    for row in SupportCost.objects.filter(month__gte=date_from.replace(day=1), month__lte=date_to):
        amount = figures.prorated_amount(row.amount, row.month, date_from, date_to)
        if row.category == CostCategory.TELEPHONY and row.month in replaced:
            not_counted += amount
            continue
        out[row.category] += amount
    for month in from_calls:
        out[CostCategory.TELEPHONY] += month.cost
    return OtherCosts(dict(out), from_calls, not_counted)


def other_costs(date_from: date, date_to: date) -> dict[str, Decimal]:
    """Support costs other than labour by category (support_costs)."""
    return support_costs(date_from, date_to).by_category


def _handled() -> Q:
    return Q(abandoned=False)


def work_by_group(date_from: date, date_to: date, by: str | None) -> list[GroupWork]:
    """Contacts resolved in the period and their handle time, per group (one GROUP BY query; by=None: one row)."""
    if work_rollup_usable():
        groups = _rollup_work(date_from, date_to, by or "channel").groups
        if by:
            return groups
        return [
            GroupWork("", sum(g.resolved for g in groups), sum(g.handle_seconds for g in groups), sum(g.timed for g in groups))
        ]
    start, end = _bounds(date_from, date_to)
    handle = Coalesce("talk_seconds", Value(0)) + Coalesce("hold_seconds", Value(0)) + Coalesce("acw_seconds", Value(0))
    timed = Q(talk_seconds__isnull=False) | Q(hold_seconds__isnull=False) | Q(acw_seconds__isnull=False)
    rows = Interaction.objects.filter(_handled(), resolved_at__gte=start, resolved_at__lt=end).order_by()
    aggregates = {"resolved": Count("id"), "handle": Sum(handle), "timed": Count("id", filter=timed)}
    if not by:
        one = rows.aggregate(**aggregates)
        return [GroupWork("", one["resolved"], one["handle"] or 0, one["timed"])]
    grouped = rows.values(key=F(GROUPINGS[by])).annotate(**aggregates).order_by("key")
    rows_out = cast("list[dict[str, Any]]", list(grouped))
    return [GroupWork(str(r["key"] or ""), r["resolved"], r["handle"] or 0, r["timed"]) for r in rows_out]


def contacts_received(date_from: date, date_to: date) -> int:
    start, end = _bounds(date_from, date_to)
    return Interaction.objects.filter(_handled(), created_at__gte=start, created_at__lt=end).count()


@dataclass(frozen=True)
class PeriodWork:
    """What the costs page reads from the period's contacts per group, in one pass: the resolved incidents and handle
    time per group (as `work_by_group`) and the contacts received (as `contacts_received`)."""

    groups: list[GroupWork]
    contacts: int


def period_work(date_from: date, date_to: date, by: str) -> PeriodWork:
    """One grouped query over the contacts resolved or created in the period, grouped by the page's group, with
    conditional aggregates: resolved, handle time, timed, received. The page reads its incidents and contacts in one
    scan, and the number of queries does not depend on the number of groups. (The incidents per customer segment come
    from the customers' pass, `customer_incidents`: joining every contact to its customer here cost more than joining
    each customer once there.) On PostgreSQL the same sums are read from the daily rollup (`_rollup_work`)."""
    if work_rollup_usable():
        return _rollup_work(date_from, date_to, by)
    start, end = _bounds(date_from, date_to)
    resolved_in = Q(resolved_at__gte=start, resolved_at__lt=end)
    created_in = Q(created_at__gte=start, created_at__lt=end)
    handle = Coalesce("talk_seconds", Value(0)) + Coalesce("hold_seconds", Value(0)) + Coalesce("acw_seconds", Value(0))
    timed = Q(talk_seconds__isnull=False) | Q(hold_seconds__isnull=False) | Q(acw_seconds__isnull=False)
    rows = (
        Interaction.objects.filter(_handled())
        .filter(resolved_in | created_in)
        .values(key=F(GROUPINGS[by]))
        .annotate(
            resolved=Count("id", filter=resolved_in),
            handle=Sum(handle, filter=resolved_in),
            timed=Count("id", filter=resolved_in & timed),
            received=Count("id", filter=created_in),
        )
        .order_by("key")  # as work_by_group orders its rows (the database's collation and NULL placement)
    )
    groups: list[GroupWork] = []
    contacts = 0
    for row in cast("list[dict[str, Any]]", list(rows)):
        contacts += row["received"]
        if row["resolved"]:
            groups.append(GroupWork(str(row["key"] or ""), row["resolved"], row["handle"] or 0, row["timed"]))
    return PeriodWork(groups, contacts)


# The rollup's rows of each grouping (costs/rollup.py): the table the group's name or code is read from, if any.
_ROLLUP_NAMES: dict[str, tuple[type[Any] | None, str]] = {
    "channel": (None, "code"),
    "team": (Team, "name"),
    "site": (Site, "name"),
    "label": (Label, "code"),
    "phase": (None, "code"),
}


def _rollup_work(date_from: date, date_to: date, by: str) -> PeriodWork:
    """`period_work` from the daily rollup: the days' sums per group, grouped and ordered by the group's name as the
    contacts' query groups and orders them."""
    model, column = _ROLLUP_NAMES[by]
    key, join = ("w.code", "") if model is None else (f"g.{column}", f"LEFT JOIN {model._meta.db_table} AS g ON g.id = w.key_id")
    sql = f"""
        SELECT {key}, sum(w.resolved)::bigint, sum(w.handle)::bigint, sum(w.timed)::bigint, sum(w.received)::bigint
        FROM {rollup.schema.DAYS} AS w {join}
        WHERE w.dim = %s AND w.day >= %s AND w.day <= %s GROUP BY {key} ORDER BY {key}
    """  # noqa: S608 — names from the models and the migration, every value a parameter
    groups: list[GroupWork] = []
    contacts = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, [rollup.DIMS[by], date_from, date_to])
        for name, resolved, handle, timed, received in cursor.fetchall():
            contacts += received
            if resolved:
                groups.append(GroupWork(str(name or ""), resolved, handle, timed))
    return PeriodWork(groups, contacts)


@dataclass(frozen=True)
class CustomerIncidents:
    """The incidents resolved in a period per customer segment (contacts without a customer left out; a customer
    without a segment counts under ""), and the customers past their segment's threshold with their incidents."""

    by_segment: dict[str, int]
    past_threshold: dict[tuple[str, str], int]  # (external id, segment) → incidents


def customer_incidents(
    date_from: date, date_to: date, thresholds: dict[str, tuple[int, float]] | None = None, *, resolved: int | None = None
) -> CustomerIncidents:
    """The period's incidents per segment, and — when `thresholds` gives segment → (incidents needed, incidents at
    which the cost equals the value) — the customers of those segments with at least the incidents needed, furthest
    past the value first, at most MAX_COSTLY_CUSTOMERS of them.

    On SQLite, one query: the period's resolved contacts counted per customer id (no join, an integer key), each
    customer joined once to read its segment. On PostgreSQL the segments' incidents come from the daily rollup, and
    the costly customers from the customers with at least the lowest threshold of incidents of all time (the rollup's
    `costs_customerincidents`), whose contacts are counted through the customer index — unless those customers' incidents
    are more than a quarter of the period's (`resolved`: a month's threshold of 2 incidents is met by most customers),
    when the period's contacts are counted per customer as on SQLite."""
    if not work_rollup_usable():
        return _customer_incidents_scan(date_from, date_to, thresholds)
    least = min((t[0] for t in thresholds.values()), default=1) if thresholds else 1
    by_segment: dict[str, int] = {}
    few = False
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT w.code, sum(w.resolved)::bigint, NULL FROM {rollup.schema.DAYS} AS w
            WHERE w.dim = %s AND w.day >= %s AND w.day <= %s GROUP BY w.code HAVING sum(w.resolved) <> 0
            UNION ALL
            SELECT NULL, count(*), coalesce(sum(k.incidents), 0)::bigint FROM (
                SELECT incidents FROM {rollup.schema.CUSTOMERS} WHERE incidents >= %s LIMIT %s
            ) AS k
            """,  # noqa: S608 — table names from the migration, every value a parameter
            [rollup.DIMS["segment"], date_from, date_to, least, CANDIDATES_MAX + 1],
        )
        for segment, n, candidate_incidents in cursor.fetchall():
            if segment is None:
                few = n <= CANDIDATES_MAX and (resolved is None or candidate_incidents * 4 <= resolved)
            else:
                by_segment[segment] = int(n)
    if not thresholds:
        return CustomerIncidents(by_segment, {})
    start, end = _bounds(date_from, date_to)
    if few:
        per = f"""
            SELECT i.customer_id, COUNT(*) AS n FROM {rollup.schema.CUSTOMERS} AS k
            JOIN {Interaction._meta.db_table} AS i ON i.customer_id = k.customer_id
            WHERE k.incidents >= %s AND i.abandoned = %s AND i.resolved_at >= %s AND i.resolved_at < %s
            GROUP BY i.customer_id HAVING COUNT(*) >= %s
        """  # noqa: S608 — names from the models and the migration, every value a parameter
    else:
        per = f"""
            SELECT customer_id, COUNT(*) AS n FROM {Interaction._meta.db_table}
            WHERE abandoned = %s AND resolved_at >= %s AND resolved_at < %s AND customer_id IS NOT NULL
            GROUP BY customer_id HAVING COUNT(*) >= %s
        """  # noqa: S608 — a table name from the model, every value a parameter
    params: list[Any] = [least, False, start, end, least] if few else [False, start, end, least]
    costly, costly_params = _costly_sql(thresholds)
    return CustomerIncidents(by_segment, _past_threshold(f"WITH per AS ({per}), {costly}", params + costly_params))


# At most this many customers counted one by one through the customer index (costs/rollup.py); more: the period's
# contacts are counted per customer.
CANDIDATES_MAX = 5000


def _costly_sql(thresholds: dict[str, tuple[int, float]]) -> tuple[str, list[Any]]:
    """What follows `WITH per AS (customer_id, n)`: each customer read once through its key (joined, the planner hashed
    all 250,000 customers for 500 rows of `per`), the costly ones by the thresholds."""
    segments = list(thresholds)
    marks = ", ".join(["%s"] * len(segments))
    case = "CASE segment " + " ".join(["WHEN %s THEN %s"] * len(segments)) + " END"
    sql = f"""
        seg AS (
            SELECT c.external_id, c.segment, per.n FROM per CROSS JOIN LATERAL (
                SELECT external_id, segment FROM {Customer._meta.db_table} WHERE id = per.customer_id OFFSET 0
            ) AS c
        )
        SELECT external_id, segment, n FROM seg WHERE segment IN ({marks}) AND n >= {case}
        ORDER BY n - {case} DESC, external_id LIMIT %s
    """  # noqa: S608 — a table name from the model, only placeholders added
    params: list[Any] = [*segments, *(x for s in segments for x in (s, thresholds[s][0]))]
    params += [*(x for s in segments for x in (s, thresholds[s][1])), MAX_COSTLY_CUSTOMERS]
    return sql, params


def _past_threshold(sql: str, params: list[Any]) -> dict[tuple[str, str], int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(external_id, segment): int(n) for external_id, segment, n in cursor.fetchall()}


def _customer_incidents_scan(
    date_from: date, date_to: date, thresholds: dict[str, tuple[int, float]] | None = None
) -> CustomerIncidents:
    """`customer_incidents` from the period's contacts, in one query (SQLite's path)."""
    start, end = _bounds(date_from, date_to)
    params: list[Any] = [False, start, end]
    sql = f"""
        WITH per AS (
            SELECT customer_id, COUNT(*) AS n FROM {Interaction._meta.db_table}
            WHERE abandoned = %s AND resolved_at >= %s AND resolved_at < %s AND customer_id IS NOT NULL
            GROUP BY customer_id
        ), seg AS (
            SELECT c.external_id, c.segment, per.n FROM per JOIN {Customer._meta.db_table} c ON c.id = per.customer_id
        )
        SELECT NULL, segment, SUM(n) FROM seg GROUP BY segment
    """  # noqa: S608 — table names from the models, every value a parameter
    if thresholds:
        segments = list(thresholds)
        marks = ", ".join(["%s"] * len(segments))
        case = "CASE segment " + " ".join(["WHEN %s THEN %s"] * len(segments)) + " END"
        sql += f"""
            UNION ALL
            SELECT * FROM (
                SELECT external_id, segment, n FROM seg WHERE segment IN ({marks}) AND n >= {case}
                ORDER BY n - {case} DESC, external_id LIMIT %s
            ) costly
        """  # noqa: S608 — only placeholders added
        params += [*segments, *(x for s in segments for x in (s, thresholds[s][0]))]
        params += [*(x for s in segments for x in (s, thresholds[s][1])), MAX_COSTLY_CUSTOMERS]
    by_segment: dict[str, int] = {}
    past: dict[tuple[str, str], int] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for external_id, segment, n in cursor.fetchall():
            if external_id is None:
                by_segment[segment] = int(n)
            else:
                past[(external_id, segment)] = int(n)
    return CustomerIncidents(by_segment, past)


def cost_per_incident(period_start: date, period_end: date) -> Decimal | None:
    """Total support cost / incidents resolved from period_start to period_end (inclusive); None when no cost was
    entered or nothing was resolved. For other apps (the executive summary) — no visibility check: callers check."""
    labour, costed, _without = labour_cost(period_start, period_end)
    other = other_costs(period_start, period_end)
    if not costed and not other:
        return None
    resolved = work_by_group(period_start, period_end, None)[0].resolved
    return figures.ratio(labour + sum(other.values(), Decimal(0)), resolved)


def _revenue(date_from: date, date_to: date, missing: list[str]) -> tuple[Decimal | None, Decimal | None]:
    months = figures.months_between(date_from, date_to)
    rows = {r.month: r for r in Revenue.objects.filter(month__in=months)}
    absent = [m for m in months if m not in rows]
    if absent:
        missing.append(
            _(
                "No revenue and gross margin entered for {months}: the margin, its comparison with the support cost and the "
                "customer value are not shown."
            ).format(months=", ".join(f"{m:%Y-%m}" for m in absent))
        )
        return None, None
    revenue = sum((figures.prorated_amount(r.revenue, r.month, date_from, date_to) for r in rows.values()), Decimal(0))
    margin = sum((figures.prorated_amount(r.gross_margin, r.month, date_from, date_to) for r in rows.values()), Decimal(0))
    return revenue, margin


def _churn(date_to: date) -> Decimal | None:
    """Monthly churn from the customer history up to the period's end: Σ customers lost / Σ customers, over the months
    where the lost customers were entered."""
    history = SegmentCustomers.objects.filter(month__lte=date_to, customers_lost__isnull=False).aggregate(
        lost=Sum("customers_lost"), customers=Sum("customers")
    )
    return figures.ratio(Decimal(history["lost"]), history["customers"]) if history["lost"] else None


def cost_report(*, actor: User, date_from: date | None = None, date_to: date | None = None, by: str = "channel") -> CostReport:
    """The costs page's figures for a period (default: the last full month)."""
    if not sees_costs(actor):
        raise ApplicationError(_("Only admins and managers see costs."), status_code=404)
    if by not in GROUPINGS:
        raise InvalidInput(_("Unknown grouping {by}.").format(by=by), field=("by",))
    if date_to is None:
        date_to = timezone.localdate().replace(day=1) - timedelta(days=1)
    if date_from is None:
        date_from = date_to.replace(day=1)
    if date_from > date_to or (date_to - date_from).days > MAX_DAYS:
        raise InvalidInput(_("The period must run forwards and last at most three years."), field=("from",))
    settings = CostSettings.load()
    measured = measured_assumptions(date_from, date_to) if settings.measure_from_data else None
    assumptions = MistakeAssumptions(
        figures.measured_or_set(measured.repeat if measured else None, settings.repeat_contact_probability),
        figures.measured_or_set(measured.complaint if measured else None, settings.complaint_probability),
        settings.complaint_cost_contacts,
        figures.measured_or_set(measured.lost if measured else None, settings.customer_lost_probability),
    )
    missing: list[str] = []
    labour, costed, without = labour_cost(date_from, date_to)
    support = support_costs(date_from, date_to)
    other = support.by_category
    work = period_work(date_from, date_to, by)
    groups = work.groups
    report = CostReport(
        date_from=date_from,
        date_to=date_to,
        by=by,
        currency=settings.currency,
        labour_cost=labour,
        other_costs=other,
        agents_costed=costed,
        agents_without_cost=without,
        contacts=work.contacts,
        resolved=sum(g.resolved for g in groups),
        groups=[],
        revenue=None,
        gross_margin=None,
        customers=None,
        customers_month=None,
        clv_seed=None,
        clv_conventional=None,
        lifetime_months=None,
        segments=[],
        costly_customers=[],
        mistake=None,
        assumptions=assumptions,
        measured=measured,
        telephony=support if support.from_calls else None,
        missing=missing,
    )
    if report.total_cost is None:
        missing.append(_("No labour or other support cost entered for this period: no cost figure can be computed."))
    elif without:
        missing.append(
            _(
                "{n} agents have no labour cost for the whole period (no record for them, their team, site or the "
                "organisation): their time is not priced."
            ).format(n=len(without))
        )
    if support.unpriced_calls:
        missing.append(
            ngettext(
                "{n} call record has no cost and its trunk no tariff: it counts as free in the telephony cost. "
                "Set the trunks' tariffs.",
                "{n} call records have no cost and their trunk no tariff: they count as free in the telephony cost. "
                "Set the trunks' tariffs.",
                support.unpriced_calls,
            ).format(n=number_format(support.unpriced_calls, force_grouping=True))
        )
    if report.total_cost is not None:
        report.groups = figures.allocate_by_handle_time(report.total_cost, groups)
    report.revenue, report.gross_margin = _revenue(date_from, date_to, missing)
    _customers(report, missing)
    _mistakes(report, missing)
    return report


def _customers(report: CostReport, missing: list[str]) -> None:
    latest = SegmentCustomers.objects.filter(month__lte=report.date_to).order_by("-month").values_list("month", flat=True).first()
    if latest is None:
        missing.append(_("No customers per segment entered: customer value and cost of serving are not shown."))
        return
    rows = list(SegmentCustomers.objects.filter(month=latest))
    report.customers_month, report.customers = latest, sum(r.customers for r in rows)
    report.clv_seed = figures.clv_seed(report.gross_margin, report.customers)
    months = len(figures.months_between(report.date_from, report.date_to))
    monthly = figures.ratio(report.clv_seed, months)
    churn = _churn(report.date_to)
    report.clv_conventional, report.lifetime_months = figures.clv_conventional(monthly, churn)
    if churn is None:
        missing.append(
            _("No customers lost entered: the conventional lifetime value (margin × expected lifetime) needs that history.")
        )
    cpi = report.cost_per_incident
    values: dict[str, Decimal | None] = {}
    totals: dict[str, tuple[Decimal | None, str]] = {}
    for row in rows:
        value: Decimal | None
        if row.gross_margin is not None:
            # The segment's margin of its latest month, over as many months as the period covers.
            value, source = row.gross_margin * months, "segment"
        else:
            value = report.clv_seed * row.customers if report.clv_seed is not None else None
            source = "average"
        totals[row.segment] = (value, source)
        values[row.segment] = figures.ratio(value, row.customers)
    thresholds = _thresholds(cpi, values) if cpi else None
    incidents = customer_incidents(report.date_from, report.date_to, thresholds, resolved=report.resolved)
    for row in rows:
        value, source = totals[row.segment]
        n = incidents.by_segment.get(row.segment, 0)
        report.segments.append(
            SegmentValue(row.segment, row.customers, n, cpi * n if cpi is not None else None, value, source, values[row.segment])
        )
    if cpi:
        report.costly_customers = figures.costly_customers(incidents.past_threshold, cpi, values)[:MAX_COSTLY_CUSTOMERS]


def _thresholds(cpi: Decimal, values: dict[str, Decimal | None]) -> dict[str, tuple[int, float]]:
    """Per valued segment: the incidents at which a customer's cost passes its value per customer (the fewest that
    count as costly), and the incidents at which the two are equal (how far past it a customer is, for the order)."""
    return {s: (max(1, math.floor(v / cpi) + 1), float(v / cpi)) for s, v in values.items() if v is not None}


FCR_DAYS = 7  # a repeat contact: reopened, or the same customer on the same reason within FCR's default 7 days
RETURN_DAYS = 30  # a customer lost: no new contact on another reason within the loyalty page's default 30 days


@dataclass(frozen=True)
class MeasuredAssumptions:
    """The three probabilities of "what a mistake costs" as the period's reviewed contacts measure them: the share
    with a repeat contact, a complaint, or a customer who did not come back, after a high-impact error minus the same
    share without one (figures.excess_share)."""

    repeat: figures.Excess
    complaint: figures.Excess
    lost: figures.Excess


def measured_assumptions(date_from: date, date_to: date, *, now: datetime | None = None) -> MeasuredAssumptions:
    """The contacts with a review submitted in the period, split by whether a review found a high-impact error:
    - repeat: reopened, or the customer wrote again on the same reason within FCR_DAYS of the resolution
      (operations.kpis.came_back, FCR's own rule);
    - complaint: the contact carries the complaint flag;
    - lost: of the contacts with a customer whose RETURN_DAYS have passed, those whose customer did not write again
      on another reason within RETURN_DAYS (the loyalty page's proxy for "stays a customer",
      operations.loyalty.next_other_reason_days).
    Two queries: the reviewed contacts, then the contacts of their customers from the first of them on."""
    from qadesk.operations import kpis
    from qadesk.operations import loyalty as loyalty_figures

    now = now or timezone.now()
    start, end = _bounds(date_from, date_to)
    reviews = Review.objects.filter(status=ReviewStatus.SUBMITTED, submitted_at__gte=start, submitted_at__lt=end)
    reviewed: dict[int, list[Any]] = {}
    for pk, errors, customer, label, created, resolved, reopens, complaint in reviews.order_by().values_list(
        "interaction_id",
        "high_impact_errors",
        "interaction__customer_id",
        "interaction__label_id",
        "interaction__created_at",
        "interaction__resolved_at",
        "interaction__reopens",
        "interaction__complaint",
    ):
        row = reviewed.setdefault(pk, [False, customer, label, created, resolved, reopens, complaint])
        row[0] = row[0] or (errors or 0) > 0
    customers = {row[1] for row in reviewed.values() if row[1] is not None}
    later: dict[int, list[tuple[datetime, int | None]]] = defaultdict(list)
    visits: list[kpis.Visit] = []
    if customers:
        since = min(row[3] for row in reviewed.values() if row[1] is not None)
        for pk, customer, label, created, resolved in (
            Interaction.objects.filter(customer_id__in=reviews.values("interaction__customer_id"), created_at__gte=since)
            .order_by()
            .values_list("id", "customer_id", "label_id", "created_at", "resolved_at")
            .iterator(chunk_size=5000)
        ):
            visits.append(kpis.Visit(key=pk, customer=customer, reason=label, created_at=created, resolved_at=resolved))
            later[customer].append((created, label))
    back = kpis.came_back(visits, days=FCR_DAYS)
    counts = {side: [0, 0, 0, 0, 0] for side in (True, False)}  # contacts, repeats, complaints, watched, not returned
    for pk, (error, customer, label, created, _resolved, reopens, complaint) in reviewed.items():
        side = counts[error]
        side[0] += 1
        side[1] += bool(reopens) or pk in back
        side[2] += bool(complaint)
        if customer is not None and created + timedelta(days=RETURN_DAYS) <= now:
            side[3] += 1
            days = loyalty_figures.next_other_reason_days(created, label, later[customer])
            side[4] += days is None or days > RETURN_DAYS
    e, o = counts[True], counts[False]
    return MeasuredAssumptions(
        repeat=figures.excess_share(e[1], e[0], o[1], o[0]),
        complaint=figures.excess_share(e[2], e[0], o[2], o[0]),
        lost=figures.excess_share(e[4], e[3], o[4], o[3]),
    )


def _mistakes(report: CostReport, missing: list[str]) -> None:
    start, end = _bounds(report.date_from, report.date_to)
    reviews = Review.objects.filter(status=ReviewStatus.SUBMITTED, submitted_at__gte=start, submitted_at__lt=end).aggregate(
        n=Count("id"), errors=Coalesce(Sum("high_impact_errors"), 0)
    )
    cpc = report.cost_per_contact
    if not reviews["n"] or cpc is None:
        missing.append(_("What a mistake costs needs reviews submitted in the period and a cost per contact."))
        return
    value = report.clv_conventional if report.clv_conventional is not None else report.clv_seed
    report.mistake = figures.mistake_cost(
        high_impact_errors=reviews["errors"],
        reviews=reviews["n"],
        contacts=report.contacts,
        cost_per_contact=cpc,
        customer_value=value,
        assumptions=report.assumptions,
    )
