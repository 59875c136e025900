"""Process checks (the seed's "process management"): the right SOP for the label, the label that matches the handling,
and the SOP's steps done, in order, with nothing forbidden.

They read the transcript's agent actions and system events (`Conversation.events`) and the SOP catalogue
(`Conversation.sops`). An SOP step's `evidence` items are event names ("account-lookup") or phrases the agent says
("can you confirm your order number"); `forbidden` items the same. A missing required step is a low-impact error; a
forbidden action, or a step done before an earlier one, a high-impact error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from qadesk.autoqa.engine import FAIL, PASS, SUPPORTED_LANGUAGES, Conversation, Detector, Finding, SopSpec, Span, na, register
from qadesk.autoqa.rules import first_own_match, phrase_regex


def event_key(name: str) -> str:
    """An event name or evidence item in one normal form: "Refund issued", "refund_issued" → "refund-issued"."""
    return re.sub(r"[\s_]+", "-", name.strip().casefold())


@lru_cache(maxsize=4096)
def _phrase(text: str) -> re.Pattern[str]:
    return phrase_regex([text])


def _found(conv: Conversation, item: str) -> Span | None:
    """Where an evidence item first shows in the transcript: an event of that name, else the phrase said by the agent
    (outside quotes). An event's span is empty (start = end = 0): events have no text to mark."""
    key = event_key(item)
    found: list[tuple[int, Span]] = [(e.position, Span(e.id, 0, 0, "event")) for e in conv.events if event_key(e.name) == key]
    if not found:
        pattern = _phrase(item)
        for msg in conv.agent:
            if match := first_own_match(pattern, msg.text):
                found.append((msg.position, Span(msg.id, match.start(), match.end(), "step")))
                break
    return min(found, key=lambda f: f[0])[1] if found else None


def _position(conv: Conversation, span: Span) -> int:
    for event in conv.events:
        if event.id == span.message:
            return event.position
    return next((m.position for m in conv.messages if m.id == span.message), 0)


def step_check(conv: Conversation, steps: Iterable[Mapping[str, Any]]) -> Finding:
    """Pure: the steps (in order) against the transcript. Fail high on a forbidden item or a step done before an
    earlier step; fail low on a required step with evidence that shows nowhere; pass otherwise; not applicable when no
    step has evidence (nothing can be checked)."""
    steps = list(steps)
    if not any(step.get("evidence") for step in steps):
        return na()
    forbidden = [
        Span(span.message, span.start, span.end, "forbidden")
        for step in steps
        for item in step.get("forbidden") or ()
        if (span := _found(conv, item))
    ]
    done: list[tuple[int, int, Span]] = []  # (step index, position, span)
    missing: list[int] = []
    for index, step in enumerate(steps):
        spans = [s for item in step.get("evidence") or () if (s := _found(conv, item))]
        if spans:
            first = min(spans, key=lambda s: _position(conv, s))
            done.append((index, _position(conv, first), first))
        elif step.get("evidence") and step.get("required", True):
            missing.append(index)
    out_of_order = [
        Span(span.message, span.start, span.end, f"out_of_order:{index + 1}")
        for index, position, span in done
        if any(earlier < index and earlier_position > position for earlier, earlier_position, _s in done)
    ]
    if forbidden or out_of_order:
        return Finding(FAIL, 0.8, tuple(forbidden + out_of_order), impact="high")
    if missing:
        return Finding(FAIL, 0.7, tuple(Span(0, 0, 0, f"missing_step:{i + 1}") for i in missing), impact="low")
    return Finding(PASS, 0.75, tuple(span for _i, _p, span in done))


def sop_steps(conv: Conversation) -> Finding:
    """The interaction's SOP followed: its required steps done, in order, nothing forbidden."""
    spec = conv.sops.get(conv.sop) if conv.sop else None
    if spec is None or not (conv.agent or conv.events):
        return na()
    return step_check(conv, spec.steps)


def right_sop(conv: Conversation) -> Finding:
    """The SOP the agent followed is one that serves the interaction's label (the contact reason)."""
    spec = conv.sops.get(conv.sop) if conv.sop else None
    serving = [s for s in conv.sops.values() if conv.label in s.labels] if conv.label else []
    if spec is None or not serving:
        return na()
    if conv.label in spec.labels:
        return Finding(PASS, 0.9)
    return Finding(FAIL, 0.85)


def _event_evidence(spec: SopSpec) -> set[str]:
    return {event_key(item) for step in spec.steps for item in step.get("evidence") or ()}


def label_handling(conv: Conversation) -> Finding:
    """The label matches how the contact was handled: an action the label's own SOPs never use, but another label's
    SOP does (a refund issued on a "product information" contact), says the label or the handling is wrong."""
    if not conv.label or not conv.events:
        return na()
    own = [s for s in conv.sops.values() if conv.label in s.labels]
    if not own:
        return na()
    own_items = set().union(*(_event_evidence(s) for s in own))
    other_items = set().union(set(), *(_event_evidence(s) for s in conv.sops.values() if conv.label not in s.labels))
    foreign = [e for e in conv.events if event_key(e.name) in other_items - own_items]
    if foreign:
        return Finding(FAIL, 0.7, tuple(Span(e.id, 0, 0, "event") for e in foreign))
    return Finding(PASS, 0.6)


for _code, _criterion, _check, _impact in (
    ("sop_steps", "workflow", sop_steps, "low"),
    ("right_sop", "right_sop", right_sop, "high"),
    ("label_handling", "label_matches_handling", label_handling, "low"),
):
    register(Detector(code=_code, version=1, criterion=_criterion, languages=SUPPORTED_LANGUAGES, impact=_impact, check=_check))
