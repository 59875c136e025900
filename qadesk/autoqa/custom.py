"""Custom criteria: an admin's phrase lists and patterns per language turned into detectors (no Django here).

A criterion says who (agent, customer, anyone) must say — or must not say — one of its phrases or patterns, and where
(anywhere, their first message, their last message). Phrases match as whole words, case-insensitive, outside quoted
text, as the built-in lists do; patterns are regular expressions as written (case-insensitive). A language without
phrases or patterns makes the criterion not applicable to that language's conversations.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qadesk.autoqa.engine import FAIL, NA, PASS, SUPPORTED_LANGUAGES, Conversation, Detector, Finding, Msg, Span, na
from qadesk.autoqa.rules import own_matches, phrase_regex

PREFIX = "custom:"


class CustomRuleError(ValueError):
    """A bad phrase list or pattern; `field` and `message` say which and why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def check_rules(*, phrases: Any, patterns: Any) -> None:
    """Raise CustomRuleError naming the field, language and item of the first bad entry."""
    for field, value in (("phrases", phrases), ("patterns", patterns)):
        if not isinstance(value, dict):
            raise CustomRuleError(field, 'A JSON object of lists by language, e.g. {"it": ["..."]}.')
        for language, items in value.items():
            if language not in SUPPORTED_LANGUAGES:
                raise CustomRuleError(field, f"Unknown language {language!r}: use {', '.join(SUPPORTED_LANGUAGES)}.")
            if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
                raise CustomRuleError(field, f"{language}: a list of non-empty texts.")
            if field == "patterns":
                for item in items:
                    try:
                        re.compile(item)
                    except re.error as exc:
                        raise CustomRuleError(field, f"{language}: {item!r} is not a valid pattern ({exc}).") from None


def check_instructions(instructions: Any) -> None:
    """A prompt criterion's question per language: a JSON object of non-empty texts, at least one language."""
    if not isinstance(instructions, dict) or not instructions:
        raise CustomRuleError("instructions", 'A JSON object of texts by language, e.g. {"en": "Did the agent..."}.')
    for language, text in instructions.items():
        if language not in SUPPORTED_LANGUAGES:
            raise CustomRuleError("instructions", f"Unknown language {language!r}: use {', '.join(SUPPORTED_LANGUAGES)}.")
        if not isinstance(text, str) or not text.strip():
            raise CustomRuleError("instructions", f"{language}: a non-empty text.")


def rules_digest(**rules: Any) -> str:
    """A digest of everything that decides a verdict: it changes exactly when the results would."""
    return hashlib.sha256(json.dumps(rules, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class CustomSpec:
    code: str
    version: int
    criterion: str
    rule: str  # must, must_not
    speaker: str  # agent, customer, any
    part: str  # any, opening, closing
    phrases: Mapping[str, list[str]]
    patterns: Mapping[str, list[str]]
    impact: str = ""

    def regexes(self, language: str) -> list[re.Pattern[str]]:
        found = [phrase_regex(self.phrases[language])] if self.phrases.get(language) else []
        return found + [re.compile(p, re.IGNORECASE) for p in self.patterns.get(language, [])]


def _messages(spec: CustomSpec, conv: Conversation) -> tuple[Msg, ...]:
    chosen = conv.messages if spec.speaker == "any" else tuple(m for m in conv.messages if m.role == spec.speaker)
    if spec.part == "opening":
        return chosen[:1]
    if spec.part == "closing":
        return chosen[-1:]
    return chosen


def custom_check(spec: CustomSpec, conv: Conversation) -> Finding:
    """Pure: a custom criterion's verdict on one conversation, the matching characters as evidence."""
    language = conv.rules_language
    regexes = spec.regexes(language) if language else []
    messages = _messages(spec, conv)
    if not regexes or not messages:
        return na(language)
    spans = [Span(m.id, *match.span(), "custom") for m in messages for rx in regexes for match in own_matches(rx, m.text)]
    spans.sort(key=lambda s: (s.message, s.start))
    if spec.rule == "must":
        return Finding(PASS, 0.8, tuple(spans[:1]), language) if spans else Finding(FAIL, 0.7, (), language)
    return Finding(FAIL, 0.8, tuple(spans), language) if spans else Finding(PASS, 0.7, (), language)


def custom_detector(spec: CustomSpec) -> Detector:
    """The detector a custom criterion runs as: code `custom:<code>`, its version, its criterion (its code by default)."""
    return Detector(
        code=PREFIX + spec.code,
        version=spec.version,
        criterion=spec.criterion or spec.code,
        languages=tuple(sorted(set(spec.phrases) | set(spec.patterns))),
        impact=spec.impact,
        check=lambda conv: custom_check(spec, conv),
    )


__all__ = [
    "FAIL",
    "NA",
    "PASS",
    "CustomRuleError",
    "CustomSpec",
    "check_instructions",
    "check_rules",
    "custom_check",
    "custom_detector",
]
