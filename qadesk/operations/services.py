"""Writes of the operations app: KPI targets, and the alerts sent when a target is missed period after period."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qadesk.accounts.models import Role, Site, User
from qadesk.core.errors import ApplicationError
from qadesk.interactions.models import Channel
from qadesk.notifications.services import notify
from qadesk.operations import kpis
from qadesk.operations.models import Kpi, KpiTarget, TargetAlert, TargetPeriod
from qadesk.operations.querysets import manages_targets
from qadesk.operations.selectors import target_results

PERCENT_KPIS = {k for k in kpis.TARGET_KPIS if k.endswith("_rate") or k == "service_level"}


def _check(*, actor: User, kpi: str, value: float, period: str, alert_after: int, threshold_seconds: int) -> None:
    if not manages_targets(actor):
        raise ApplicationError(_("Only an admin, a QA lead or a manager may set KPI targets."), status_code=403)
    if kpi not in Kpi.values:
        raise ApplicationError(_("Unknown KPI “{kpi}”.").format(kpi=kpi))
    if period not in TargetPeriod.values:
        raise ApplicationError(_("Unknown period “{period}”; choose day, week or month.").format(period=period))
    if value < 0 or (kpi in PERCENT_KPIS and value > 100):
        raise ApplicationError(_("The target must be between 0 and 100 for a percentage, and at least 0 otherwise."))
    if not 1 <= alert_after <= 52:
        raise ApplicationError(_("Alert after 1 to 52 missed periods."))
    if not 0 <= threshold_seconds <= 24 * 3600:
        raise ApplicationError(_("The answer time must be between 0 and 86400 seconds."))


@transaction.atomic
def target_save(
    *,
    actor: User,
    kpi: str,
    value: float,
    channel: str = "",
    site: Site | None = None,
    period: str = TargetPeriod.WEEK,
    threshold_seconds: int = 20,
    alert_after: int = 2,
    target: KpiTarget | None = None,
) -> KpiTarget:
    """Create a target, or change `target`; one target per KPI, channel, site and period (a second is refused)."""
    _check(actor=actor, kpi=kpi, value=value, period=period, alert_after=alert_after, threshold_seconds=threshold_seconds)
    clash = KpiTarget.objects.filter(kpi=kpi, channel=channel, site=site, period=period)
    if target is not None:
        clash = clash.exclude(pk=target.pk)
    if clash.exists():
        raise ApplicationError(_("A target for this KPI, channel, site and period exists already: change that one."))
    target = target or KpiTarget(created_by=actor)
    target.kpi, target.value, target.channel, target.site, target.period = kpi, value, channel, site, period
    target.threshold_seconds, target.alert_after = threshold_seconds, alert_after
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError as exc:  # a double submit racing this one
        raise ApplicationError(_("A target for this KPI, channel, site and period exists already: change that one.")) from exc
    return target


@transaction.atomic
def target_delete(*, actor: User, target: KpiTarget) -> None:
    """Remove a target (its alerts go with it)."""
    if not manages_targets(actor):
        raise ApplicationError(_("Only an admin, a QA lead or a manager may set KPI targets."), status_code=403)
    target.delete()


def complete_periods(period: str, *, count: int, today: date) -> list[tuple[date, date]]:
    """The last `count` whole periods before the one `today` is in, oldest first, as (first day, last day)."""
    if period == "month":
        start = today.replace(day=1)
    elif period == "week":
        start = today - timedelta(days=today.weekday())
    else:
        start = today
    periods = []
    for _i in range(count):
        end = start - timedelta(days=1)
        start = end.replace(day=1) if period == "month" else end - timedelta(days=6 if period == "week" else 0)
        periods.append((start, end))
    return periods[::-1]


def target_alerts_send(*, now: datetime | None = None) -> int:
    """Notify the QA leads and the team leads concerned of every target missed in each of its last `alert_after`
    complete periods; once per target and last missed period (TargetAlert), so running it again sends nothing.
    Returns how many alerts were made."""
    now = now or timezone.now()
    system = User(username="system", role=Role.ADMIN, is_superuser=True)
    made = 0
    for target in KpiTarget.objects.select_related("site"):
        periods = complete_periods(target.period, count=target.alert_after, today=timezone.localdate(now))
        result = target_results(actor=system, date_from=periods[0][0], date_to=periods[-1][1], now=now, targets=[target])[0]
        results = [met for _label, _value, met in result.periods]
        if len(results) < target.alert_after or kpis.missed_streak(results) < target.alert_after:
            continue
        made += _alert(target=target, period_start=periods[-1][0], missed=target.alert_after, last=result.periods[-1])
    return made


@transaction.atomic
def _alert(*, target: KpiTarget, period_start: date, missed: int, last: tuple[str, float | None, bool | None]) -> int:
    _alert_row, created = TargetAlert.objects.get_or_create(
        target=target, period_start=period_start, defaults={"missed_periods": missed}
    )
    if not created:
        return 0
    leads = User.objects.filter(is_active=True, role=Role.TEAM_LEAD)
    if target.site_id:
        leads = leads.filter(team__site_id=target.site_id)
    recipients = list(User.objects.filter(is_active=True, role=Role.QA_LEAD)) + list(leads)
    for user in recipients:
        notify(
            recipient=user,
            kind="kpi_target_missed",
            subject=gettext_noop("Target missed {count} periods in a row: {kpi} {scope} (last {value}, target {target})"),
            params={
                "count": missed,
                "kpi": Kpi(target.kpi).label,  # lazy: notify() writes it in the recipient's language
                "scope": target.site.name if target.site else Channel(target.channel).label if target.channel else "",
                "value": last[1],
                "target": float(target.value),
            },
            url=reverse("operations:kpis"),
        )
    return 1
