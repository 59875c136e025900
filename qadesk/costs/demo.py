"""The demo's cost model, in euro: labour costs for Milano and Lyon (Milano's salaries rise mid-month, so the effective
dating shows), telephony, premises and tools per site and month, revenue per month and customers per segment."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from qadesk.accounts.models import Agent, Site
from qadesk.costs.models import CostSettings, LabourCost, Revenue, SegmentCustomers, SupportCost

MONTHS = 5
# site -> (salary, overtime, benefits, taxes, other personnel costs, paid hours) per month
LABOUR = {
    "Milano": ("2100", "120", "180", "640", "90", "152"),
    "Lyon": ("2250", "80", "210", "930", "100", "151.67"),
}
RAISE = Decimal("1.03")  # Milano's new contract from the 16th of the last full month
# site -> (telephony, premises) per month; tools are the organisation's
SITE_COSTS = {"Milano": ("1850", "6200"), "Lyon": ("1550", "5400")}
TOOLS, OUTSOURCING = Decimal(4300), Decimal(2800)
# segment -> (customers, monthly churn, share of the gross margin)
SEGMENTS = {
    "standard": (9200, Decimal("0.012"), Decimal("0.40")),
    "silver": (2900, Decimal("0.009"), Decimal("0.22")),
    "gold": (1700, Decimal("0.006"), Decimal("0.23")),
    "business": (820, Decimal("0.007"), Decimal("0.15")),
}


def _months(end: date) -> list[date]:
    first = end.replace(day=1)
    out = [first]
    while len(out) < MONTHS:
        out.append((out[-1] - timedelta(days=1)).replace(day=1))
    return sorted(out)


def demo_costs_create(*, end: date, seed: int = 7) -> int:
    """Write (again: a second load replaces, never doubles) the demo's cost rows; returns how many months are covered."""
    rng = random.Random(f"costs-{seed}")
    months = _months(end)
    settings = CostSettings.load()
    settings.currency = "EUR"
    settings.save()
    for name, (salary, overtime, benefits, taxes, other, hours) in LABOUR.items():
        site = Site.objects.filter(name=name).first()
        if site is None:
            continue
        amounts = {
            k: Decimal(v)
            for k, v in zip(
                ("salary", "overtime", "benefits", "taxes", "other", "paid_hours"),
                (salary, overtime, benefits, taxes, other, hours),
                strict=True,
            )
        }
        LabourCost.objects.update_or_create(site=site, agent=None, team=None, valid_from=months[0], defaults=amounts)
        if name == "Milano":
            raised = {**amounts, "salary": (amounts["salary"] * RAISE).quantize(Decimal("0.01"))}
            LabourCost.objects.update_or_create(
                site=site, agent=None, team=None, valid_from=months[-2].replace(day=16), defaults=raised
            )
        # The site's two longest-serving agents earn more: agent records override the site's default.
        for agent in Agent.objects.filter(site=site, is_bot=False).order_by("username")[:2]:
            senior = {**amounts, "salary": amounts["salary"] + Decimal(450)}
            LabourCost.objects.update_or_create(agent=agent, team=None, site=None, valid_from=months[0], defaults=senior)
        telephony, premises = SITE_COSTS[name]
        for month in months:
            for category, amount in (("telephony", Decimal(telephony)), ("premises", Decimal(premises))):
                noisy = (amount * Decimal(rng.uniform(0.95, 1.05))).quantize(Decimal("0.01"))
                SupportCost.objects.update_or_create(month=month, category=category, site=site, defaults={"amount": noisy})
    for month in months:
        SupportCost.objects.update_or_create(month=month, category="tools", site=None, defaults={"amount": TOOLS})
        SupportCost.objects.update_or_create(
            month=month, category="outsourcing", site=None, defaults={"amount": OUTSOURCING, "note": "Weekend cover"}
        )
        revenue = Decimal(rng.randint(1_780_000, 2_050_000))
        margin = (revenue * Decimal(rng.uniform(0.38, 0.44))).quantize(Decimal("0.01"))
        Revenue.objects.update_or_create(month=month, defaults={"revenue": revenue, "gross_margin": margin})
        for segment, (customers, churn, share) in SEGMENTS.items():
            count = customers + rng.randint(-150, 150)
            SegmentCustomers.objects.update_or_create(
                month=month,
                segment=segment,
                defaults={
                    "customers": count,
                    "customers_lost": round(count * churn),
                    "gross_margin": (margin * share).quantize(Decimal("0.01")),
                },
            )
    return len(months)
