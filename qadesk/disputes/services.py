"""Writing disputes: open, discuss, escalate, decide (revising the review), and reopen locked scores.

The rules (docs/reviews-and-disputes.md says them for users):
- one undecided dispute per review at a time;
- each finding is disputed once: the criteria a decided dispute contested (and, for a wrong-agent dispute, who is
  credited) cannot be contested again, while criteria never contested can be, within the dispute window; a fully
  rejected dispute locks the review's scores, so nothing more can be disputed. A QA lead's reopening lifts both;
- nobody decides a dispute they raised, and no decision credits a review to its own reviewer or to the person deciding
  (unless self-review is allowed); a wrong-agent decision credits one of the agents who handled the contact.

Every state change is a guarded transition: the review's row is locked first, then the dispute's (always in that order,
so two transitions never wait for each other), and the state is re-read after the locks; the request that comes
second gets a Conflict (409) and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qadesk.accounts.models import Agent, OrgSettings, Role, User
from qadesk.audit.models import Action
from qadesk.audit.services import audit_record
from qadesk.core.errors import ApplicationError, Conflict, PermissionDenied
from qadesk.disputes.models import Dispute, DisputeItem, DisputeKind, DisputeMessage, DisputeStatus, Outcome
from qadesk.disputes.selectors import settled_criterion_ids, settled_disputes
from qadesk.interactions.models import Interaction
from qadesk.notifications.services import notify
from qadesk.reviews.models import Rating, Review, ReviewStatus
from qadesk.reviews.services import check_not_self_review, review_lock, review_revise
from qadesk.scorecards.scoring import ScoringError, criterion_score


@dataclass(frozen=True)
class ContestedCriterion:
    """A criterion the agent contests, with the rating they propose (None: no proposal)."""

    criterion_id: int
    proposed_value: int | None = None


@transaction.atomic
def dispute_open(
    *, review: Review, actor: User, argument: str, items: list[ContestedCriterion], kind: str = DisputeKind.CRITERIA
) -> Dispute:
    """The credited agent contests criteria (or the crediting) of a submitted review within the dispute window."""
    settings = OrgSettings.load()
    review = review_lock(review=review)
    if review.agent.user_id != actor.pk:
        raise PermissionDenied(_("Only the agent credited with this review can dispute it."))
    if review.status != ReviewStatus.SUBMITTED or review.submitted_at is None:
        raise ApplicationError(_("Only a submitted review can be disputed."))
    if review.scores_locked:
        raise Conflict(_("A dispute on this review was rejected: its scores are locked unless a QA lead reopens it."))
    if timezone.now() > review.submitted_at + timedelta(days=settings.dispute_window_days):
        raise ApplicationError(_("The dispute window of {days} days has closed.").format(days=settings.dispute_window_days))
    if review.disputes.open().exists():
        raise Conflict(_("This review already has an open dispute."))
    if not argument.strip():
        raise ApplicationError(_("Explain why you disagree: the argument is required."))
    if kind == DisputeKind.CRITERIA and not items:
        raise ApplicationError(_("Choose at least one criterion to contest."))
    ratings = {r.criterion_id: r for r in Rating.objects.filter(review=review).select_related("criterion")}
    for item in items:
        rating = ratings.get(item.criterion_id)
        if rating is None:
            raise ApplicationError(_("That criterion is not on this review."))
        if item.proposed_value is not None:
            _check_on_scale(rating, item.proposed_value)
    _check_not_settled(review=review, kind=kind, criteria=[ratings[i.criterion_id] for i in items])
    assignee = _qa_lead(excluding=actor) if settings.disputes_go_to_qa_lead else review.reviewer
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                review=review,
                raised_by=actor,
                assignee=assignee,
                kind=kind,
                argument=argument.strip(),
                due_at=timezone.now() + timedelta(days=settings.dispute_decision_days),
            )
    except IntegrityError as exc:  # the constraint behind the lock: one undecided dispute per review
        raise Conflict(_("This review already has an open dispute.")) from exc
    DisputeItem.objects.bulk_create(
        DisputeItem(
            dispute=dispute,
            criterion_id=item.criterion_id,
            original_value=ratings[item.criterion_id].value,
            proposed_value=item.proposed_value,
        )
        for item in items
    )
    audit_record(actor=actor, action=Action.DISPUTE, dispute=dispute, kind=kind, criteria=[i.criterion_id for i in items])
    _tell(dispute, assignee, "dispute_opened", gettext_noop("{agent} disputed review #{review}"), agent=actor.username)
    return dispute


def _check_not_settled(*, review: Review, kind: str, criteria: list[Rating]) -> None:
    """Each finding is disputed once: refuse criteria (or a crediting) already decided since the last reopening."""
    settled = settled_criterion_ids(review=review)
    again = [str(r.criterion) for r in criteria if r.criterion_id in settled]
    if again:
        raise ApplicationError(
            _("Already decided in an earlier dispute: {names}. Only a QA lead can reopen the review for a new look.").format(
                names=", ".join(again)
            )
        )
    if kind == DisputeKind.WRONG_AGENT and settled_disputes(review=review).filter(kind=DisputeKind.WRONG_AGENT).exists():
        raise ApplicationError(
            _("Who is credited was already decided in an earlier dispute. Only a QA lead can reopen the review for a new look.")
        )


def _lock(dispute: Dispute) -> Review:
    """Lock the dispute's review, then the dispute (in that order, as every service takes them), and re-read both in
    place; returns the review."""
    review = review_lock(review=dispute.review)
    dispute.refresh_from_db(from_queryset=Dispute.objects.select_for_update(no_key=True))
    return review


@transaction.atomic
def dispute_comment(*, dispute: Dispute, actor: User, body: str) -> DisputeMessage:
    """Add to the discussion; the agent, the assignee and QA leads may write (also after the decision)."""
    dispute.refresh_from_db()  # the assignee as it is now (an escalation may have changed it)
    if actor.pk not in (dispute.raised_by_id, dispute.assignee_id) and actor.role not in {Role.QA_LEAD, Role.ADMIN}:
        raise PermissionDenied(_("Only the people in this dispute can write in it."))
    if not body.strip():
        raise ApplicationError(_("The message is empty."))
    message = DisputeMessage.objects.create(dispute=dispute, author=actor, body=body.strip())
    audit_record(actor=actor, action=Action.COMMENT, dispute=dispute, message=message.pk)
    other = dispute.assignee if actor.pk == dispute.raised_by_id else dispute.raised_by
    _tell(dispute, other, "dispute_comment", gettext_noop("New message in the dispute on review #{review}"))
    return message


@transaction.atomic
def dispute_escalate(*, dispute: Dispute, actor: User) -> Dispute:
    """Hand an undecided dispute to a QA lead (the agent or the reviewer may ask)."""
    _lock(dispute)
    if actor.pk not in (dispute.raised_by_id, dispute.assignee_id) and actor.role not in {Role.QA_LEAD, Role.ADMIN}:
        raise PermissionDenied(_("Only the people in this dispute can escalate it."))
    if dispute.status != DisputeStatus.OPEN:
        raise Conflict(_("Only an open dispute can be escalated."))
    dispute.assignee = _qa_lead(excluding=dispute.raised_by)
    dispute.status = DisputeStatus.ESCALATED
    dispute.save(update_fields=["assignee", "status"])
    audit_record(actor=actor, action=Action.ESCALATE, dispute=dispute, assignee=dispute.assignee.username)
    _tell(dispute, dispute.assignee, "dispute_escalated", gettext_noop("A dispute on review #{review} was escalated to you"))
    return dispute


def dispute_check_decider(*, dispute: Dispute, actor: User) -> None:
    """Refuse anyone but the dispute's assignee or a QA lead (checked before their form is even read)."""
    if actor.pk != dispute.assignee_id and actor.role not in {Role.QA_LEAD, Role.ADMIN}:
        raise PermissionDenied(_("Only the person assigned to this dispute or a QA lead can decide it."))


