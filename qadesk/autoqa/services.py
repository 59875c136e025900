"""Running the detectors over interactions and storing what they found (docs/autoqa.md).

Work goes in batches of interactions, each batch in its own transaction: a job stopped mid-way keeps what it
finished, and the next run starts with the interactions still due (AutoCheck). The same detector version never runs
twice on the same transcript; results are upserted on (interaction, detector, version), so a race between two runs
cannot duplicate a row either.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from qadesk.accounts.models import Role, User
from qadesk.autoqa.custom import CustomSpec, custom_detector, rules_digest
from qadesk.autoqa.engine import Conversation, Detector, Event, Msg, SopSpec, detector_signature, detectors
from qadesk.autoqa.models import AutoCheck, AutoResult, CustomCriterion
from qadesk.core.days import day_start, next_day_start
from qadesk.core.errors import PermissionDenied
from qadesk.core.models import JobRun, JobStatus
from qadesk.core.services import job_enqueue
from qadesk.interactions.models import AuthorRole, Interaction, Message, Sop
from qadesk.interactions.selectors import interaction_transcripts

JOB_KIND = "autoqa"
BATCH_SIZE = 500  # interactions per transaction: what a stopped job may have to do again


def message_text(body: str, body_format: str) -> str:
    """What detectors read of a body: plain text as it is; an HTML body without its tags (spans index this text)."""
    return strip_tags(body) if body_format == "html" else body


def conversation_of(
    interaction: Interaction | Mapping[str, Any],
    rows: list[dict[str, Any]],
    *,
    events: tuple[Event, ...] = (),
    sops: Mapping[str, SopSpec] | None = None,
) -> Conversation:
    """A Conversation from an interaction (or its values, with `label__code` and `sop__code`), its transcript rows
    (interaction_transcripts), its events and the SOP catalogue."""
    values = interaction
    if isinstance(values, Interaction):
        label, sop = (values.label.code if values.label else ""), (values.sop.code if values.sop else "")
        get = lambda name: getattr(values, name)  # noqa: E731
    else:
        label, sop, get = values.get("label__code") or "", values.get("sop__code") or "", values.get
    messages = tuple(
        Msg(row["id"], row["author_role"], message_text(row["body"], row["body_format"]), row["sent_at"], row.get("position", 0))
        for row in rows
    )
    return Conversation(
        messages,
        language=(get("language") or "").split("-")[0].lower(),
        channel=get("channel") or "",
        events=events,
        label=label,
        sop=sop,
        sops=sops or {},
    )


def sop_catalogue() -> tuple[dict[str, SopSpec], str]:
    """The SOP catalogue as the process checks read it, and its digest ("" when empty): a changed SOP makes every
    interaction due again."""
    from qadesk.interactions.sops import steps_read

    specs = {
        sop.code: SopSpec(sop.code, frozenset(label.code for label in sop.labels.all()), tuple(steps_read(sop.steps)))
        for sop in Sop.objects.prefetch_related("labels")
    }
    if not specs:
        return specs, ""
    return specs, rules_digest(sops=[[s.code, sorted(s.labels), list(s.steps)] for s in specs.values()])


def custom_detectors() -> list[Detector]:
    """The active custom criteria as detectors (code `custom:<code>`, at their current version)."""
    return [
        custom_detector(
            CustomSpec(c.code, c.version, c.criterion, c.rule, c.speaker, c.part, c.phrases or {}, c.patterns or {}, c.impact)
        )
        for c in CustomCriterion.objects.filter(active=True)
    ]


def current_detectors() -> list[Detector]:
    """Every detector that runs now: the built-in ones, the active custom criteria and the contact-reason classifier
    (when a model this installation trusts is trained)."""
    from qadesk.autoqa.label_model import classifier_detectors

    return [*detectors(), *custom_detectors(), *classifier_detectors()]


def events_of(interaction_ids: list[int]) -> dict[int, tuple[Event, ...]]:
    """The actions and system events of these interactions, in transcript order, in one query."""
    rows = (
        Message.objects.filter(interaction_id__in=interaction_ids, author_role=AuthorRole.EVENT)
        .order_by("interaction_id", "position")
        .values_list("interaction_id", "pk", "event_name", "position", "event_parameters")
    )
    found: dict[int, list[Event]] = {}
    for interaction_id, pk, name, position, parameters in rows:
        found.setdefault(interaction_id, []).append(Event(pk, name, position, parameters or {}))
    return {pk: tuple(events) for pk, events in found.items()}


def autoqa_check_allowed(*, actor: User) -> None:
    """Running the detectors on demand is for QA leads and admins (it writes results for the whole organisation)."""
    if not (actor.is_superuser or actor.role in {Role.ADMIN, Role.QA_LEAD}):
        raise PermissionDenied(_("Only QA leads and admins can run the automatic checks."))


def autoqa_due(
    interactions: QuerySet[Interaction], chosen: list[Detector] | None = None, catalogue_digest: str | None = None
) -> QuerySet[Interaction]:
    """The interactions whose transcript these detector versions (and this SOP catalogue) have not read yet."""
    digest = sop_catalogue()[1] if catalogue_digest is None else catalogue_digest
    signature = detector_signature(chosen or current_detectors(), digest)
    done = AutoCheck.objects.filter(interaction=OuterRef("pk"), signature=signature, transcript_hash=OuterRef("transcript_hash"))
    return interactions.filter(~Exists(done))


@transaction.atomic
def autoqa_check_batch(*, interaction_ids: list[int], chosen: list[Detector] | None = None) -> int:
    """Run the detectors on these interactions and store results and checks; returns how many were checked."""
    chosen = chosen or current_detectors()
    sops, digest = sop_catalogue()
    signature = detector_signature(chosen, digest)
    heads = list(
        Interaction.objects.filter(pk__in=interaction_ids).values(
            "pk", "language", "channel", "transcript_hash", "label__code", "sop__code"
        )
    )
    transcripts = interaction_transcripts(interaction_ids=[h["pk"] for h in heads])
    events = events_of([h["pk"] for h in heads])
    conversations = [
        conversation_of(head, transcripts[head["pk"]], events=events.get(head["pk"], ()), sops=sops) for head in heads
    ]
    batched = {d.code: d.batch(conversations) for d in chosen if d.batch is not None}
    results, checks = [], []
    for index, (head, conversation) in enumerate(zip(heads, conversations, strict=True)):
        for detector in chosen:
            finding = batched[detector.code][index] if detector.code in batched else detector.check(conversation)
            results.append(
                AutoResult(
                    interaction_id=head["pk"],
                    detector=detector.code,
                    version=detector.version,
                    criterion=detector.criterion,
                    language=finding.language,
                    verdict=finding.verdict,
                    confidence=finding.confidence,
                    impact=(detector.impact if finding.impact is None else finding.impact) if finding.verdict == "fail" else "",
                    evidence=[span.as_dict() for span in finding.evidence],
                )
            )
        checks.append(AutoCheck(interaction_id=head["pk"], signature=signature, transcript_hash=head["transcript_hash"]))
    AutoResult.objects.bulk_create(
        results,
        update_conflicts=True,
        unique_fields=["interaction", "detector", "version"],
        update_fields=["criterion", "language", "verdict", "confidence", "impact", "evidence"],
    )
    AutoCheck.objects.bulk_create(
        checks, update_conflicts=True, unique_fields=["interaction"], update_fields=["signature", "transcript_hash", "checked_at"]
    )
    return len(heads)


def _scope(params: dict[str, Any]) -> QuerySet[Interaction]:
    qs = Interaction.objects.all()
    if params.get("interaction"):
        qs = qs.filter(pk=int(params["interaction"]))
    if params.get("date_from"):
        qs = qs.filter(created_at__gte=day_start(date.fromisoformat(params["date_from"])))
    if params.get("date_to"):
        qs = qs.filter(created_at__lt=next_day_start(date.fromisoformat(params["date_to"])))
    return qs


def autoqa_run(*, params: dict[str, Any] | None = None, job: JobRun | None = None, batch_size: int = BATCH_SIZE) -> JobRun:
    """Check every due interaction in scope (params: interaction, date_from, date_to as ISO dates), batch by batch,
    in id order, recording progress and counts on the JobRun."""
    params = params or {}
    job = job or JobRun.objects.create(kind=JOB_KIND, params=params)
    job.start()
    chosen = current_detectors()
    _retrain_if_stale()
    due = autoqa_due(_scope(params), chosen).order_by("pk")
    total, done, last = due.count(), 0, 0
    try:
        while ids := list(due.filter(pk__gt=last).values_list("pk", flat=True)[:batch_size]):
            done += autoqa_check_batch(interaction_ids=ids, chosen=chosen)
            last = ids[-1]
            JobRun.objects.filter(pk=job.pk).update(
                progress=min(99, done * 100 // max(total, 1)), counts={"due": total, "checked": done}
            )
    except Exception as exc:
        job.finish(status=JobStatus.FAILED, counts={"due": total, "checked": done}, log=str(exc))
        raise
    log = _("{checked} interactions checked by {detectors} detectors.").format(checked=done, detectors=len(chosen))
    job.finish(status=JobStatus.SUCCEEDED, counts={"due": total, "checked": done}, log=log)
    return job


def _retrain_if_stale() -> None:
    """A model written by another scikit-learn version is not used (it is left out of `current_detectors`): queue its
    retraining."""
    from qadesk.autoqa.label_model import JOB_KIND as TRAIN_KIND
    from qadesk.autoqa.label_model import classifier_enqueue, classifier_stale

    if classifier_stale() and not JobRun.objects.filter(kind=TRAIN_KIND, status=JobStatus.QUEUED).exists():
        with transaction.atomic():
            classifier_enqueue(actor=None, params={"trigger": "stale", "force": True})


def autoqa_enqueue(*, actor: User | None, params: dict[str, Any] | None = None) -> JobRun:
    """Queue a run for the worker once the current transaction commits; safe to run again, so a worker that dies
    has it queued again (it restarts with what is still due)."""
    if actor is not None:
        autoqa_check_allowed(actor=actor)
    from qadesk.autoqa.tasks import run_autoqa

    job = JobRun.objects.create(kind=JOB_KIND, created_by=actor, params=params or {})
    return job_enqueue(job=job, task=run_autoqa, args=[job.pk], max_attempts=3)


def autoqa_after_import() -> JobRun | None:
    """After an import that created or changed interactions: queue a run over everything due, unless one is already
    waiting to start (it will see these too). Off with QADESK_AUTOQA_AFTER_IMPORT=false."""
    if not settings.QADESK_AUTOQA_AFTER_IMPORT:
        return None
    if JobRun.objects.filter(kind=JOB_KIND, status=JobStatus.QUEUED, params__trigger="import").exists():
        return None
    return autoqa_enqueue(actor=None, params={"trigger": "import"})


def autoqa_checked_now(*, interaction: Interaction) -> int:
    """Check one interaction at once if it is due (the interaction page's "check now"); returns 0 or 1."""
    if not autoqa_due(Interaction.objects.filter(pk=interaction.pk)).exists():
        return 0
    return autoqa_check_batch(interaction_ids=[interaction.pk])
