"""Reading automatic results: one interaction's, as its page and the API show them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qadesk.accounts.models import User
from qadesk.autoqa.classifier import CrossValidation
from qadesk.autoqa.custom import PREFIX
from qadesk.autoqa.models import (
    AutoCheck,
    AutoResult,
    ClassifierModel,
    CustomCriterion,
    PromptAnswer,
    PromptEndpoint,
    PromptUsage,
)
from qadesk.autoqa.names import detector_name, note_name
from qadesk.autoqa.services import autoqa_check_allowed, current_detectors, endpoint_key, message_text
from qadesk.core.models import JobRun
from qadesk.interactions.models import Interaction


def autoqa_results(*, actor: User, interaction: Interaction) -> list[AutoResult]:
    """The current detector versions' results on an interaction the actor may see (none otherwise), by detector."""
    current = {d.code: d.version for d in current_detectors()}
    qs = AutoResult.objects.visible_to(actor).filter(interaction=interaction).order_by("detector")
    return [r for r in qs if current.get(r.detector) == r.version]


@dataclass(frozen=True)
class AutoCard:
    """What the interaction page shows: each result with its evidence quoted, and the spans to mark per message."""

    rows: list[dict[str, Any]]
    highlights: dict[int, list[tuple[int, int, str]]]
    checked: bool


def result_names(codes: Iterable[str]) -> dict[str, str]:
    """Each result code's name for people: a detector's, or a custom criterion's as its admin wrote it (those read in
    one query, none when there is none)."""
    wanted = set(codes)
    custom = [code[len(PREFIX) :] for code in wanted if code.startswith(PREFIX)]
    named = dict(CustomCriterion.objects.filter(code__in=custom).values_list("code", "name")) if custom else {}
    return {code: (named.get(code[len(PREFIX) :]) or code) if code.startswith(PREFIX) else detector_name(code) for code in wanted}


PREDICTED = "predicted_label:"


def evidence_note(note: str) -> str:
    """A span's note for people; the classifier's predicted label by its name in the reader's language."""
    if note.startswith(PREDICTED):
        code = note[len(PREDICTED) :]
        return _("predicted label: {label}").format(label=label_names({code})[code])
    return note_name(note)


def evidence_quoted(result: AutoResult, texts: dict[int, str]) -> list[dict[str, Any]]:
    """A result's evidence with the characters it points at (from the messages' texts) and the note's name."""
    return [
        {
            **span,
            "text": texts.get(int(span["message"]), "")[int(span["start"]) : int(span["end"])],
            "note_name": evidence_note(str(span.get("note", ""))),
        }
        for span in result.evidence
    ]


def autoqa_card(*, actor: User, interaction: Interaction, with_checked: bool = True) -> AutoCard:
    """The "Automatic checks" card of an interaction (messages prefetched, as interaction_detail loads them);
    `with_checked=False` spares the query that tells "not checked yet" from "nothing found" (the scoring screen)."""
    results = autoqa_results(actor=actor, interaction=interaction)
    texts = {m.pk: message_text(m.body, m.body_format) for m in interaction.messages.all()}
    plain = {m.pk for m in interaction.messages.all() if m.body_format == "text"}
    rows: list[dict[str, Any]] = []
    highlights: dict[int, list[tuple[int, int, str]]] = {}
    names = result_names(r.detector for r in results)
    for result in results:
        name = names[result.detector]
        rows.append({"result": result, "name": name, "evidence": evidence_quoted(result, texts)})
        for span in result.evidence:
            if int(span["message"]) in plain and int(span["end"]) > int(
                span["start"]
            ):  # HTML bodies are shown sanitised: their spans are quoted, not marked
                highlights.setdefault(int(span["message"]), []).append((int(span["start"]), int(span["end"]), name))
    checked = bool(results) or (with_checked and AutoCheck.objects.filter(interaction=interaction).exists())
    return AutoCard(rows=rows, highlights={k: sorted(v) for k, v in highlights.items()}, checked=checked)


def autoqa_suggestions(card: AutoCard) -> dict[str, list[dict[str, Any]]]:
    """The card's rows by the criterion code they suggest for: what the scoring screen shows beside each criterion of
    the same code. Suggestions only: nothing is rated for the reviewer."""
    found: dict[str, list[dict[str, Any]]] = {}
    for row in card.rows:
        found.setdefault(row["result"].criterion, []).append(row)
    return found


def custom_criteria_overview(*, actor: User) -> dict[str, Any]:
    """The custom criteria page (QA leads, admins): each criterion with, for questions, how many answers of its
    current version are cached and how many were malformed; each endpoint with today's use and whether its key can
    be read."""
    autoqa_check_allowed(actor=actor)
    criteria = list(CustomCriterion.objects.select_related("endpoint"))
    answers = {
        (row["code"], row["version"]): row
        for row in PromptAnswer.objects.values("code", "version").annotate(n=Count("pk"), errors=Count("pk", filter=Q(ok=False)))
    }
    usage = {u.endpoint_id: u for u in PromptUsage.objects.filter(day=timezone.localdate())}
    endpoints = [
        {"endpoint": e, "usage": usage.get(e.pk), "key_ok": endpoint_key(e) is not None} for e in PromptEndpoint.objects.all()
    ]
    rows = [{"criterion": c, "answers": answers.get((c.code, c.version), {"n": 0, "errors": 0})} for c in criteria]
    return {"rows": rows, "endpoints": endpoints}


def label_names(codes: list[str] | set[str]) -> dict[str, str]:
    """Labels' names in the active language (their code when unknown)."""
    from qadesk.interactions.models import Label

    found = {label.code: str(label) for label in Label.objects.filter(code__in=list(codes))}
    return {code: found.get(code, code) for code in codes}


@dataclass(frozen=True)
class ClassifierOverview:
    """What the classifier page shows: the model in use (None before the first training), its cross-validation, the
    labels' names, whether this installation trusts it, and the last trainings."""

    model: ClassifierModel | None
    cv: CrossValidation | None
    names: dict[str, str]
    trusted: bool
    rows: list[dict[str, Any]]
    excluded: list[tuple[str, int]]
    jobs: list[JobRun]
    learnt: int = 0  # about how many examples the model learnt from: every one, or a stratified sample past TRAIN_SAMPLE


def classifier_overview() -> ClassifierOverview:
    from qadesk.autoqa.classifier import TRAIN_SAMPLE
    from qadesk.autoqa.label_model import JOB_KIND, classifier_current, classifier_trusted

    row = classifier_current()
    jobs = list(JobRun.objects.filter(kind=JOB_KIND).order_by("-pk")[:5])
    if row is None:
        return ClassifierOverview(None, None, {}, False, [], [], jobs)
    matrix = [list(r) for r in row.confusion]
    # n is the confusion matrix's total: every example, or the stratified sample cross-validated past CV_SAMPLE.
    cv = CrossValidation(row.folds, sum(map(sum, matrix)), row.cv_correct, list(row.cv_labels), matrix)
    names = label_names(set(cv.labels) | set(row.excluded))
    rows = [
        {"code": code, "name": names[code], "n": sum(counts), "cells": counts, "recall": recall}
        for code, counts, recall in zip(cv.labels, cv.matrix, cv.recall(), strict=True)
    ]
    excluded = sorted(((names[code], int(n)) for code, n in row.excluded.items()), key=lambda item: item[0].casefold())
    learnt = min(row.examples, TRAIN_SAMPLE)
    return ClassifierOverview(row, cv, names, classifier_trusted(row), rows, excluded, jobs, learnt)
