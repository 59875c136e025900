"""Readability of the agent's replies, by each language's classic formula (no dictionary, nothing downloaded):
Italian — Gulpease (89 + (300 × sentences − 10 × letters) / words; 0–100, below 40 is hard even for readers with a
high-school education); French — Kandel & Moles' adaptation of Flesch (207 − 1.015 × words/sentence − 73.6 ×
syllables/word); English — Flesch reading ease (206.835 − 1.015 × words/sentence − 84.6 × syllables/word); for both,
below 30 is "very difficult". Syllables are counted as groups of vowels, less a silent final e.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qadesk.autoqa.engine import FAIL, PASS, SUPPORTED_LANGUAGES, Conversation, Detector, Finding, Span, na, register

MIN_WORDS = 30  # fewer agent words than this: not enough text to judge
THRESHOLDS = {"it": 40.0, "fr": 30.0, "en": 30.0}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?…;:]+(?=\s|$)")
_VOWEL_GROUPS = {
    "it": re.compile(r"[aeiouàèéìíòóùú]+", re.IGNORECASE),
    "fr": re.compile(r"[aeiouyàâäéèêëîïôöùûüÿœæ]+", re.IGNORECASE),
    "en": re.compile(r"[aeiouy]+", re.IGNORECASE),
}


# A final e (French: e or es) after a consonant that follows a vowel: silent, one group fewer ("make", "portes").
_SILENT_E = {
    "en": re.compile(r"[aeiouy][^\W\daeiouy_]+e\b", re.IGNORECASE),
    "fr": re.compile(r"[aeiouyàâäéèêëîïôöùûüÿœæ][^\W\daeiouyàâäéèêëîïôöùûüÿœæ_]+es?\b", re.IGNORECASE),
}


@dataclass(frozen=True)
class TextCounts:
    words: int
    sentences: int
    letters: int
    syllables: int


def syllables(word: str, language: str) -> int:
    """Vowel groups, less a silent final e (English "make", French "porte", "portes"); at least 1."""
    n = len(_VOWEL_GROUPS[language].findall(word))
    lower = word.lower()
    if n > 1 and language in {"en", "fr"} and (lower.endswith("e") or (language == "fr" and lower.endswith("es"))):
        n -= 1
    return max(1, n)


def text_counts(text: str, language: str) -> TextCounts:
    """Words, sentences, letters and syllables of a text; syllables counted over the whole text at once (the same
    as `syllables` word by word, without a regex call per word)."""
    words = _WORD.findall(text)
    if not words:
        return TextCounts(0, 0, 0, 0)
    sentences = max(1, len(_SENTENCE_END.findall(text)))
    groups = len(_VOWEL_GROUPS[language].findall(text))
    silent = len(_SILENT_E[language].findall(text)) if language in _SILENT_E else 0
    return TextCounts(len(words), sentences, sum(map(len, words)), max(len(words), groups - silent))


def readability_score(counts: TextCounts, language: str) -> float | None:
    """The language's formula over these counts; None without words."""
    if not counts.words:
        return None
    per_sentence = counts.words / counts.sentences
    if language == "it":
        return 89 + (300 * counts.sentences - 10 * counts.letters) / counts.words
    per_word = counts.syllables / counts.words
    if language == "fr":
        return 207 - 1.015 * per_sentence - 73.6 * per_word
    return 206.835 - 1.015 * per_sentence - 84.6 * per_word


def readability(conv: Conversation) -> Finding:
    """Fails when the agent's replies, taken together, score below the language's threshold; evidence: the hardest
    message (note = its score). Not applicable below MIN_WORDS agent words or in another language."""
    language = conv.rules_language
    if language not in THRESHOLDS or not conv.agent:
        return na()
    per_message = [(msg, text_counts(msg.text, language)) for msg in conv.agent]
    total = TextCounts(*(sum(getattr(c, f) for _m, c in per_message) for f in ("words", "sentences", "letters", "syllables")))
    score = readability_score(total, language)
    if score is None or total.words < MIN_WORDS:
        return na(language)
    if score >= THRESHOLDS[language]:
        return Finding(PASS, 0.6, (), language)
    scored = [(readability_score(c, language), msg) for msg, c in per_message if c.words]
    hardest_score, hardest = min(scored, key=lambda pair: pair[0] if pair[0] is not None else 1e9)
    return Finding(FAIL, 0.6, (Span(hardest.id, 0, len(hardest.text), f"{round(hardest_score or 0)}"),), language)


register(
    Detector(code="readability", version=1, criterion="readability", languages=SUPPORTED_LANGUAGES, impact="", check=readability)
)
