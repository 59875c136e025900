"""Writes of the phone line: the reasonable levels, and the alerts sent to the QA leads when a level is missed."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qadesk.accounts.models import Role, User
from qadesk.core.errors import ApplicationError
from qadesk.notifications.services import notify
from qadesk.phoneline.figures import PERCENT_PARAMETERS
from qadesk.phoneline.models import DeliveryLevel, LevelAlert, Parameter
from qadesk.phoneline.querysets import manages_levels
from qadesk.phoneline.selectors import compliance

ALERT_KIND = "delivery_level_missed"


def _may_manage(actor: User) -> None:
    if not manages_levels(actor):
        raise ApplicationError(_("Only an admin or a QA lead may set the phone line's levels."), status_code=403)


@transaction.atomic
def level_save(
    *, actor: User, parameter: str, value: float, queue: str = "", level: DeliveryLevel | None = None
) -> DeliveryLevel:
    """Create a reasonable level, or change `level`; one per parameter and queue."""
    _may_manage(actor)
    if parameter not in Parameter.values:
        raise ApplicationError(_("Unknown parameter “{parameter}”.").format(parameter=parameter))
    if value < 0 or (parameter in PERCENT_PARAMETERS and value > 100):
        raise ApplicationError(_("The level must be between 0 and 100 for a percentage, and at least 0 otherwise."))
    queue = queue.strip()
    clash = DeliveryLevel.objects.filter(parameter=parameter, queue=queue)
    if level is not None:
        clash = clash.exclude(pk=level.pk)
    if clash.exists():
        raise ApplicationError(_("A level for this parameter and queue exists already: change that one."))
    level = level or DeliveryLevel(created_by=actor)
    level.parameter, level.value, level.queue = parameter, value, queue
    try:
        with transaction.atomic():
            level.save()
    except IntegrityError as exc:  # a double submit racing this one
        raise ApplicationError(_("A level for this parameter and queue exists already: change that one.")) from exc
    return level


@transaction.atomic
def level_delete(*, actor: User, level: DeliveryLevel) -> None:
    """Remove a level (its alerts go with it)."""
    _may_manage(actor)
    level.delete()


def level_alerts_send(*, now: datetime | None = None) -> int:
    """Tell every active QA lead of each level missed last month or so far this month; once per level and month
    (LevelAlert), so running it again sends nothing. Returns how many alerts were made."""
    now = now or timezone.now()
    system = User(username="system", role=Role.ADMIN, is_superuser=True)
    _months, rows = compliance(actor=system, months=2, today=timezone.localdate(now))
    made = 0
    for row in rows:
        for month, value, met in row.cells:
            if met is False and value is not None:
                made += _alert(level=row.level, month=month, value=value)
    return made


@transaction.atomic
def _alert(*, level: DeliveryLevel, month: date, value: float) -> int:
    _row, created = LevelAlert.objects.get_or_create(level=level, month=month, defaults={"value": value})
    if not created:
        return 0
    for user in User.objects.filter(is_active=True, role=Role.QA_LEAD):
        notify(
            recipient=user,
            kind=ALERT_KIND,
            subject=gettext_noop("Phone line level missed in {month}: {parameter} {queue} was {value} (level {level})"),
            params={
                "month": month,
                "parameter": Parameter(level.parameter).label,  # lazy: notify() writes it in the recipient's language
                "queue": level.queue,
                "value": round(value, 2),
                "level": float(level.value),
            },
            url=reverse("phoneline:page"),
        )
    return 1
