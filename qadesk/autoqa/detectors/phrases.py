"""Detectors that look for phrases of the language's lists (rules/<language>.yaml) in the agent's messages.

Each message is scanned once for every list (rules.phrase_hits, kept in the conversation's cache); the detectors
then read the hits of their own lists.
"""

from __future__ import annotations

import re

from qadesk.autoqa.engine import FAIL, PASS, SUPPORTED_LANGUAGES, Conversation, Detector, Finding, Msg, Span, na, register
from qadesk.autoqa.rules import LanguageRules, first_own_match, own_matches, phrase_hits, rules_for

GREETING_WINDOW = 160  # a greeting is in the opening characters of the agent's first message
CLOSING_WINDOW = 300  # a closing is in the last characters of one of the agent's last two messages
LANGS = SUPPORTED_LANGUAGES


def _rules(conv: Conversation) -> LanguageRules | None:
    return rules_for(conv.rules_language) if conv.agent else None


def hits(conv: Conversation, rules: LanguageRules, msg: Msg, name: str) -> list[tuple[int, int]]:
    """The (start, end) of the list's phrases in a message, outside quotes, in order."""
    key = ("phrases", msg.id)
    if (found := conv.cache.get(key)) is None:
        found = conv.cache[key] = phrase_hits(rules, msg.text)
    return found.get(name, [])


def _span(msg: Msg, match: re.Match[str], note: str = "") -> Span:
    return Span(msg.id, match.start(), match.end(), note)


def _first_in(conv: Conversation, rules: LanguageRules, messages: tuple[Msg, ...], name: str) -> Span | None:
    for msg in messages:
        if found := hits(conv, rules, msg, name):
            return Span(msg.id, *found[0])
    return None


def greeting(conv: Conversation) -> Finding:
    """The agent's first message opens with a greeting (not one quoted from someone else)."""
    if (rules := _rules(conv)) is None:
        return na()
    first = conv.agent[0]
    found = [h for h in hits(conv, rules, first, "greeting") if h[0] < GREETING_WINDOW]
    if found:
        return Finding(PASS, 0.9, (Span(first.id, *found[0]),), rules.language)
    return Finding(FAIL, 0.8, (), rules.language)


def closing(conv: Conversation) -> Finding:
    """One of the agent's last two messages ends with a closing (a farewell, an offer of further help)."""
    if (rules := _rules(conv)) is None:
        return na()
    for msg in reversed(conv.agent[-2:]):
        start = len(msg.text) - CLOSING_WINDOW
        if found := [h for h in hits(conv, rules, msg, "closing") if h[1] > start]:
            return Finding(PASS, 0.85, (Span(msg.id, *found[0]),), rules.language)
    return Finding(FAIL, 0.75, (), rules.language)


def _names(rules: LanguageRules, key: str, messages: tuple[Msg, ...]) -> list[tuple[Msg, re.Match[str]]]:
    not_names = rules.words.get("not_name", frozenset())
    found = []
    for msg in messages:
        for pattern in rules.patterns.get(key, ()):
            if "\\n" in pattern.pattern and "\n" not in msg.text:  # a signature pattern, and no second line
                continue
            for match in own_matches(pattern, msg.text):
                if match.group("name").casefold() not in not_names:
                    found.append((msg, match))
    return found


def introduction(conv: Conversation) -> Finding:
    """The agent says their name in one of their first two messages."""
    if (rules := _rules(conv)) is None:
        return na()
    found = _names(rules, "introduction", conv.agent[:2])
    if found:
        msg, match = found[0]
        return Finding(PASS, 0.85, (_span(msg, match),), rules.language)
    return Finding(FAIL, 0.7, (), rules.language)


def _word_at(text: str, word: str) -> int:
    """Where `word` first appears in text as a whole word (same case), or -1."""
    at = text.find(word)
    while at >= 0:
        before = text[at - 1] if at else " "
        after = text[at + len(word)] if at + len(word) < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            return at
        at = text.find(word, at + 1)
    return -1


