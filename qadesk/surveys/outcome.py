"""The complaint-outcome survey: sent when a complaint closes (the register's `complaint_closed` signal), its answers
read back on the complaint's page and in the register report ("satisfaction with the outcome", seed 001)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

from qadesk.surveys import figures
from qadesk.surveys.models import Survey, SurveyAnswer, SurveyContact, SurveyInvitation, SurveyKind
from qadesk.surveys.services import invitation_create

if TYPE_CHECKING:
    from qadesk.complaints.models import Complaint

log = logging.getLogger(__name__)


def outcome_survey() -> Survey | None:
    """The complaint-outcome survey in use: the oldest of that kind with a published version (None: nothing is sent)."""
    for survey in Survey.objects.filter(kind=SurveyKind.COMPLAINT_OUTCOME).order_by("pk"):
        if survey.current_version() is not None:
            return survey
    return None


def complaint_outcome_invite(*, complaint: Complaint) -> SurveyInvitation | None:
    """E-mail the complaint's customer the outcome survey, once per complaint; nothing when there is no such survey, no
    address for the customer, or the customer opted out for good."""
    survey = outcome_survey()
    if survey is None or complaint.customer_id is None:
        return None
    contact = SurveyContact.objects.filter(customer_id=complaint.customer_id).first()
    if contact is None or not contact.email or contact.opted_out_at is not None:
        return None
    with transaction.atomic():
        if SurveyInvitation.objects.filter(complaint=complaint).exists():
            return None  # closed, reopened and closed again: the customer is asked once
        interaction = None if survey.anonymous else complaint.interactions.order_by("created_at", "pk").first()
        invitation = invitation_create(
            survey=survey, interaction=interaction, email=contact.email, language=interaction.language if interaction else ""
        )
        invitation.complaint = complaint
        invitation.save(update_fields=["complaint"])
    return invitation


def on_complaint_closed(sender: Any, *, complaint: Complaint, **kwargs: Any) -> None:
    """The `complaint_closed` receiver: runs after the closing committed, so a failure here never reopens anything."""
    try:
        complaint_outcome_invite(complaint=complaint)
    except Exception:  # the closing stands; the missing invitation is logged, never raised into the closer's request
        log.exception("complaint %s: the outcome survey could not be sent", complaint.pk)


@dataclass(frozen=True)
class Outcome:
    """What a complaint's customer said about the outcome: invitation state and their answers (question, answer)."""

    invitation: SurveyInvitation
    response_id: int | None
    rating: int | None  # the headline CSAT 1–5
    answers: list[tuple[str, str]]


def complaint_outcome(*, complaint: Complaint) -> Outcome | None:
    """The complaint's outcome invitation and answers, None when none was sent (the page shows "not asked")."""
    from qadesk.core.i18n import pick
    from qadesk.surveys.selectors import answer_display

    invitation = SurveyInvitation.objects.filter(complaint=complaint).select_related("response").order_by("pk").first()
    if invitation is None:
        return None
    response = getattr(invitation, "response", None)
    if response is None:
        return Outcome(invitation, None, None, [])
    answers = list(response.answers.select_related("question").order_by("question__position"))
    rating = next((a.value for a in answers if a.question.kind == "csat" and a.value is not None), None)
    return Outcome(invitation, response.pk, rating, [(pick(a.question.text), answer_display(a)) for a in answers])


def outcome_ratings(complaint_ids: Iterable[int]) -> dict[int, int]:
    """complaint id → the customer's first CSAT answer (1–5) on its outcome survey, for those answered."""
    found: dict[int, int] = {}
    rows = (
        SurveyAnswer.objects.filter(
            response__invitation__complaint_id__in=list(complaint_ids), question__kind="csat", value__isnull=False
        )
        .order_by("question__position")
        .values_list("response__invitation__complaint_id", "value")
    )
    for complaint_id, value in rows:
        if complaint_id is not None and value is not None:
            found.setdefault(complaint_id, value)
    return found


def outcome_figure(ratings: Iterable[int], *, minimum_n: int) -> figures.Figure:
    """Satisfaction with the outcome: CSAT (share of 4–5) over the complaints' outcome ratings."""
    counts: dict[int, int] = {}
    for value in ratings:
        counts[value] = counts.get(value, 0) + 1
    return figures.csat(counts, minimum_n=minimum_n)
