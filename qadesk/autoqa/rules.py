"""Phrase lists and patterns per language, kept as data (rules/<language>.yaml), compiled once into regexes.

A phrase list becomes one alternation, longest phrase first, bounded by non-word characters, case-insensitive; a
space in a phrase matches any run of white space and an apostrophe either ' or ’. One compiled alternation per list
scans a message in a single pass (the `re` engine), which measured fast enough for the goal (benchmarks/README.md),
so no multi-pattern library is needed. Patterns (keys ending in `_patterns`) are regexes as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from qadesk.autoqa.engine import SUPPORTED_LANGUAGES

RULES_DIR = Path(__file__).parent / "rules"
# Text quoted from someone else (between quotation marks, or an e-mail's "> " lines): a phrase found there is not
# the agent's own (a greeting inside a quote is not a greeting).
_QUOTED = re.compile(r'"[^"\n]{0,400}"|“[^”]{0,400}”|«[^»]{0,400}»|„[^“”]{0,400}[“”]|^>.*$', re.MULTILINE)
_WORD_CHARS = re.compile(r"\w", re.UNICODE)


def phrase_regex(phrases: list[str]) -> re.Pattern[str]:
    """One case-insensitive alternation matching any of the phrases as whole words."""
    parts = []
    for phrase in sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True):
        escaped = re.escape(phrase.casefold().replace("’", "'"))  # re.escape leaves ' as it is
        escaped = re.sub(r"(?:\\ )+", r"\\s+", escaped).replace("'", "['’]")
        parts.append(escaped)
    if not parts:
        return re.compile(r"(?!x)x")
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class LanguageRules:
    """A language's compiled lists: `lists[name]` a phrase alternation, `patterns[name]` a list of regexes."""

    language: str
    lists: dict[str, re.Pattern[str]]
    patterns: dict[str, tuple[re.Pattern[str], ...]]
    words: dict[str, frozenset[str]]


def _compile(language: str, data: dict[str, Any]) -> LanguageRules:
    lists, patterns, words = {}, {}, {}
    for key, value in data.items():
        if key.endswith("_patterns"):
            patterns[key.removesuffix("_patterns")] = tuple(re.compile(p) for p in value)
        elif key.endswith("_words"):
            words[key.removesuffix("_words")] = frozenset(w.casefold() for w in value)
        else:
            lists[key] = phrase_regex(list(value))
    return LanguageRules(language, lists, patterns, words)


@cache
def rules_for(language: str) -> LanguageRules | None:
    """The compiled rules of a supported language (it, fr, en), or None."""
    if language not in SUPPORTED_LANGUAGES:
        return None
    with open(RULES_DIR / f"{language}.yaml", encoding="utf-8") as fh:
        return _compile(language, yaml.safe_load(fh) or {})


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """The [start, end) ranges of quoted text in a message."""
    if '"' not in text and "“" not in text and "«" not in text and "„" not in text and ">" not in text:
        return []
    return [m.span() for m in _QUOTED.finditer(text)]


def own_matches(pattern: re.Pattern[str], text: str, start: int = 0, end: int | None = None) -> Iterator[re.Match[str]]:
    """Matches of `pattern` in text[start:end] that are not inside quoted text."""
    quoted = quoted_ranges(text)
    for match in pattern.finditer(text, start, len(text) if end is None else end):
        if not any(q0 <= match.start() < q1 for q0, q1 in quoted):
            yield match


def first_own_match(pattern: re.Pattern[str], text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
    return next(own_matches(pattern, text, start, end), None)


_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)


def guess_language(texts: list[str], *, minimum_hits: int = 2) -> str:
    """it, fr or en from function words (rules/<lang>.yaml `stop_words`), or "" when too few to tell."""
    scores = dict.fromkeys(SUPPORTED_LANGUAGES, 0)
    stop = {lang: r.words.get("stop", frozenset()) for lang in SUPPORTED_LANGUAGES if (r := rules_for(lang))}
    for text in texts:
        for token in _TOKEN.findall(text.casefold()):
            for lang, words in stop.items():
                if token in words:
                    scores[lang] += 1
    best = max(scores, key=lambda lang: scores[lang])
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] < minimum_hits or ranked[0] == ranked[1]:
        return ""
    return best