def customer_name(conv: Conversation) -> Finding:
    """When the customer gave their name in the chat, the agent uses it; not applicable when they did not."""
    if (rules := _rules(conv)) is None:
        return na()
    given = _names(rules, "customer_name", conv.customer)
    if not given:
        return na(rules.language)
    names = sorted({match.group("name") for _msg, match in given})
    for msg in conv.agent:
        for name in names:
            if (at := _word_at(msg.text, name)) >= 0:
                return Finding(PASS, 0.9, (Span(msg.id, at, at + len(name)),), rules.language)
    msg, match = given[0]
    return Finding(FAIL, 0.7, (Span(msg.id, match.start("name"), match.end("name"), "name"),), rules.language)


def _upset(conv: Conversation, rules: LanguageRules, msg: Msg) -> tuple[int, int] | None:
    if found := hits(conv, rules, msg, "upset"):
        return found[0]
    for pattern in rules.patterns.get("upset", ()):
        if match := first_own_match(pattern, msg.text):
            return match.span()
    return None


def empathy(conv: Conversation) -> Finding:
    """When the customer is upset, an agent message after that shows empathy or apologises (sarcasm does not count)."""
    if (rules := _rules(conv)) is None:
        return na()
    first_upset = next(
        ((i, m, span) for i, m in enumerate(conv.messages) if m.role == "customer" and (span := _upset(conv, rules, m))),
        None,
    )
    if first_upset is None:
        return na(rules.language)
    index, msg, upset = first_upset
    for later in conv.messages[index + 1 :]:
        if later.role != "agent":
            continue
        fake = hits(conv, rules, later, "fauxpology")
        real = [h for h in hits(conv, rules, later, "empathy") if not any(f0 <= h[0] < f1 for f0, f1 in fake)]
        if real:
            return Finding(PASS, 0.85, (Span(later.id, *real[0]),), rules.language)
    return Finding(FAIL, 0.75, (Span(msg.id, *upset, "upset"),), rules.language)


def courtesy(conv: Conversation) -> Finding:
    """The agent uses courtesy words (please, thank you…) at least once."""
    if (rules := _rules(conv)) is None:
        return na()
    if span := _first_in(conv, rules, conv.agent, "courtesy"):
        return Finding(PASS, 0.8, (span,), rules.language)
    return Finding(FAIL, 0.7, (), rules.language)


def rude(conv: Conversation) -> Finding:
    """Fails on rude or dismissive agent language, sarcastic apologies included; every such phrase is evidence."""
    if (rules := _rules(conv)) is None:
        return na()
    spans = [
        Span(msg.id, *h, note) for msg in conv.agent for note in ("rude", "fauxpology") for h in hits(conv, rules, msg, note)
    ]
    if spans:
        return Finding(FAIL, 0.85, tuple(sorted(spans, key=lambda s: (s.message, s.start))), rules.language)
    return Finding(PASS, 0.7, (), rules.language)


def solution(conv: Conversation) -> Finding:
    """The agent offers a solution or states the next step (what was done, what will happen, by when)."""
    if (rules := _rules(conv)) is None:
        return na()
    if span := _first_in(conv, rules, conv.agent, "solution"):
        return Finding(PASS, 0.8, (span,), rules.language)
    for pattern in rules.patterns.get("solution", ()):
        for msg in conv.agent:
            if match := first_own_match(pattern, msg.text):
                return Finding(PASS, 0.75, (_span(msg, match),), rules.language)
    return Finding(FAIL, 0.65, (), rules.language)


for _code, _check, _impact in (
    ("greeting", greeting, ""),
    ("closing", closing, ""),
    ("introduction", introduction, ""),
    ("customer_name", customer_name, ""),
    ("empathy", empathy, "low"),
    ("courtesy", courtesy, ""),
    ("rude", rude, "high"),
    ("solution", solution, "low"),
):
    register(Detector(code=_code, version=1, criterion=_code, languages=LANGS, impact=_impact, check=_check))
