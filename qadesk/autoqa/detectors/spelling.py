"""Spelling and grammar of the agent's messages, in Italian, French and English.

Spelling: each word of an agent message is looked up in the word-frequency dictionary of the message's language that
pyspellchecker ships inside its wheel (nothing is downloaded); a word it does not know is a **misspelling only when a
known word is one edit away** (a letter added, dropped, changed or two swapped: "recieve", "rimborzo", "envoye") —
a word far from every dictionary word is more likely a name, a brand or a term than a typo, and is left alone. Words
are not checked inside quoted text, URLs, e-mail addresses, or tokens with a digit (codes, ids, numbers); nor
capitalised words in mid-sentence and the names the conversation or the interaction gives (people's names), words in
capitals or mixed case (SMS, PayPal), the allow-lists of rules/spelling.yaml (the organisation's product terms and the
language's everyday words the dictionary lacks), inflections the dictionary misses (its `endings`), or words the
dictionary of another supported language knows (an English "ticket" in an Italian reply). Every message is read in
the conversation's language; one where most checked words are unknown is taken to be in another language and is not
checked.

Grammar: a few robust rules per language, as data (rules/spelling.yaml `grammar`): doubled words, a missing capital
after a full stop, a space before ? ! , ; in Italian and English and none before ? ! ; : in French, 'a' vs 'an',
"qual'è", "pò", "perchè"…

Verdict: fail when an agent message has a misspelling or a grammar error (evidence: each one's characters, note
"spelling:<suggestions>" or "grammar:<rule>:<suggestion>"); pass otherwise; not applicable without an agent word to
check or in another language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from qadesk.autoqa.engine import FAIL, PASS, SUPPORTED_LANGUAGES, Conversation, Detector, Finding, Msg, Span, na, register
from qadesk.autoqa.rules import RULES_DIR, quoted_ranges

VERSION = 1
MAX_SUGGESTIONS = 3
FOREIGN_SHARE = 0.5  # more unknown words than this share (and at least FOREIGN_MIN): the message is in another language
FOREIGN_MIN = 3
MIN_LENGTH = 3  # shorter words are not checked (single letters, "ok", abbreviations)
# Words a Speller remembers (decisions, suggestions) before it forgets them all and starts again: a worker's memory stays
# flat however many names, codes and typos a long job meets (each a few hundred bytes), and the words that recur are
# learnt again at once.
MEMO_LIMIT = 20_000

# A word: letters, possibly joined by apostrophes or hyphens (l'ordine, aujourd'hui, e-mail, don't).
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
# What is never a word to check: a chunk with a digit, @, /, \\, _ or # (codes, ids, amounts, URLs, e-mail addresses,
# handles, paths) or a dot between letters (domains, file names).
_SKIP = re.compile(r"[^\s\d@/\\_#]*(?:[\d@/\\_#]|\w\.\w)\S*")
_NEEDS_SKIP = re.compile(r"[\d@/\\_#\"“«„>]|\w\.\w")


@dataclass(frozen=True)
class GrammarRule:
    code: str
    pattern: re.Pattern[str]
    span: str | None
    suggest: str
    capitalise: bool
    needs: tuple[str, ...]  # the rule runs only on a message whose lower-case text holds one of these (speed)
    exceptions: dict[str, frozenset[str]]


@dataclass(frozen=True)
class LanguageData:
    language: str
    allow: frozenset[str]
    elisions: frozenset[str]
    endings: tuple[tuple[str, str], ...]
    grammar: tuple[GrammarRule, ...]


@cache
def _data() -> dict[str, Any]:
    with open(RULES_DIR / "spelling.yaml", encoding="utf-8") as fh:
        loaded: dict[str, Any] = yaml.safe_load(fh) or {}
    return loaded


@cache
def language_data(language: str) -> LanguageData:
    data = _data()
    own = data.get(language) or {}
    allow = {w.casefold() for w in (data.get("allow") or [])} | {w.casefold() for w in own.get("allow") or []}
    endings = tuple(tuple(e.split(":", 1)) for e in own.get("endings") or [])
    rules = tuple(
        GrammarRule(
            code=r["code"],
            pattern=re.compile(r["pattern"], re.IGNORECASE if "i" in r.get("flags", "") else 0),
            span=r.get("span"),
            suggest=r.get("suggest", ""),
            capitalise=bool(r.get("capitalise")),
            needs=tuple(r.get("needs") or ()),
            exceptions={g: frozenset(str(v).casefold() for v in vs) for g, vs in (r.get("except") or {}).items()},
        )
        for r in own.get("grammar") or []
    )
    return LanguageData(language, frozenset(allow), frozenset(own.get("elisions") or []), endings, rules)  # type: ignore[arg-type]


@cache
def dictionary(language: str) -> dict[str, int]:
    """The word → frequency dictionary pyspellchecker ships for the language (lower case), loaded once."""
    from spellchecker import SpellChecker

    return dict(SpellChecker(language=language, case_sensitive=False, distance=1).word_frequency.dictionary)


@cache
def _letters(language: str) -> str:
    letters = {ch for word in dictionary(language) for ch in word if ch.isalpha()}
    return "".join(sorted(letters))


class Speller:
    """Known / misspelt decisions for one language, remembered per word (a conversation repeats its words), at most
    MEMO_LIMIT of each."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.words = dictionary(language)
        self.data = language_data(language)
        self.others = [dictionary(other) for other in SUPPORTED_LANGUAGES if other != language]
        self.memo: dict[str, bool] = {}
        self.suggested: dict[str, list[str]] = {}

    def _in_dictionary(self, word: str) -> bool:
        if word in self.words or word in self.data.allow:
            return True
        for ending, replacement in self.data.endings:
            stem = len(word) - len(ending)
            if stem >= 2 and word.endswith(ending) and (word[:stem] + replacement) in self.words:
                return True
        return False

    def known(self, word: str) -> bool:
        """Whether a lower-case word is known: as it is, by its parts (an elided article, hyphenated words), by an
        inflection, or by another supported language's dictionary."""
        found = self.memo.get(word)
        if found is not None:
            return found
        found = self._known(word)
        if len(self.memo) >= MEMO_LIMIT:
            self.memo.clear()
        self.memo[word] = found
        return found

    def _known(self, word: str) -> bool:
        if self._in_dictionary(word):
            return True
        plain = word.replace("’", "'")
        if plain != word and self._in_dictionary(plain):
            return True
        if "'" in plain:
            head, _sep, tail = plain.partition("'")
            if self.language == "en":
                if head and self._in_dictionary(head) and tail in {"s", "t", "re", "ve", "ll", "d", "m"}:
                    return True
            elif head in self.data.elisions:
                return len(tail) < MIN_LENGTH or self.known(tail)
        if "-" in plain:
            return all(len(part) < MIN_LENGTH or self.known(part) for part in plain.split("-"))
        return any(plain in other for other in self.others)

    def suggestions(self, word: str) -> list[str]:
        """Known words one edit away, most frequent first (empty: not a misspelling we can tell)."""
        found = self.suggested.get(word)
        if found is None:
            if len(self.suggested) >= MEMO_LIMIT:
                self.suggested.clear()
            found = self.suggested[word] = self._suggestions(word)
        return found

    def _suggestions(self, word: str) -> list[str]:
        letters = _letters(self.language)
        splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
        edits = {left + right[1:] for left, right in splits if right}
        edits |= {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
        edits |= {left + ch + right[1:] for left, right in splits if right for ch in letters}
        edits |= {left + ch + right for left, right in splits for ch in letters}
        edits.discard(word)
        found = sorted((w for w in edits if w in self.words), key=lambda w: (-self.words[w], w))
        return found[:MAX_SUGGESTIONS]


def _skipped(text: str) -> list[tuple[int, int]]:
    return quoted_ranges(text) + [m.span() for m in _SKIP.finditer(text)]


def _inside(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(r0 < end and start < r1 for r0, r1 in ranges)


_OPENING = " \t\"“«„'("
_CLOSING = ".!?…:;-•*\n"


def _sentence_start(text: str, start: int) -> bool:
    """Whether a word at `start` opens a sentence, a line or the message (where a capital says nothing)."""
    at = start - 1
    while at >= 0 and text[at] in _OPENING:
        at -= 1
    return at < 0 or text[at] in _CLOSING


# A capitalised word (Latin capitals: what it, fr and en write).
_CAPITALISED = re.compile(r"(?<![\w'’\-])[A-ZÀ-ÖØ-ÞŒ][^\W\d_]*(?:['’\-][^\W\d_]+)*")


def _names(conv: Conversation) -> set[str]:
    """The people's names the interaction gives and the words the conversation capitalises in mid-sentence."""
    key = ("spelling_names",)
    if (found := conv.cache.get(key)) is None:
        found = {part.casefold() for name in conv.names for part in _WORD.findall(name)}
        for msg in conv.messages:
            text = msg.text
            for match in _CAPITALISED.finditer(text):
                if not _sentence_start(text, match.start()):
                    found.add(match.group().casefold())
        conv.cache[key] = found
    return found  # type: ignore[no-any-return]


def spelling_spans(msg: Msg, speller: Speller, names: Callable[[], set[str]]) -> list[Span]:
    """The misspelt words of one message (note "spelling:<suggestions, | between>"), or none when most of its checked
    words are unknown (the message is in another language). `names()` gives the words never checked (people's names).
    Most messages have no unknown word at all: one set difference over their lower-case words tells."""
    text = msg.text
    lowered = set(_WORD.findall(text.lower())).difference(speller.words)
    if all(len(w) < MIN_LENGTH or speller.known(w) for w in lowered):
        return []
    skipped = _skipped(text) if _NEEDS_SKIP.search(text) else []
    names_seen = names()
    checked, unknown = 0, []
    words = speller.words
    for match in _WORD.finditer(text):
        word = match.group()
        if len(word) < MIN_LENGTH:
            continue
        lower = word.lower()
        if word[0] != lower[0]:  # capitalised: a name unless it opens a sentence; capitals or mixed case: a brand
            if word[1:] != lower[1:] or lower in names_seen or not _sentence_start(text, match.start()):
                continue
        elif word != lower:
            continue
        if skipped and _inside(skipped, *match.span()):
            continue
        checked += 1
        if lower not in words and not speller.known(lower):
            unknown.append(match)
    if not unknown or (len(unknown) >= FOREIGN_MIN and len(unknown) > FOREIGN_SHARE * checked):
        return []
    spans = []
    for match in unknown:
        if found := speller.suggestions(match.group().casefold()):
            spans.append(Span(msg.id, match.start(), match.end(), "spelling:" + "|".join(found)))
    return spans


def grammar_spans(msg: Msg, data: LanguageData) -> list[Span]:
    """Where the language's grammar rules match one message, outside quotes, URLs and codes."""
    text = msg.text
    skipped: list[tuple[int, int]] | None = None
    spans = []
    lower = text.lower()
    for rule in data.grammar:
        if rule.needs and not any(n in lower for n in rule.needs):
            continue
        for match in rule.pattern.finditer(text):
            if any((match.group(g) or "").casefold() in values for g, values in rule.exceptions.items()):
                continue
            start, end = match.span(rule.span) if rule.span else match.span()
            if skipped is None:
                skipped = _skipped(text)
            if _inside(skipped, start, end):
                continue
            suggestion = match.expand(rule.suggest) if rule.suggest else ""
            if rule.capitalise:
                suggestion = text[start:end][:1].upper() + text[start + 1 : end]
            spans.append(Span(msg.id, start, end, f"grammar:{rule.code}:{suggestion}"))
    return spans


@cache
def speller(language: str) -> Speller:
    return Speller(language)


def _errors(conv: Conversation) -> Iterator[Span]:
    language = conv.rules_language  # a message's own function words are too few to tell its language reliably
    for msg in conv.agent:
        grammar = grammar_spans(msg, language_data(language))
        taken = [(s.start, s.end) for s in grammar]
        spelling = [s for s in spelling_spans(msg, speller(language), lambda: _names(conv)) if not _inside(taken, s.start, s.end)]
        yield from sorted(grammar + spelling, key=lambda s: s.start)


def spelling(conv: Conversation) -> Finding:
    """Fails when an agent message has a misspelling or a grammar error; every one is evidence."""
    language = conv.rules_language
    if language not in SUPPORTED_LANGUAGES or not conv.agent:
        return na(language)
    if not any(_WORD.search(msg.text) for msg in conv.agent):
        return na(language)
    errors = tuple(_errors(conv))
    if errors:
        return Finding(FAIL, min(0.9, 0.6 + 0.1 * (len(errors) - 1)), errors, language)
    return Finding(PASS, 0.6, (), language)


register(
    Detector(code="spelling", version=VERSION, criterion="spelling", languages=SUPPORTED_LANGUAGES, impact="", check=spelling)
)