@transaction.atomic
def dispute_decide(
    *,
    dispute: Dispute,
    actor: User,
    accepted: dict[int, int | bool | None],
    note: str,
    credit_agent: Agent | None = None,
) -> Dispute:
    """Decide every contested criterion: `accepted` maps criterion id -> the rating to set (or True for the
    agent's proposal); criteria left out are rejected. All accepted -> accepted, none -> rejected (scores locked),
    otherwise partially accepted. Accepted changes revise the review; the earlier revision stays visible.

    Two people deciding at once: the first decision stands, the second gets a Conflict and changes nothing.
    """
    review = _lock(dispute)
    dispute_check_decider(dispute=dispute, actor=actor)
    if dispute.status == DisputeStatus.DECIDED:
        raise Conflict(_("This dispute has already been decided."))
    if actor.pk == dispute.raised_by_id:
        raise PermissionDenied(_("You cannot decide a dispute you raised."))
    items = list(dispute.items.all())
    unknown = set(accepted) - {i.criterion_id for i in items}
    if unknown:
        raise ApplicationError(_("Only contested criteria can be decided."))
    credit_agent = _checked_credit(review=review, dispute=dispute, actor=actor, credit_agent=credit_agent)
    changes: dict[int, int | None] = {}
    for item in items:
        decision = accepted.get(item.criterion_id, False)
        item.accepted = decision is not False
        if item.accepted:
            value = item.proposed_value if decision is True else decision
            if value is None and item.proposed_value is None and decision is True:
                raise ApplicationError(_("Give the rating to set for an accepted criterion the agent proposed none for."))
            item.decided_value = value  # type: ignore[assignment]
            changes[item.criterion_id] = item.decided_value
        else:
            item.decided_value = item.original_value
    n_accepted = sum(1 for i in items if i.accepted) + (1 if credit_agent else 0)
    n_total = len(items) + (1 if dispute.kind == DisputeKind.WRONG_AGENT else 0)
    outcome = Outcome.REJECTED if n_accepted == 0 else Outcome.ACCEPTED if n_accepted == n_total else Outcome.PARTIAL
    if outcome == Outcome.REJECTED and not note.strip():
        raise ApplicationError(_("Give the reason for rejecting the dispute."))
    DisputeItem.objects.bulk_update(items, ["accepted", "decided_value"])
    if changes or credit_agent:
        review = review_revise(review=review, actor=actor, values=changes, reason=note, dispute=dispute, agent=credit_agent)
    if outcome == Outcome.REJECTED:
        review.scores_locked = True
        review.save(update_fields=["scores_locked", "updated_at"])
    dispute.status, dispute.outcome, dispute.decision_note = DisputeStatus.DECIDED, outcome, note.strip()
    dispute.decided_by, dispute.decided_at = actor, timezone.now()
    dispute.save(update_fields=["status", "outcome", "decision_note", "decided_by", "decided_at"])
    audit_record(
        actor=actor, action=Action.DECIDE, dispute=dispute, outcome=outcome, changes={str(k): v for k, v in changes.items()}
    )
    # The agent can always open their own dispute (disputes.querysets), even once the review is credited to another.
    _tell(dispute, dispute.raised_by, "dispute_decided", gettext_noop("Your dispute on review #{review} was decided"))
    if credit_agent is not None and credit_agent.user is not None:
        notify(
            recipient=credit_agent.user,
            kind="review_credited",
            subject=gettext_noop("Review #{review} was credited to you after a dispute"),
            params={"review": review.pk},
            url=reverse("reviews:detail", args=[review.pk]),
        )
    return dispute


