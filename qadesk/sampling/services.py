"""Sampling writes: plans, and the draw that turns a plan into reviewers' assignments."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from qadesk.accounts.models import Role, User
from qadesk.core.errors import ApplicationError, InvalidInput, PermissionDenied
from qadesk.core.models import JobRun, JobStatus
from qadesk.core.services import job_enqueue
from qadesk.interactions.languages import language_name, language_primary
from qadesk.interactions.models import Interaction
from qadesk.reviews.services import assignments_create
from qadesk.sampling import draw as sampling_draw
from qadesk.sampling.candidates import candidate_rows
from qadesk.sampling.filters import sampling_filters_check
from qadesk.sampling.models import SamplingPlan, SamplingRun, SamplingRunItem
from qadesk.sampling.periods import last_complete_period, period_end

logger = logging.getLogger(__name__)

JOB_KIND = "sampling"
PLAN_FIELDS: tuple[str, ...] = ("name", "n_per_agent", "period", "strata", "filters", "risk_boosts", "exclude_own_team")
PLAN_FIELDS += ("due_days", "seed", "auto_run", "is_active")


def _require_lead(actor: User) -> None:
    if actor.role not in {Role.QA_LEAD, Role.ADMIN}:
        raise PermissionDenied(_("Only QA leads can manage sampling plans."))


def _validate(data: dict[str, Any]) -> None:
    strata = data.get("strata") or {}
    unknown = set(strata.get("by", [])) - set(sampling_draw.DIMENSIONS)
    if unknown:
        raise ApplicationError(_("Unknown stratum dimension: {names}.").format(names=", ".join(sorted(unknown))))
    proportions = strata.get("proportions") or {}
    if any(_number(v) < 0 for v in proportions.values()):
        raise ApplicationError(_("Stratum proportions cannot be negative."))
    _check_strata(list(strata.get("by") or []), proportions)
    if any(_number(v) < 0 for v in (data.get("risk_boosts") or {}).values()):
        raise ApplicationError(_("Risk boosts cannot be negative."))
    if data.get("filters") is not None:
        sampling_filters_check(data["filters"])


def _check_strata(by: list[str], proportions: dict[str, Any]) -> None:
    """A stratified plan says each stratum's share, one value per dimension in each key ("Milano|phone" for site and
    channel): without shares the draw could not stratify, and would silently draw as if unstratified."""
    field = ("strata", "proportions")
    if by and not any(_number(v) > 0 for v in proportions.values()):
        example = "|".join(sampling_draw.EXAMPLES.get(d, d) for d in by)
        raise InvalidInput(
            _("Give the share of each stratum to draw, one per line, such as “{example} = 50”.").format(example=example),
            field=field,
        )
    if proportions and not by:
        raise InvalidInput(_("Choose what to stratify by, or leave the proportions empty."), field=field)
    wrong = sorted(key for key in proportions if len(str(key).split("|")) != len(by))
    if wrong:
        raise InvalidInput(
            _("{keys}: each stratum needs one value per dimension ({dimensions}), separated by “|”.").format(
                keys=", ".join(wrong), dimensions=" | ".join(by)
            ),
            field=field,
        )


def _number(value: Any) -> float:
    """A stratum share or a risk boost as a number; anything else is refused (it would break the draw later)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ApplicationError(_("{value} is not a number").format(value=value)) from None


def sampling_plan_create(*, actor: User, reviewers: list[User], **data: Any) -> SamplingPlan:
    """Create a plan (QA leads and admins); a missing seed is chosen at random and stored."""
    _require_lead(actor)
    _validate(data)
    if data.get("seed") is None:
        import secrets

        data["seed"] = secrets.randbelow(2**31)
    plan = SamplingPlan.objects.create(created_by=actor, **{k: v for k, v in data.items() if k in PLAN_FIELDS})
    sampling_plan_set_reviewers(plan=plan, reviewers=reviewers)
    return plan


