"""The demo's KPI targets: the planned levels a contact centre like Milano and Lyon would set (operations app)."""

from __future__ import annotations

from qadesk.operations.models import KpiTarget

# (kpi, channel, period, target, answer time T for the service level, periods missed before an alert)
TARGETS = [
    ("service_level", "phone", "week", 50.0, 120, 2),
    ("asa_seconds", "phone", "week", 120.0, 20, 2),
    ("abandonment_rate", "phone", "week", 5.0, 20, 2),
    ("first_response_median", "email", "week", 8 * 3600.0, 20, 2),
    ("resolved_24h_rate", "", "week", 70.0, 20, 3),
    ("fcr_rate", "", "month", 85.0, 20, 2),
    ("reassignment_rate", "", "month", 10.0, 20, 2),
]


def demo_targets_create() -> int:
    """Set the demo's targets (again: a second load changes nothing); returns how many there are."""
    for kpi, channel, period, value, threshold, alert_after in TARGETS:
        KpiTarget.objects.update_or_create(
            kpi=kpi,
            channel=channel,
            site=None,
            period=period,
            defaults={"value": value, "threshold_seconds": threshold, "alert_after": alert_after},
        )
    return len(TARGETS)
