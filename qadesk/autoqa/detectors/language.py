"""The agent answers in the customer's language (it, fr, en told apart by their function words)."""

from __future__ import annotations

from qadesk.autoqa.engine import FAIL, PASS, SUPPORTED_LANGUAGES, Conversation, Detector, Finding, Msg, Span, na, register
from qadesk.autoqa.rules import guess_language


def message_language(conv: Conversation, msg: Msg) -> str:
    """One message's language from its own function words (at least 3), or ""; computed once per conversation."""
    key = ("language", msg.id)
    if (found := conv.cache.get(key)) is None:
        found = conv.cache[key] = guess_language([msg.text], minimum_hits=3)
    return found  # type: ignore[no-any-return]


def language_match(conv: Conversation) -> Finding:
    """Fails when an agent message is in another language than the customer's; not applicable when either is unknown."""
    customer = guess_language([m.text for m in conv.customer])
    if not customer or not conv.agent:
        return na(customer)
    other = [
        Span(msg.id, 0, len(msg.text), lang) for msg in conv.agent if (lang := message_language(conv, msg)) and lang != customer
    ]
    if other:
        return Finding(FAIL, 0.8, tuple(other), customer)
    return Finding(PASS, 0.8, (), customer)


register(
    Detector(
        code="language_match",
        version=1,
        criterion="language_match",
        languages=SUPPORTED_LANGUAGES,
        impact="",
        check=language_match,
    )
)
