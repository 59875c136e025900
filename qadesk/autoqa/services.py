"""Running the detectors over interactions and storing what they found (docs/autoqa.md).

Work goes in batches of interactions, each batch in its own transaction: a job stopped mid-way keeps what it
finished, and the next run starts with the interactions still due (AutoCheck). The same detector version never runs
twice on the same transcript; results are upserted on (interaction, detector, version), so a race between two runs
cannot duplicate a row either.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from qadesk.accounts.models import Role, User
from qadesk.autoqa.custom import PREFIX, CustomSpec, custom_detector, rules_digest
from qadesk.autoqa.engine import NA, Conversation, Detector, Event, Finding, Msg, SopSpec, detector_signature, detectors, na
from qadesk.autoqa.models import (
    KEY_ENV_PREFIX,
    AutoCheck,
    AutoResult,
    CustomCriterion,
    Kind,
    PromptAnswer,
    PromptEndpoint,
    PromptUsage,
)
from qadesk.autoqa.prompt import (
    BudgetExhausted,
    Endpoint,
    MalformedAnswer,
    Masked,
    PromptSpec,
    PromptUnavailable,
    evidence_spans,
    masked_transcript,
    prompt_answer,
    transcript_digest,
)
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
        agent_name = values.agent.display_name if values.agent else ""
        get = lambda name: getattr(values, name)  # noqa: E731
    else:
        label, sop, get = values.get("label__code") or "", values.get("sop__code") or "", values.get
        agent_name = values.get("agent__display_name") or ""
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
        names=(agent_name,) if agent_name else (),
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


def endpoint_key(endpoint: PromptEndpoint) -> str | None:
    """The endpoint's key, read now from its QADESK_LLM_* variable or its file in QADESK_LLM_KEY_DIR; "" when it
    needs none; None when it is configured but missing (its criteria then do not run)."""
    if endpoint.api_key_env:
        if not endpoint.api_key_env.startswith(KEY_ENV_PREFIX):
            return None
        return os.environ.get(endpoint.api_key_env, "").strip() or None
    if endpoint.api_key_file:
        if not settings.QADESK_LLM_KEY_DIR:
            return None
        directory = Path(settings.QADESK_LLM_KEY_DIR).resolve()
        path = (directory / endpoint.api_key_file).resolve()
        if path.parent != directory:
            return None
        try:
            return path.read_text(encoding="utf-8").strip() or None
        except OSError:
            return None
    return ""


def prompt_budget_reserve(*, endpoint: PromptEndpoint) -> None:
    """Count one request in today's budget, or raise BudgetExhausted: checked and counted in one UPDATE."""
    day = timezone.localdate()
    PromptUsage.objects.get_or_create(endpoint=endpoint, day=day)
    rows = PromptUsage.objects.filter(endpoint=endpoint, day=day, calls__lt=endpoint.daily_calls)
    if endpoint.daily_tokens:
        rows = rows.filter(tokens__lt=endpoint.daily_tokens)
    if not rows.update(calls=F("calls") + 1):
        raise BudgetExhausted(_("Today's budget of this endpoint is spent."))


def _prompt_error(endpoint: PromptEndpoint, error: str) -> None:
    PromptEndpoint.objects.filter(pk=endpoint.pk).update(last_error=error[:1000], last_error_at=timezone.now())


def _prompt_ask(
    endpoint: PromptEndpoint, target: Endpoint, spec: PromptSpec, masked: list[Masked], language: str, digest: str
) -> PromptAnswer:
    """Ask once and record the answer (or the malformed one): the cache row for this transcript and version."""
    row = PromptAnswer(code=spec.code, version=spec.version, transcript_hash=digest, ok=False)
    try:
        answer = prompt_answer(target, spec, masked, language, reserve=lambda: prompt_budget_reserve(endpoint=endpoint))
    except MalformedAnswer as exc:
        row.error = str(exc)[:1000]
        _prompt_error(endpoint, row.error)
    else:
        row.ok, row.verdict, row.confidence, row.tokens = True, answer.verdict, answer.confidence, answer.tokens
        row.quotes = [[number, quote] for number, quote in answer.quotes]
        if answer.tokens:
            PromptUsage.objects.filter(endpoint=endpoint, day=timezone.localdate()).update(tokens=F("tokens") + answer.tokens)
    PromptAnswer.objects.bulk_create([row], ignore_conflicts=True)  # two workers asking at once: the first one stays
    return row


def prompt_detector(criterion: CustomCriterion, endpoint: PromptEndpoint, key: str) -> Detector:
    """A prompt criterion as a detector. Its check masks the transcript, answers from the cache (criterion code,
    version, digest of what is sent) or asks the endpoint; PromptUnavailable when it cannot answer now — and, for the
    rest of this run, without asking again (an endpoint that is down or out of budget is not hammered)."""
    spec = PromptSpec(criterion.code, criterion.version, criterion.criterion, dict(criterion.instructions), criterion.impact)
    target = Endpoint(endpoint.base_url, endpoint.model, key or None, endpoint.timeout, endpoint.retries)
    failures: list[str] = []

    def check(conv: Conversation) -> Finding:
        language = conv.rules_language
        if not conv.messages or language not in spec.instructions:
            return na(language)
        masked = masked_transcript(conv.messages)
        digest = transcript_digest(masked, language)
        row = PromptAnswer.objects.filter(code=spec.code, version=spec.version, transcript_hash=digest).first()
        if row is None:
            if failures:
                raise PromptUnavailable(failures[0])
            try:
                row = _prompt_ask(endpoint, target, spec, masked, language, digest)
            except PromptUnavailable as exc:
                failures.append(str(exc))
                _prompt_error(endpoint, str(exc))
                raise
        if not row.ok:  # a malformed answer: recorded on the row, never asked again for this version
            return Finding(NA, 0.0, (), language)
        return Finding(row.verdict, row.confidence, evidence_spans(masked, [(int(n), str(q)) for n, q in row.quotes]), language)

    return Detector(
        code=PREFIX + spec.code,
        version=spec.version,
        criterion=spec.criterion or spec.code,
        languages=tuple(sorted(spec.instructions)),
        impact=spec.impact,
        check=check,
    )


