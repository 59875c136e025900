"""Writes of reliability: the service promises."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from qadesk.accounts.models import User
from qadesk.core.errors import ApplicationError
from qadesk.interactions.models import Channel, Label
from qadesk.reliability.models import Measure, ServicePromise
from qadesk.reliability.querysets import manages_promises


def _may_manage(actor: User) -> None:
    if not manages_promises(actor):
        raise ApplicationError(_("Only an admin or a QA lead may define service promises."), status_code=403)


@transaction.atomic
def promise_save(
    *,
    actor: User,
    text: str,
    measure: str,
    within_hours: float,
    promised_percent: float = 90,
    channel: str = "",
    label: Label | None = None,
    promise: ServicePromise | None = None,
) -> ServicePromise:
    """Create a service promise, or change `promise`."""
    _may_manage(actor)
    if not text.strip():
        raise ApplicationError(_("Write the promise as customers read it."))
    if measure not in Measure.values:
        raise ApplicationError(_("Unknown measure “{measure}”.").format(measure=measure))
    if channel and channel not in Channel.values:
        raise ApplicationError(_("Unknown channel “{channel}”.").format(channel=channel))
    if not 0 < within_hours <= 24 * 365:
        raise ApplicationError(_("The time must be more than 0 and at most a year (8760 hours)."))
    if not 0 <= promised_percent <= 100:
        raise ApplicationError(_("The promised share must be between 0 and 100."))
    promise = promise or ServicePromise(created_by=actor)
    promise.text, promise.measure, promise.within_hours = text.strip(), measure, within_hours
    promise.promised_percent, promise.channel, promise.label = promised_percent, channel, label
    promise.save()
    return promise


@transaction.atomic
def promise_delete(*, actor: User, promise: ServicePromise) -> None:
    _may_manage(actor)
    promise.delete()
