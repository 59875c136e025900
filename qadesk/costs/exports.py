"""The cost report as plain data (JSON for the API and the CLI) and as CSV rows. Money is a string with two decimals
(exact, as accounting wants it); shares are strings with four; a figure that cannot be computed is null."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TextIO

from qadesk.core.exports import csv_writer
from qadesk.costs.figures import money
from qadesk.costs.selectors import CostReport


def _m(value: Decimal | None) -> str | None:
    return None if value is None else str(money(value))


def _share(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.0001")))


def cost_report_as_dict(report: CostReport) -> dict[str, Any]:
    """Every figure of the report, labelled."""
    mistake = report.mistake
    return {
        "from": report.date_from.isoformat(),
        "to": report.date_to.isoformat(),
        "by": report.by,
        "currency": report.currency,
        "labour_cost": _m(report.labour_cost),
        "other_costs": {k: _m(v) for k, v in sorted(report.other_costs.items())},
        "telephony": None
        if report.telephony is None
        else {
            "from_calls": [
                {"month": m.month.isoformat(), "calls": m.calls, "priced": m.priced, "cost": _m(m.cost)}
                for m in report.telephony.from_calls
            ],
            "entered_not_counted": _m(report.telephony.entered_not_counted),
        },
        "total_cost": _m(report.total_cost),
        "agents_costed": report.agents_costed,
        "agents_without_cost": len(report.agents_without_cost),
        "contacts": report.contacts,
        "incidents_resolved": report.resolved,
        "cost_per_incident": _m(report.cost_per_incident),
        "cost_per_contact": _m(report.cost_per_contact),
        "labour_share": _share(report.labour_share),
        "groups": [
            {
                "key": g.key,
                "incidents_resolved": g.resolved,
                "handle_hours": str((g.handle_seconds / 3600).quantize(Decimal("0.01"))),
                "cost": _m(g.cost),
                "cost_per_incident": _m(g.cost_per_incident),
            }
            for g in report.groups
        ],
        "revenue": _m(report.revenue),
        "gross_margin": _m(report.gross_margin),
        "margin_after_support": _m(report.margin_after_support),
        "support_to_margin": _share(report.support_to_margin),
        "customers": report.customers,
        "clv_seed": _m(report.clv_seed),
        "clv_conventional": _m(report.clv_conventional),
        "lifetime_months": None if report.lifetime_months is None else str(report.lifetime_months.quantize(Decimal("0.1"))),
        "segments": [
            {
                "segment": s.segment,
                "customers": s.customers,
                "incidents_resolved": s.incidents,
                "cost_of_serving": _m(s.cost_of_serving),
                "value": _m(s.value),
                "value_source": s.value_source,
                "value_per_customer": _m(s.value_per_customer),
            }
            for s in report.segments
        ],
        "costly_customers": [
            {
                "customer": c.customer,
                "segment": c.segment,
                "incidents_resolved": c.incidents,
                "cost": _m(c.cost),
                "value": _m(c.value),
            }
            for c in report.costly_customers
        ],
        "mistake_cost": None
        if mistake is None
        else {
            "high_impact_errors_reviewed": mistake.errors_reviewed,
            "reviews": mistake.reviews,
            "errors_estimated": str(mistake.errors_estimated.quantize(Decimal("0.1"))),
            "repeat_cost": _m(mistake.repeat_cost),
            "complaint_cost": _m(mistake.complaint_cost),
            "lost_value": _m(mistake.lost_value),
            "total": _m(mistake.total),
        },
        "measured_assumptions": None
        if report.measured is None
        else {
            name: {
                "with_error": excess.with_n,
                "with_error_events": excess.with_events,
                "without_error": excess.without_n,
                "without_error_events": excess.without_events,
                "value": None if excess.value is None else str(excess.value.quantize(Decimal("0.0001"))),
            }
            for name, excess in (
                ("repeat_contact_probability", report.measured.repeat),
                ("complaint_probability", report.measured.complaint),
                ("customer_lost_probability", report.measured.lost),
            )
        },
        "assumptions": {
            "repeat_contact_probability": str(report.assumptions.repeat_contact_probability),
            "complaint_probability": str(report.assumptions.complaint_probability),
            "complaint_cost_contacts": str(report.assumptions.complaint_cost_contacts),
            "customer_lost_probability": str(report.assumptions.customer_lost_probability),
        },
        "missing": [str(line) for line in report.missing],
    }


CSV_COLUMNS = ["group", "incidents_resolved", "handle_hours", "cost", "cost_per_incident"]


def cost_report_write_csv(report: CostReport, stream: TextIO) -> None:
    """The cost per incident by group, the total last (group "*")."""
    data = cost_report_as_dict(report)
    writer = csv_writer(stream)
    writer.writerow(CSV_COLUMNS)
    for g in data["groups"]:
        writer.writerow([g["key"], g["incidents_resolved"], g["handle_hours"], g["cost"], g["cost_per_incident"]])
    writer.writerow(["*", data["incidents_resolved"], "", data["total_cost"], data["cost_per_incident"]])
