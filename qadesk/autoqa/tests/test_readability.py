"""Readability of the agent's replies in Italian (Gulpease), French (Kandel & Moles) and English (Flesch)."""

# ruff: noqa: E501  (sample replies: one per line reads better wrapped by the reader than by us)

from __future__ import annotations

import pytest

from qadesk.autoqa.detectors.readability import readability, readability_score, syllables, text_counts
from qadesk.autoqa.tests.helpers import conv

EASY = {
    "it": "Buongiorno. Il pacco arriva domani. Le mando il codice. Lo trova nella mail. Se serve, mi scriva. Grazie e buona giornata. A presto.",
    "fr": "Bonjour. Votre colis arrive demain. Je vous envoie le code. Vous le trouverez dans le mail. Écrivez-moi si besoin. Merci et bonne journée.",
    "en": "Hello. Your parcel comes tomorrow. I will send you the code. You will find it in the mail. Write to me if you need help. Thanks and have a good day.",
}
HARD = {
    "it": "In considerazione della documentazione contrattuale precedentemente trasmessa e delle disposizioni regolamentari "
    "attualmente vigenti, l'amministrazione competente provvederà all'espletamento delle verifiche propedeutiche "
    "all'eventuale riconoscimento dell'indennizzo richiesto, subordinatamente all'accertamento della sussistenza dei presupposti.",
    "fr": "Compte tenu de la documentation contractuelle préalablement transmise et des dispositions réglementaires actuellement "
    "applicables, l'administration compétente procédera ultérieurement à l'accomplissement des vérifications préliminaires "
    "nécessaires à l'éventuelle reconnaissance de l'indemnisation sollicitée, sous réserve de l'établissement effectif des conditions requises.",
    "en": "Notwithstanding the contractual documentation previously transmitted and the regulatory provisions currently applicable, "
    "the competent administration will subsequently undertake the preliminary verifications necessary for the eventual "
    "recognition of the requested indemnification, conditional upon the effective establishment of the prerequisite circumstances.",
}


@pytest.mark.parametrize("language", ["it", "fr", "en"])
def test_short_plain_sentences_pass_and_a_bureaucratic_one_fails(language) -> None:
    easy = conv(language, ("customer", "?"), ("agent", EASY[language]), ("agent", EASY[language]))
    assert readability(easy).verdict == "pass"
    hard = conv(language, ("customer", "?"), ("agent", "Ok."), ("agent", HARD[language]))
    finding = readability(hard)
    assert finding.verdict == "fail"
    span = finding.evidence[0]
    assert (span.message, span.start, span.end) == (3, 0, len(HARD[language]))  # the hardest message, whole
    assert float(span.note) < 30


def test_too_few_words_are_not_judged() -> None:
    assert readability(conv("en", ("customer", "Hi"), ("agent", "Hello, checking now."))).verdict == "na"


def test_the_formulas() -> None:
    # Gulpease: 89 + (300 × 1 sentence − 10 × 23 letters) / 5 words
    assert readability_score(text_counts("Oggi il pacco arriva presto.", "it"), "it") == pytest.approx(89 + (300 - 10 * 23) / 5)
    counts = text_counts("The cat sat on the mat.", "en")
    assert (counts.words, counts.sentences, counts.syllables) == (6, 1, 6)
    assert readability_score(counts, "en") == pytest.approx(206.835 - 1.015 * 6 - 84.6 * 1)
    assert syllables("make", "en") == 1 and syllables("portes", "fr") == 1 and syllables("ordine", "it") == 3
