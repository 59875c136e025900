"""Writing the executive view's settings: baselines captured from a period, targets, and the digest's recipients."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from qadesk.accounts.models import User
from qadesk.core.errors import ApplicationError
from qadesk.executive.headlines import BY_CODE, HEADLINES, is_available, reads_shared
from qadesk.executive.models import Baseline, DigestSubscription, HeadlineTarget
from qadesk.executive.querysets import sees_executive


def _check(actor: User) -> None:
    if not sees_executive(actor):
        raise ApplicationError(_("Only managers and admins change the executive view."), status_code=404)


@transaction.atomic
def baseline_capture(*, actor: User, start: date, end: date, codes: list[str] | None = None) -> list[str]:
    """Measure the headlines (all, or `codes`) over start…end and keep each as its baseline, replacing an earlier one.
    Headlines without data in the period (or not available yet) are left as they were; returns the codes captured."""
    _check(actor)
    if start > end:
        raise ApplicationError(_("The start date is after the end date."))
    unknown = sorted(set(codes or []) - set(BY_CODE))
    if unknown:
        raise ApplicationError(_("Unknown headline: {codes}.").format(codes=", ".join(unknown)))
    captured = []
    with reads_shared():
        measured = [(h, h.measure(start, end)) for h in HEADLINES if (not codes or h.code in codes) and is_available(h)]
    for h, measure in measured:
        if measure is None:
            continue
        Baseline.objects.update_or_create(
            headline=h.code,
            defaults={
                "period_start": start,
                "period_end": end,
                "value": measure.value,
                "n": measure.n,
                "sd": measure.sd,
                "captured_by": actor if actor.pk else None,
            },
        )
        captured.append(h.code)
    return captured


@transaction.atomic
def targets_set(*, actor: User, values: dict[str, float | None]) -> None:
    """Set (a number) or clear (None) the target of each headline named in `values`."""
    _check(actor)
    for code, value in values.items():
        if code not in BY_CODE:
            raise ApplicationError(_("Unknown headline: {codes}.").format(codes=code))
        if value is None:
            HeadlineTarget.objects.filter(headline=code).delete()
        else:
            HeadlineTarget.objects.update_or_create(
                headline=code, defaults={"value": float(value), "updated_by": actor if actor.pk else None}
            )


def subscription_save(*, actor: User, recipient: User, frequency: str) -> DigestSubscription:
    """Send the digest to `recipient` (a manager or admin with an e-mail address) weekly or monthly."""
    _check(actor)
    if not sees_executive(recipient) or not recipient.is_active:
        raise ApplicationError(_("{name} is not an active manager or admin.").format(name=recipient.get_full_name() or recipient))
    if not recipient.email:
        raise ApplicationError(_("{name} has no e-mail address.").format(name=recipient.get_full_name() or recipient))
    subscription, _created = DigestSubscription.objects.update_or_create(user=recipient, defaults={"frequency": frequency})
    return subscription


def subscription_delete(*, actor: User, subscription: DigestSubscription) -> None:
    _check(actor)
    subscription.delete()
