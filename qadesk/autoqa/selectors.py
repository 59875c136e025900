"""Reading automatic results: one interaction's, as its page and the API show them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from qadesk.accounts.models import User
from qadesk.autoqa.custom import PREFIX
from qadesk.autoqa.models import AutoCheck, AutoResult, CustomCriterion, PromptAnswer, PromptEndpoint, PromptUsage
from qadesk.autoqa.names import detector_name, note_name
from qadesk.autoqa.services import autoqa_check_allowed, current_detectors, endpoint_key, message_text
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


def result_name(code: str) -> str:
    """A detector's name for people; a custom criterion's as its admin wrote it."""
    if code.startswith(PREFIX):
        return CustomCriterion.objects.filter(code=code[len(PREFIX) :]).values_list("name", flat=True).first() or code
    return detector_name(code)


def evidence_quoted(result: AutoResult, texts: dict[int, str]) -> list[dict[str, Any]]:
    """A result's evidence with the characters it points at (from the messages' texts) and the note's name."""
    return [
        {
            **span,
            "text": texts.get(int(span["message"]), "")[int(span["start"]) : int(span["end"])],
            "note_name": note_name(str(span.get("note", ""))),
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
    for result in results:
        name = result_name(result.detector)
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