def sampling_plan_update(*, plan: SamplingPlan, actor: User, reviewers: list[User] | None = None, **data: Any) -> SamplingPlan:
    """Change a plan's settings (QA leads and admins); past runs keep the seed they used."""
    _require_lead(actor)
    _validate(data)
    for field, value in data.items():
        if field in PLAN_FIELDS and value is not None:
            setattr(plan, field, value)
    plan.save()
    if reviewers is not None:
        sampling_plan_set_reviewers(plan=plan, reviewers=reviewers)
    return plan


def sampling_plan_set_reviewers(*, plan: SamplingPlan, reviewers: list[User]) -> None:
    """Set who reviews the plan's draws; only people who can review qualify."""
    wrong = [r.username for r in reviewers if not r.can_review]
    if wrong:
        raise ApplicationError(_("{user} cannot review interactions.").format(user=", ".join(wrong)))
    plan.reviewers.set(reviewers)


def _reviewers(plan: SamplingPlan) -> list[sampling_draw.Reviewer]:
    users = plan.reviewers.filter(is_active=True).select_related("agent").order_by("id")
    return [
        sampling_draw.Reviewer(
            u.pk,
            getattr(getattr(u, "agent", None), "pk", None),
            u.team_id,
            frozenset(language_primary(tag) for tag in u.review_languages or []),
        )
        for u in users
        if u.can_review
    ]


def sampling_plan_run(
    *, plan: SamplingPlan, actor: User | None, period_start: date | None = None, job: JobRun | None = None
) -> SamplingRun | None:
    """Draw the plan's sample for one period and put it in reviewers' queues, recording a JobRun.

    A period already drawn is skipped (returns None), so running twice never double-assigns.
    Assignments go through `assignments_create` once per reviewer (a handful of calls, not one per pick).
    """
    assigner = actor or plan.created_by
    start = period_start or last_complete_period(plan.period, timezone.localdate())
    end = period_end(plan.period, start)
    job = job or JobRun.objects.create(kind=JOB_KIND, created_by=actor, params={"plan": plan.pk, "period_start": str(start)})
    job.start()
    try:
        _check_stored_plan(plan)
        with transaction.atomic():
            # The plan row lock serialises concurrent runs of the same plan; the unique constraint backs it up.
            SamplingPlan.objects.select_for_update().filter(pk=plan.pk).first()
            if SamplingRun.objects.filter(plan=plan, period_start=start).exists():
                job.finish(status=JobStatus.SKIPPED, log=_("Period {start} was already drawn.").format(start=date_format(start)))
                return None
            run = _draw(plan=plan, assigner=assigner, start=start, end=end, job=job)
    except (ApplicationError, IntegrityError) as exc:
        job.finish(status=JobStatus.FAILED, log=str(exc))
        raise
    except Exception as exc:
        logger.exception("sampling run of plan %s failed", plan.pk)
        job.finish(status=JobStatus.FAILED, log=repr(exc))
        raise
    job.finish(status=JobStatus.SUCCEEDED, counts={"candidates": run.candidates, "drawn": run.drawn, "assigned": run.assigned})
    return run


def _check_stored_plan(plan: SamplingPlan) -> None:
    """A plan saved before its filters were checked (or changed in the database) is reported, not drawn."""
    try:
        sampling_filters_check(plan.filters or {})
    except InvalidInput as exc:
        where = ".".join(exc.field)
        raise ApplicationError(
            _("Plan {plan} has an invalid filter: {field}: {reason}").format(plan=plan.pk, field=where, reason=exc.message)
        ) from None


