"""Invitations by rules: a periodic job invites the customers of resolved interactions that match a rule, after its
delay, for its sampling share, never twice within the quiet period, never after an opt-out. The same job then e-mails
the invitations in batches (surveys/emails.py, `invitation_emails_send`)."""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from qadesk.interactions.models import Interaction
from qadesk.surveys.models import InvitationRule, SurveyContact, SurveyInvitation
from qadesk.surveys.services import invitation_create

LOOKBACK = timedelta(days=7)  # interactions resolved longer ago than delay + this are not invited any more
BATCH = 1000


def rule_draws(rule_id: int, interaction_id: int, share: int) -> bool:
    """The rule's sampling share, drawn from the ids: the same interaction gets the same answer at every run."""
    return zlib.crc32(f"{rule_id}:{interaction_id}".encode()) % 100 < share


def rule_candidates(*, rule: InvitationRule, now: datetime) -> list[Interaction]:
    """Resolved interactions the rule matches, past its delay, with a reachable customer, not yet invited to its survey."""
    until = now - timedelta(hours=rule.delay_hours)
    found = Interaction.objects.filter(
        resolved_at__lte=until,
        resolved_at__gt=until - LOOKBACK,
        customer__survey_contact__opted_out_at__isnull=True,
        customer__survey_contact__email__gt="",
    ).exclude(survey_invitations__survey=rule.survey)
    if rule.channels:
        found = found.filter(channel__in=rule.channels)
    if rule.teams:
        found = found.filter(team__name__in=rule.teams)
    if rule.labels:
        found = found.filter(label__code__in=rule.labels)
    if rule.phases:
        found = found.filter(phase__in=rule.phases)
    return list(found.select_related("customer__survey_contact").order_by("resolved_at", "pk")[:BATCH])


@transaction.atomic
def invitations_by_rules(*, now: datetime | None = None) -> int:
    """Invite by every active rule; returns how many invitations were made. They are due at once: the periodic job that
    calls this sends them right after (`tasks.survey_invitations`)."""
    now = now or timezone.now()
    made = 0
    for rule in InvitationRule.objects.filter(is_active=True, survey__anonymous=False).select_related("survey"):
        if rule.survey.current_version() is None:
            continue
        asked: set[int] = set()
        for interaction in rule_candidates(rule=rule, now=now):
            customer_id = interaction.customer_id
            assert customer_id is not None
            if customer_id in asked or not rule_draws(rule.pk, interaction.pk, rule.share):
                continue
            recent = SurveyInvitation.objects.filter(
                interaction__customer_id=customer_id, created_at__gt=now - timedelta(days=rule.quiet_days)
            )
            if recent.exists():
                continue
            contact: SurveyContact = interaction.customer.survey_contact  # type: ignore[union-attr]
            invitation_create(survey=rule.survey, interaction=interaction, email=contact.email, queue=False)
            asked.add(customer_id)
            made += 1
    return made


def contact_opt_out(*, invitation: SurveyInvitation) -> bool:
    """The customer of this invitation asks never to be invited again; True when they were not opted out before."""
    customer_id = invitation.interaction.customer_id if invitation.interaction else None
    if customer_id is None:
        return False
    contact, _created = SurveyContact.objects.get_or_create(customer_id=customer_id)
    if contact.opted_out_at is not None:
        return False
    contact.opted_out_at = timezone.now()
    contact.save(update_fields=["opted_out_at"])
    SurveyInvitation.objects.filter(interaction__customer_id=customer_id, sent_at__isnull=True).update(
        email_failed_at=timezone.now(), email_retry_at=None, email_error="opted out"
    )
    return True
