"""Detectors that look for phrases of the language's lists (rules/<language>.yaml) in the agent's messages."""

from __future__ import annotations

import re

from qadesk.autoqa.engine import FAIL, PASS, SUPPORTED_LANGUAGES, Conversation, Detector, Finding, Msg, Span, na, register
from qadesk.autoqa.rules import LanguageRules, first_own_match, own_matches, rules_for

GREETING_WINDOW = 160  # a greeting is in the opening characters of the agent's first message
CLOSING_WINDOW = 300  # a closing is in the last characters of one of the agent's last two messages
LANGS = SUPPORTED_LANGUAGES


def _rules(conv: Conversation) -> LanguageRules | None:
    return rules_for(conv.rules_language) if conv.agent else None


def _span(msg: Msg, match: re.Match[str], note: str = "") -> Span:
    return Span(msg.id, match.start(), match.end(), note)


def _first_in(messages: tuple[Msg, ...] | list[Msg], pattern: re.Pattern[str]) -> Span | None:
    for msg in messages:
        if match := first_own_match(pattern, msg.text):
            return _span(msg, match)
    return None


def greeting(conv: Conversation) -> Finding:
    """The agent's first message opens with a greeting (not one quoted from someone else)."""
    if (rules := _rules(conv)) is None:
        return na()
    first = conv.agent[0]
    match = first_own_match(rules.lists["greeting"], first.text, 0, min(len(first.text), GREETING_WINDOW))
    if match:
        return Finding(PASS, 0.9, (_span(first, match),), rules.language)
    return Finding(FAIL, 0.8, (), rules.language)


def closing(conv: Conversation) -> Finding:
    """One of the agent's last two messages ends with a closing (a farewell, an offer of further help)."""
    if (rules := _rules(conv)) is None:
        return na()
    for msg in reversed(conv.agent[-2:]):
        start = max(0, len(msg.text) - CLOSING_WINDOW)
        if match := first_own_match(rules.lists["closing"], msg.text, start):
            return Finding(PASS, 0.85, (_span(msg, match),), rules.language)
    return Finding(FAIL, 0.75, (), rules.language)


def _names(rules: LanguageRules, key: str, messages: tuple[Msg, ...]) -> list[tuple[Msg, re.Match[str]]]:
    not_names = rules.words.get("not_name", frozenset())
    found = []
    for msg in messages:
        for pattern in rules.patterns.get(key, ()):
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


def customer_name(conv: Conversation) -> Finding:
    """When the customer gave their name in the chat, the agent uses it; not applicable when they did not."""
    if (rules := _rules(conv)) is None:
        return na()
    given = _names(rules, "customer_name", conv.customer)
    if not given:
        return na(rules.language)
    names = {match.group("name") for _msg, match in given}
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in sorted(names)) + r")(?!\w)")
    for msg in conv.agent:
        if match := first_own_match(pattern, msg.text):
            return Finding(PASS, 0.9, (_span(msg, match),), rules.language)
    msg, match = given[0]
    return Finding(FAIL, 0.7, (Span(msg.id, match.start("name"), match.end("name"), "name"),), rules.language)


def _empathy_spans(rules: LanguageRules, msg: Msg) -> list[Span]:
    """Empathy or apology phrases of a message, less those inside a sarcastic or blaming one (a "fauxpology")."""
    fake = [m.span() for m in own_matches(rules.lists["fauxpology"], msg.text)]
    return [
        _span(msg, m)
        for m in own_matches(rules.lists["empathy"], msg.text)
        if not any(f0 <= m.start() < f1 for f0, f1 in fake)
    ]


def _upset(rules: LanguageRules, msg: Msg) -> re.Match[str] | None:
    if match := first_own_match(rules.lists["upset"], msg.text):
        return match
    return next((m for p in rules.patterns.get("upset", ()) if (m := first_own_match(p, msg.text))), None)


def empathy(conv: Conversation) -> Finding:
    """When the customer is upset, an agent message after that shows empathy or apologises (sarcasm does not count)."""
    if (rules := _rules(conv)) is None:
        return na()
    for index, msg in enumerate(conv.messages):
        if msg.role == "customer" and (upset := _upset(rules, msg)):
            break
    else:
        return na(rules.language)
    for later in conv.messages[index + 1 :]:
        if later.role == "agent" and (spans := _empathy_spans(rules, later)):
            return Finding(PASS, 0.85, (spans[0],), rules.language)
    return Finding(FAIL, 0.75, (_span(msg, upset, "upset"),), rules.language)


def courtesy(conv: Conversation) -> Finding:
    """The agent uses courtesy words (please, thank you…) at least once."""
    if (rules := _rules(conv)) is None:
        return na()
    if span := _first_in(conv.agent, rules.lists["courtesy"]):
        return Finding(PASS, 0.8, (span,), rules.language)
    return Finding(FAIL, 0.7, (), rules.language)


def rude(conv: Conversation) -> Finding:
    """Fails on rude or dismissive agent language, sarcastic apologies included; every such phrase is evidence."""
    if (rules := _rules(conv)) is None:
        return na()
    spans = [
        _span(msg, m, note)
        for msg in conv.agent
        for note, key in (("rude", "rude"), ("fauxpology", "fauxpology"))
        for m in own_matches(rules.lists[key], msg.text)
    ]
    if spans:
        return Finding(FAIL, 0.85, tuple(spans), rules.language)
    return Finding(PASS, 0.7, (), rules.language)


def solution(conv: Conversation) -> Finding:
    """The agent offers a solution or states the next step (what was done, what will happen, by when)."""
    if (rules := _rules(conv)) is None:
        return na()
    if span := _first_in(conv.agent, rules.lists["solution"]):
        return Finding(PASS, 0.8, (span,), rules.language)
    for pattern in rules.patterns.get("solution", ()):
        if span := _first_in(conv.agent, pattern):
            return Finding(PASS, 0.75, (span,), rules.language)
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
