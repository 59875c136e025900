"""Phrase lists and patterns per language, kept as data (rules/<language>.yaml), compiled once into regexes.

A phrase list becomes one alternation, built as a trie (shared beginnings factored out), bounded by non-word
characters, case-insensitive; a space in a phrase matches any run of white space and an apostrophe either ' or ’. One
compiled regex per list scans a message in a single pass of the `re` engine, which measured fast enough for the goal
(benchmarks/README.md), so no multi-pattern library (pyahocorasick) is needed: its matches would still need the word
boundary, quote and overlap rules checked in Python. Patterns (keys ending in `_patterns`) are regexes as written.
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


def _units(phrase: str) -> list[str]:
    """A phrase as regex pieces, one per character: any white space for a space, ' or ’ for an apostrophe."""
    units: list[str] = []
    for ch in phrase.casefold().replace("’", "'"):
        if ch.isspace():
            if units and units[-1] != r"\s+":
                units.append(r"\s+")
        else:
            units.append("['’]" if ch == "'" else re.escape(ch))
    return units


def _trie_regex(node: dict[str, Any]) -> str:
    """A trie of pieces as one regex with shared prefixes factored out ("" marks a phrase's end)."""
    ends = "" in node
    branches = [unit + _trie_regex(child) for unit, child in sorted(node.items()) if unit != ""]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        return "(?:" + body + ")?"
    return body


def phrase_regex(phrases: list[str]) -> re.Pattern[str]:
    """One case-insensitive alternation matching any of the phrases as whole words, built as a trie so that phrases
    sharing a beginning are tried together (several times faster than a flat alternation on `re`)."""
    trie: dict[str, Any] = {}
    for phrase in {p.strip() for p in phrases if p.strip()}:
        node = trie
        for unit in _units(phrase):
            node = node.setdefault(unit, {})
        node[""] = {}
    if not trie:
        return re.compile(r"(?!x)x")
    # The trie's optional tails are greedy, so the longest phrase wins where several match; a tail that would end
    # inside a word backtracks to a shorter phrase that ends on a word boundary.
    return re.compile(r"(?<!\w)" + _trie_regex(trie) + r"(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class LanguageRules:
    """A language's compiled rules: `phrases` one regex over every phrase of every list, `membership` each phrase (in
    its normal form) → the lists it counts for, `patterns[name]` a list's regexes, `words[name]` a set of words."""

    language: str
    phrases: re.Pattern[str]
    membership: dict[str, frozenset[str]]
    patterns: dict[str, tuple[re.Pattern[str], ...]]
    words: dict[str, frozenset[str]]


_SPACES = re.compile(r"\s+")


def normal_phrase(text: str) -> str:
    """Casefolded, one space between words, ' for ’: how a matched phrase is looked up."""
    return _SPACES.sub(" ", text.casefold().replace("’", "'")).strip()


def _compile(language: str, data: dict[str, Any]) -> LanguageRules:
    """One regex for all the phrase lists, so a message is scanned once for all of them. A phrase that holds a shorter
    one of another list counts for that list too ("grazie per averci contattato" is also "grazie", a courtesy): the
    scan keeps the longest phrase at each place."""
    lists: dict[str, set[str]] = {}
    patterns, words = {}, {}
    for key, value in data.items():
        if key.endswith("_patterns"):
            patterns[key.removesuffix("_patterns")] = tuple(re.compile(p) for p in value)
        elif key.endswith("_words"):
            words[key.removesuffix("_words")] = frozenset(w.casefold() for w in value)
        else:
            lists[key] = {normal_phrase(p) for p in value if p.strip()}
    owners: dict[str, set[str]] = {}
    for name, phrases in lists.items():
        for phrase in phrases:
            owners.setdefault(phrase, set()).add(name)
    membership = {}
    for phrase in owners:
        tokens = phrase.split(" ")
        grams = {" ".join(tokens[i:j]) for i in range(len(tokens)) for j in range(i + 1, len(tokens) + 1)}
        membership[phrase] = frozenset(name for gram in grams for name in owners.get(gram, ()))
    return LanguageRules(language, phrase_regex(list(owners)), membership, patterns, words)


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
        if not quoted or not any(q0 <= match.start() < q1 for q0, q1 in quoted):
            yield match


def first_own_match(pattern: re.Pattern[str], text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
    return next(own_matches(pattern, text, start, end), None)


def phrase_hits(rules: LanguageRules, text: str) -> dict[str, list[tuple[int, int]]]:
    """Where the phrases of each list are in a text, outside quotes, in text order: {list name: [(start, end)]}."""
    found: dict[str, list[tuple[int, int]]] = {}
    membership = rules.membership
    for match in own_matches(rules.phrases, text):
        for name in membership.get(normal_phrase(match.group()), ()):
            found.setdefault(name, []).append(match.span())
    return found


_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)


@cache
def _stop_words() -> dict[str, tuple[str, ...]]:
    """Each function word of the supported languages → the languages it belongs to."""
    found: dict[str, tuple[str, ...]] = {}
    for lang in SUPPORTED_LANGUAGES:
        if rules := rules_for(lang):
            for word in rules.words.get("stop", frozenset()):
                found[word] = (*found.get(word, ()), lang)
    return found


def guess_language(texts: list[str], *, minimum_hits: int = 2) -> str:
    """it, fr or en from function words (rules/<lang>.yaml `stop_words`), or "" when too few to tell or a tie."""
    stop = _stop_words()
    scores = dict.fromkeys(SUPPORTED_LANGUAGES, 0)
    for text in texts:
        for token in _TOKEN.findall(text.casefold()):
            for lang in stop.get(token, ()):
                scores[lang] += 1
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if ranked[0][1] < minimum_hits or ranked[0][1] == ranked[1][1]:
        return ""
    return ranked[0][0]
