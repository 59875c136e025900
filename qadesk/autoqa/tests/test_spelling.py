"""Spelling and grammar of the agent's messages in Italian, French and English (detectors/spelling.py)."""

# ruff: noqa: E501  (sample replies read better on one line)

from __future__ import annotations

import pytest

from qadesk.autoqa.detectors.spelling import language_data, spelling
from qadesk.autoqa.engine import Conversation, Msg
from qadesk.autoqa.tests.helpers import conv, quoted

CLEAN = {
    "it": "Buongiorno, sono Giulia del servizio clienti. Ho provveduto al rimborso: riceverà l'accredito entro cinque giorni lavorativi. Buona giornata!",
    "fr": "Bonjour, je suis Claire du service client. J'ai procédé au remboursement : vous serez remboursée sous cinq jours ouvrés. Bonne journée !",
    "en": "Hello, this is Emma from customer care. I've issued the refund: you'll see it within five business days. Have a great day!",
}
TYPO = {  # (reply, the misspelt word, a suggestion it must offer)
    "it": ("Ho verificato il rimborzo, arriva domani.", "rimborzo", "rimborso"),
    "fr": ("Votre commende arrive demain.", "commende", "commande"),
    "en": ("You will recieve the parcel tomorrow.", "recieve", "receive"),
}


def _errors(language: str, *agent: str, customer: str = "?") -> list[tuple[str, str]]:
    c = conv(language, ("customer", customer), *(("agent", text) for text in agent))
    finding = spelling(c)
    return [(quoted(c, s.message, s.start, s.end), s.note) for s in finding.evidence]


@pytest.mark.parametrize("language", ["it", "fr", "en"])
def test_a_clean_reply_passes_and_a_typo_fails_with_its_span_and_suggestions(language) -> None:
    assert spelling(conv(language, ("customer", "?"), ("agent", CLEAN[language]))).verdict == "pass"
    reply, word, suggestion = TYPO[language]
    c = conv(language, ("customer", "?"), ("agent", reply))
    finding = spelling(c)
    assert finding.verdict == "fail" and finding.language == language
    (span,) = finding.evidence
    assert (span.message, span.start, span.end) == (2, reply.index(word), reply.index(word) + len(word))
    assert span.note.startswith("spelling:") and suggestion in span.note.removeprefix("spelling:").split("|")


@pytest.mark.parametrize("language", ["it", "fr", "en"])
def test_only_agent_messages_are_checked(language) -> None:
    reply, _word, _suggestion = TYPO[language]
    c = conv(language, ("customer", reply), ("agent", CLEAN[language]))
    assert spelling(c).verdict == "pass"


def test_quotes_urls_emails_codes_and_numbers_are_not_checked() -> None:
    reply = 'You wrote "my parsel is lost". See https://shop.example.com/trakking or write to suport@example.com quoting ABX7QZ9 and ref_xqwtz.'
    assert _errors("en", reply) == []


def test_names_from_the_chat_and_the_interaction_are_not_checked() -> None:
    # Mid-sentence capitals are names; "Jonh" opens the reply but the customer wrote it mid-sentence.
    assert _errors("en", "Jonh, thanks. I asked Marcco in billing.", customer="Hi, I am Jonh Smiht.") == []
    # A name the interaction gives (its agent's display name) is not checked even where a sentence opens with it.
    messages = (Msg(1, "customer", "?"), Msg(2, "agent", "Hello. Ema here, checking now."))
    assert spelling(Conversation(messages, language="en")).verdict == "fail"
    assert spelling(Conversation(messages, language="en", names=("Ema Rossi",))).verdict == "pass"


def test_acronyms_brands_and_the_allow_list_are_not_checked() -> None:
    assert _errors("en", "Your iPhone order via PayPal is in the qadesk helpdesk, the SMS is sent.") == []
    assert "qadesk" in language_data("it").allow and "qadesk" in language_data("fr").allow


def test_words_of_another_supported_language_are_not_misspellings() -> None:
    assert _errors("it", "Ho aperto un ticket e le mando il feedback per email.") == []
    assert _errors("fr", "Le tracking de votre colis est disponible.") == []


def test_a_message_in_another_language_is_not_checked_word_by_word() -> None:
    assert _errors("it", "Vielen Dank für Ihre Geduld, wir prüfen Ihre Bestellung sofort.") == []


def test_elisions_hyphens_and_inflections() -> None:
    assert _errors("it", "Controllo l'ordine dell'utente e le invio un'altra ricevuta, inviandogliela subito.") == []
    assert _errors("fr", "Aujourd'hui, qu'il soit livré ou non, je vérifie lorsqu'il arrive : c'est-à-dire demain.") == []
    assert _errors("en", "I apologise: we've recognised the colour issue and I'm sorry it's late.") == []


def test_a_word_far_from_every_dictionary_word_is_left_alone() -> None:
    assert _errors("en", "your zxqwvbn code is ready.".capitalize()) == []


def test_a_long_job_remembers_a_bounded_number_of_unknown_words(monkeypatch) -> None:
    from qadesk.autoqa.detectors import spelling as module

    monkeypatch.setattr(module, "MEMO_LIMIT", 20, raising=False)
    speller = module.Speller("en")  # a fresh one: the shared speller's memo stays as it is
    for n in range(100):  # a new unknown word in every message, as names, codes and typos come in real transcripts
        word = "".join("bcdfghlmnp"[int(d)] for d in f"{n:06d}")
        c = conv("en", ("customer", "?"), ("agent", f"Your code is {word}, have a nice day."))
        assert [s.note for s in module.spelling_spans(c.agent[0], speller, set)] == []
    assert 0 < len(speller.memo) <= 20
    assert 0 < len(speller.suggested) <= 20
    assert speller.known("parcel") and not speller.known("bcdfgh")


