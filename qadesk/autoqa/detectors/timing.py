"""Response gaps: how long the customer waited for the agent's reply, from the messages' times."""

from __future__ import annotations

from qadesk.autoqa.engine import FAIL, PASS, SUPPORTED_LANGUAGES, Conversation, Detector, Finding, Span, na, register

# Longest acceptable wait for an agent reply, in seconds, per channel; a phone call's message times say nothing of it.
SLOW_REPLY_SECONDS = {"chat": 180, "self_service": 180, "social": 3600, "email": 86400}


def reply_gaps(conv: Conversation) -> list[tuple[int, float]]:
    """(agent message id, seconds the customer waited) for each agent reply that follows customer messages."""
    gaps: list[tuple[int, float]] = []
    waiting_since = None
    for msg in conv.messages:
        if msg.sent_at is None:
            continue
        if msg.role == "customer":
            waiting_since = waiting_since or msg.sent_at
        elif msg.role == "agent" and waiting_since is not None:
            gaps.append((msg.id, (msg.sent_at - waiting_since).total_seconds()))
            waiting_since = None
    return gaps


def response_gaps(conv: Conversation) -> Finding:
    """Fails when a reply came later than the channel allows; evidence: the late replies."""
    limit = SLOW_REPLY_SECONDS.get(conv.channel)
    gaps = reply_gaps(conv) if limit else []
    if not gaps or limit is None:
        return na()
    texts = {m.id: m.text for m in conv.agent}
    late = tuple(Span(mid, 0, len(texts.get(mid, "")), f"{round(s)}s") for mid, s in gaps if s > limit)
    if late:
        return Finding(FAIL, 0.95, late)
    return Finding(PASS, 0.95)


register(
    Detector(
        code="response_gaps", version=1, criterion="response_gaps", languages=SUPPORTED_LANGUAGES, impact="", check=response_gaps
    )
)