def _checked_credit(*, review: Review, dispute: Dispute, actor: User, credit_agent: Agent | None) -> Agent | None:
    """The agent a decision credits the review to (None: unchanged), after the crediting rules."""
    if credit_agent is None or credit_agent.pk == review.agent_id:
        return None
    if dispute.kind != DisputeKind.WRONG_AGENT:
        raise ApplicationError(_("Only a wrong-agent dispute can change who is credited."))
    interaction = review.interaction
    handlers = interaction_handler_ids(interaction)
    if credit_agent.pk not in handlers:
        names = ", ".join(sorted(str(a) for a in Agent.objects.filter(pk__in=handlers)))
        raise ApplicationError(
            _("{agent} did not handle this contact: credit one of the agents who did ({names}).").format(
                agent=credit_agent, names=names or "—"
            )
        )
    check_not_self_review(reviewer_id=review.reviewer_id, agent=credit_agent)
    if credit_agent.user_id == actor.pk and not OrgSettings.load().allow_self_review:
        raise PermissionDenied(_("You cannot credit a review to yourself: self-review is not allowed."))
    return credit_agent


@transaction.atomic
def review_reopen(*, review: Review, actor: User) -> Review:
    """A QA lead lets the agent dispute the review again: it unlocks scores locked by a rejected dispute and makes the
    findings decided in earlier disputes disputable once more."""
    review = review_lock(review=review)
    if actor.role not in {Role.QA_LEAD, Role.ADMIN}:
        raise PermissionDenied(_("Only a QA lead can reopen a review."))
    if review.agent.user_id == actor.pk:
        raise PermissionDenied(_("You cannot reopen a review of your own work."))
    if not review.scores_locked and not settled_disputes(review=review).exists():
        raise Conflict(_("There is nothing to reopen: the review is not locked and has no decided dispute."))
    review.scores_locked = False
    review.reopened_at = timezone.now()
    review.save(update_fields=["scores_locked", "reopened_at", "updated_at"])
    audit_record(actor=actor, action=Action.REOPEN, review=review)
    return review


def interaction_handler_ids(interaction: Interaction) -> set[int]:
    """The agents who handled the contact: its (last) agent and everyone in its handlers list."""
    handlers = set(interaction.handlers.values_list("agent_id", flat=True))
    return handlers | {interaction.agent_id} if interaction.agent_id else handlers


def _check_on_scale(rating: Rating, value: int) -> None:
    try:
        criterion_score(rating.criterion.scale, value)
    except ScoringError as exc:
        raise ApplicationError(
            _("Rating {value} is not on the scale of “{criterion}”.").format(value=value, criterion=rating.criterion)
        ) from exc


def _qa_lead(*, excluding: User) -> User:
    """The QA lead who takes a dispute: never the person who raised it (a QA lead may be an agent too)."""
    lead = User.objects.filter(role=Role.QA_LEAD, is_active=True).exclude(pk=excluding.pk).order_by("pk").first()
    if lead is None:
        raise ApplicationError(_("There is no active QA lead to take the dispute."))
    return lead


def _tell(dispute: Dispute, recipient: User, kind: str, subject: str, **params: str) -> None:
    notify(
        recipient=recipient,
        kind=kind,
        subject=subject,
        params={"review": dispute.review_id, **params},
        url=reverse("disputes:detail", args=[dispute.pk]),
    )