# Grammar rules: each with a case it finds and a case it must leave alone.
GRAMMAR = [
    ("en", "doubled_word", "I checked the the order.", "the the", "the", "I said that that order is fine."),
    ("it", "doubled_word", "Ho controllato il il pacco.", "il il", "il", "Arriva piano piano, ciao ciao!"),
    ("fr", "doubled_word", "Je vérifie le le colis.", "le le", "le", "Nous nous en occupons."),
    (
        "en",
        "capital_after_stop",
        "The parcel left. it arrives tomorrow.",
        "it",
        "It",
        "Bring the ID, e.g. a passport, etc. and more.",
    ),
    (
        "it",
        "capital_after_stop",
        "Il pacco è partito. arriva domani.",
        "arriva",
        "Arriva",
        "Porti documenti, ecc. e la ricevuta.",
    ),
    ("fr", "capital_after_stop", "Le colis est parti. il arrive demain.", "il", "Il", "Apportez la facture, etc. et le colis."),
    ("en", "space_before_punctuation", "Can I help with anything else ?", " ?", "?", "Is it all fine? Yes!"),
    ("it", "space_before_punctuation", "Posso aiutarla in altro ?", " ?", "?", "Posso aiutarla in altro?"),
    ("fr", "space_before_double_punctuation", "Puis-je vous aider?", "?", " ?", "Puis-je vous aider ? Oui : demain."),
    ("en", "a_an", "It is a issue with the courier.", "a", "an", "It is a one-off, a user error, an issue."),
    ("en", "an_a", "It is an problem with the courier.", "an", "a", "It takes an hour, an honest mistake."),
    ("en", "lowercase_i", "Yes, i checked the order.", "i", "I", "I checked item (i) of the list, i.e. the first."),
    ("it", "qual_e", "Qual'è il numero?", "Qual'è", "qual è", "Qual è il numero?"),
    ("it", "po_accent", "Serve un pò di pazienza.", "pò", "po'", "Serve un po' di pazienza."),
    ("it", "un_po", "Serve un po di pazienza.", "po", "po'", "Serve un po' di pazienza, la porta è aperta."),
    ("it", "e_verb", "Il pacco é in consegna.", "é", "è", "Il pacco è in consegna."),
    ("it", "accent_che", "Le scrivo perchè il pacco è fermo.", "perchè", "perché", "Le scrivo perché il pacco è fermo."),
    ("fr", "ca_cedilla", "Merci, ca marche maintenant.", "ca", "ça", "Merci, ça marche maintenant."),
]


@pytest.mark.parametrize(
    ("language", "code", "bad", "marked", "suggestion", "good"), GRAMMAR, ids=[f"{g[0]}-{g[1]}" for g in GRAMMAR]
)
def test_grammar_rule(language, code, bad, marked, suggestion, good) -> None:
    found = [(text, note) for text, note in _errors(language, bad) if note.startswith(f"grammar:{code}:")]
    assert found == [(marked, f"grammar:{code}:{suggestion}")]
    assert not [note for _text, note in _errors(language, good) if note.startswith(f"grammar:{code}:")]


def test_every_grammar_rule_of_the_data_is_tested() -> None:
    tested = {(language, code) for language, code, *_rest in GRAMMAR}
    assert {(lang, rule.code) for lang in ("it", "fr", "en") for rule in language_data(lang).grammar} == tested


def test_the_phrase_lists_own_words_are_all_known() -> None:
    """Every word of the greeting, closing… lists is spelt right: a reply made of them never fails."""
    import yaml

    from qadesk.autoqa.detectors.spelling import _WORD, MIN_LENGTH, speller
    from qadesk.autoqa.rules import RULES_DIR

    for language in ("it", "fr", "en"):
        data = yaml.safe_load((RULES_DIR / f"{language}.yaml").read_text(encoding="utf-8"))
        words = {w.lower() for k, v in data.items() if not k.endswith("_patterns") for p in v for w in _WORD.findall(p)}
        assert not [w for w in words if len(w) >= MIN_LENGTH and not speller(language).known(w)]


def test_not_applicable_without_agent_words_or_in_another_language() -> None:
    assert spelling(conv("en", ("customer", "Hello?"))).verdict == "na"
    assert spelling(conv("en", ("customer", "Hello?"), ("agent", "123 456"))).verdict == "na"
    assert spelling(conv("de", ("customer", "Hallo"), ("agent", "Guten Tag"))).verdict == "na"


def test_evidence_notes_read_as_words_in_the_users_language() -> None:
    from django.utils import translation

    from qadesk.autoqa.names import note_name

    assert note_name("spelling:receive|relieve") == "misspelt; suggestions: receive, relieve"
    assert note_name("grammar:a_an:an") == "'a' before a vowel; suggestion: an"
    assert note_name("grammar:capital_after_stop:It") == "capital letter missing after a full stop; suggestion: It"
    with translation.override("it"):
        assert note_name("spelling:rimborso") == "errore di ortografia; suggerimenti: rimborso"
    with translation.override("fr"):
        assert note_name("grammar:ca_cedilla:ça") == "« ça » prend une cédille ; suggestion : ça"