def _draw(*, plan: SamplingPlan, assigner: User, start: date, end: date, job: JobRun) -> SamplingRun:
    strata = plan.strata or {}
    spec = sampling_draw.PlanSpec(
        n_per_agent=plan.n_per_agent,
        by=tuple(strata.get("by", ())),
        proportions={k: float(v) for k, v in (strata.get("proportions") or {}).items()},
        boosts={k: float(v) for k, v in (plan.risk_boosts or {}).items()},
    )
    rows = candidate_rows(plan=plan, start=start, end=end)
    sample = sampling_draw.draw_rows(rows, spec, plan.seed, sampling_draw.flag_weights(spec.boosts))
    ids = [row[0] for row in sample.picks]
    languages = dict(Interaction.objects.filter(pk__in=ids).values_list("pk", "language"))  # the picks only
    picks = [
        sampling_draw.Pick(row_id, agent_id, team_id, key, language_primary(languages.get(row_id)))
        for row_id, agent_id, key, _mask, team_id in sample.picks
    ]
    flags_of = {row[0]: sampling_draw.flags_of_mask(row[3]) for row in sample.picks}
    reviewer_specs = _reviewers(plan)
    loads, orphans = sampling_draw.spread(picks, reviewer_specs, plan.exclude_own_team)
    mismatched = sampling_draw.language_mismatches(loads, reviewer_specs)
    run = SamplingRun.objects.create(
        plan=plan,
        period_start=start,
        period_end=end,
        seed=plan.seed,
        candidates=rows.count,
        drawn=len(sample.picks),
        per_stratum={"counts": sample.per_stratum, "targets": sample.targets},
        job=job,
    )
    due_at = timezone.now() + timedelta(days=plan.due_days)
    reviewers = {u.pk: u for u in plan.reviewers.all()}
    stratum_of = {pick.id: pick.stratum for pick in picks}
    items: list[SamplingRunItem] = []
    # Reviewers in id order: assignments_create locks each reviewer's row, and two runs (or a run and a manual
    # assignment) taking those locks in the same order never deadlock.
    for user_id, share in sorted(loads.items()):
        if not share:
            continue
        created = assignments_create(
            interactions=[Interaction(pk=pick.id) for pick in share],
            reviewer=reviewers[user_id],
            actor=assigner,
            due_at=due_at,
            open_elsewhere="skip",  # one already in another queue stays there
        )
        items += [
            SamplingRunItem(run=run, assignment=a, stratum=stratum_of[a.interaction_id], risk_flags=flags_of[a.interaction_id])
            for a in created
        ]
    SamplingRunItem.objects.bulk_create(items)
    run.assigned = len(items)
    run.save(update_fields=["assigned"])
    log = [
        _("Drew {drawn} of {candidates} interactions; assigned {assigned}.").format(
            drawn=run.drawn, candidates=run.candidates, assigned=run.assigned
        )
    ]
    if orphans:
        log.append(_("{count} interactions had no eligible reviewer.").format(count=len(orphans)))
    if mismatched:
        ui = get_language() or "en"
        named = ", ".join(f"{language_name(tag, ui)} ({n})" for tag, n in sorted(mismatched.items()))
        log.append(
            _(
                "Interactions in a language none of their eligible reviewers reviews went to another reviewer: {languages}."
            ).format(languages=named)
        )
    job.log = "\n".join([job.log, *log]).strip()  # after what an earlier attempt logged
    return run


def sampling_plan_enqueue(*, plan: SamplingPlan, actor: User | None, period_start: date | None = None) -> JobRun:
    """Queue a background run of the plan once the current transaction commits; returns its JobRun.

    A run whose worker died is queued once more (two attempts): a draw is safe to repeat. It runs in one transaction,
    so a worker killed mid-draw committed nothing, and a period that was drawn is skipped (plan row lock and the
    once-per-period constraint). Not more than once more: a draw that kills its worker (memory) would kill the next.
    """
    if actor is not None:
        _require_lead(actor)
    start = period_start or last_complete_period(plan.period, timezone.localdate())
    job = JobRun.objects.create(kind=JOB_KIND, created_by=actor, params={"plan": plan.pk, "period_start": str(start)})
    from qadesk.sampling.tasks import run_sampling_plan

    return job_enqueue(job=job, task=run_sampling_plan, args=[plan.pk, start.isoformat(), job.pk], max_attempts=2)