def custom_detectors() -> list[Detector]:
    """The active custom criteria as detectors (code `custom:<code>`, at their current version); a prompt criterion
    only when its endpoint is active and its key can be read."""
    found = []
    for c in CustomCriterion.objects.filter(active=True).select_related("endpoint"):
        if c.kind == Kind.PROMPT:
            key = endpoint_key(c.endpoint) if c.endpoint and c.endpoint.active and c.instructions else None
            if key is not None and c.endpoint is not None:
                found.append(prompt_detector(c, c.endpoint, key))
            continue
        spec = CustomSpec(c.code, c.version, c.criterion, c.rule, c.speaker, c.part, c.phrases or {}, c.patterns or {}, c.impact)
        found.append(custom_detector(spec))
    return found


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


def custom_criterion_save(*, actor: User, criterion: CustomCriterion) -> CustomCriterion:
    """Create or change a custom criterion (QA leads and admins); a change of what decides its verdicts raises its
    version (CustomCriterion.save), so every interaction is due again."""
    autoqa_check_allowed(actor=actor)
    criterion.save()
    return criterion


def autoqa_due(
    interactions: QuerySet[Interaction], chosen: list[Detector] | None = None, catalogue_digest: str | None = None
) -> QuerySet[Interaction]:
    """The interactions whose transcript these detector versions (and this SOP catalogue) have not read yet."""
    digest = sop_catalogue()[1] if catalogue_digest is None else catalogue_digest
    signature = detector_signature(chosen or current_detectors(), digest)
    done = AutoCheck.objects.filter(interaction=OuterRef("pk"), signature=signature, transcript_hash=OuterRef("transcript_hash"))
    return interactions.filter(~Exists(done))


def autoqa_check_batch(*, interaction_ids: list[int], chosen: list[Detector] | None = None) -> int:
    """Run the detectors on these interactions and store results and checks; returns how many were checked. The
    detectors run before the transaction that stores the batch (prompt criteria wait for their endpoint); an
    interaction a prompt criterion could not judge now gets its other results but no check: it stays due."""
    chosen = chosen or current_detectors()
    sops, digest = sop_catalogue()
    signature = detector_signature(chosen, digest)
    heads = list(
        Interaction.objects.filter(pk__in=interaction_ids).values(
            "pk", "language", "channel", "transcript_hash", "label__code", "sop__code", "agent__display_name"
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
        complete = True
        for detector in chosen:
            if detector.code in batched:
                finding = batched[detector.code][index]
            else:
                try:
                    finding = detector.check(conversation)
                except PromptUnavailable:
                    complete = False
                    continue
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
        if complete:
            checks.append(AutoCheck(interaction_id=head["pk"], signature=signature, transcript_hash=head["transcript_hash"]))
    with transaction.atomic():
        _store(results, checks)
    return len(checks)


def _store(results: list[AutoResult], checks: list[AutoCheck]) -> None:
    AutoResult.objects.bulk_create(
        results,
        update_conflicts=True,
        unique_fields=["interaction", "detector", "version"],
        update_fields=["criterion", "language", "verdict", "confidence", "impact", "evidence"],
    )
    AutoCheck.objects.bulk_create(
        checks, update_conflicts=True, unique_fields=["interaction"], update_fields=["signature", "transcript_hash", "checked_at"]
    )


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
    total, done, deferred, last = due.count(), 0, 0, 0
    counts: dict[str, object] = {"due": total, "checked": 0}
    try:
        while ids := list(due.filter(pk__gt=last).values_list("pk", flat=True)[:batch_size]):
            checked = autoqa_check_batch(interaction_ids=ids, chosen=chosen)
            done, deferred, last = done + checked, deferred + len(ids) - checked, ids[-1]
            counts = {"due": total, "checked": done}
            if deferred:
                counts["deferred"] = deferred
            JobRun.objects.filter(pk=job.pk).update(progress=min(99, (done + deferred) * 100 // max(total, 1)), counts=counts)
    except Exception as exc:
        job.finish(status=JobStatus.FAILED, counts=counts, log=str(exc))
        raise
    log = _("{checked} interactions checked by {detectors} detectors.").format(checked=done, detectors=len(chosen))
    if deferred:
        log += " " + _(
            "{n} left due: a language model endpoint could not answer or today's budget is spent (see its last error)."
        ).format(n=deferred)
    job.finish(status=JobStatus.SUCCEEDED, counts=counts, log=log)
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


def autoqa_checked_now(*, interaction: Interaction) -> int | None:
    """Check one interaction at once if it is due (the interaction page's "check now"): None when it was not due, 1
    when checked, 0 when a prompt criterion's endpoint could not answer now (it stays due). Not in a transaction of
    its own: the endpoint is asked before the results are stored, in theirs."""
    if not autoqa_due(Interaction.objects.filter(pk=interaction.pk)).exists():
        return None
    return autoqa_check_batch(interaction_ids=[interaction.pk])
