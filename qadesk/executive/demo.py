"""Demo baselines and targets (called by the demo loader, qadesk/demo/services.py): the first whole month of the demo's
data is the baseline, and every headline gets a target a little above (or below) it, so the summary shows targets met
and missed."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from qadesk.accounts.models import Role, User
from qadesk.executive import figures
from qadesk.executive.headlines import org_reader
from qadesk.executive.models import HeadlineTarget
from qadesk.executive.services import baseline_capture, targets_set

TARGETS = {
    "iqs": 85.0,
    "pass_rate": 80.0,
    "high_impact_per_100": 10.0,
    "csat": 80.0,
    "nps": 30.0,
    "ces": 5.5,
    "service_level": 80.0,
    "fcr": 75.0,
    "aht": 360.0,
    "cost_per_incident": 6.0,
    "competence": 70.0,
}


def demo_executive_create(*, end: datetime, days: int = 90) -> int:
    """Capture the baseline over the demo's first whole month and set the targets; returns the baselines captured."""
    actor = User.objects.filter(role=Role.MANAGER, is_active=True).first() or org_reader()
    first_day = timezone.localdate(end - timedelta(days=days))
    start, last = figures.period_bounds(first_day, "month")
    if start < first_day:
        start, last = figures.period_bounds(last + timedelta(days=1), "month")
    captured = baseline_capture(actor=actor, start=start, end=last)
    if not HeadlineTarget.objects.exists():
        targets_set(actor=actor, values=dict(TARGETS))
    return len(captured)
