"""Background jobs of the surveys app: thin wrappers that call a service."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from qadesk.core.schedule import periodic
from qadesk.surveys.emails import invitation_email, invitation_emails_send


@task()
def send_survey_invitation(invitation_id: int) -> bool:
    """E-mail one survey invitation; a failure is recorded on it and tried again by the periodic job."""
    return invitation_email(invitation_id=invitation_id)


@periodic(every=timedelta(minutes=1))
@task()
def survey_invitations() -> int:
    """Periodic: invite by the active rules, and send the invitation e-mails that are due (new, or whose next try has
    come) in batches; returns how many invitations were made and sent."""
    from qadesk.surveys.rules import invitations_by_rules

    return invitations_by_rules() + invitation_emails_send()


@periodic(every=timedelta(minutes=1))
@task()
def survey_rollup_pending_fold() -> int:
    """Periodic: add the survey rollup's pending changes (one-click answers) to it, so they stay few between readers;
    returns how many were folded."""
    from qadesk.surveys.rollup import survey_rollup_fold

    return survey_rollup_fold()
