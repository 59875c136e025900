"""Writing the audit trail: one function, called by the services that change reviews and disputes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connections

from qadesk.audit import triggers
from qadesk.audit.models import AuditEvent

if TYPE_CHECKING:
    from qadesk.accounts.models import User
    from qadesk.complaints.models import Complaint
    from qadesk.disputes.models import Dispute
    from qadesk.reviews.models import Review
    from qadesk.surveys.models import SurveyResponse


def audit_record(
    *,
    actor: User | None,
    action: str,
    review: Review | None = None,
    dispute: Dispute | None = None,
    complaint: Complaint | None = None,
    survey_response: SurveyResponse | None = None,
    **changes: Any,
) -> AuditEvent:
    """Append one event; `changes` must be JSON-serialisable (ids, codes, numbers, texts)."""
    if review is None and dispute is not None:
        review = dispute.review
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        review=review,
        dispute=dispute,
        complaint=complaint,
        survey_response=survey_response,
        changes=changes,
    )


def audit_purge_demo(*, review_ids: list[int]) -> int:
    """Delete the trail of synthetic demo reviews, and nothing else: the one deletion path, used by `qadesk demo --force`."""
    from qadesk.reviews.models import Review

    demo = Review.objects.filter(pk__in=review_ids, interaction__source="demo").values("pk")
    events = AuditEvent.objects.filter(review__in=demo)
    # The database refuses to delete audit events (audit.triggers); this deletion alone lifts that, in its transaction.
    with triggers.suspended(connections[events.db]):
        return int(events._raw_delete(events.db))  # type: ignore[attr-defined]


def audit_purge_demo_complaints(*, complaint_ids: list[int]) -> int:
    """Delete the trail of synthetic demo complaints (source "demo"), and nothing else: used when the demo is loaded again."""
    from qadesk.complaints.models import Complaint

    if not complaint_ids:
        return 0
    demo = Complaint.objects.filter(pk__in=complaint_ids, source="demo").values("pk")
    events = AuditEvent.objects.filter(complaint__in=demo)
    with triggers.suspended(connections[events.db]):
        return int(events._raw_delete(events.db) or 0)  # type: ignore[attr-defined]


def audit_purge_demo_survey_responses() -> int:
    """Delete the trail of the follow-ups of survey responses about synthetic demo contacts (interaction source "demo"),
    and nothing else: used before the demo's contacts, and with them their responses, are replaced."""
    from qadesk.surveys.models import SurveyResponse

    demo = SurveyResponse.objects.filter(interaction__source="demo").values("pk")
    events = AuditEvent.objects.filter(survey_response__in=demo)
    with triggers.suspended(connections[events.db]):
        return int(events._raw_delete(events.db) or 0)  # type: ignore[attr-defined]
