"""Every built-in detector in Italian, French and English, with positive and negative cases (hard negatives
included), and evidence spans that point at the right characters."""

from __future__ import annotations

import pytest

from qadesk.autoqa.detectors.language import language_match
from qadesk.autoqa.detectors.phrases import closing, courtesy, customer_name, empathy, greeting, introduction, rude, solution
from qadesk.autoqa.detectors.timing import response_gaps
from qadesk.autoqa.engine import Finding
from qadesk.autoqa.tests.helpers import conv, quoted

C, A = "customer", "agent"

# (detector, language, turns, verdict, the text the first evidence span must quote or None)
CASES = [
    # greeting
    (greeting, "it", [(C, "Il pacco non è arrivato."), (A, "Buongiorno, controllo subito l'ordine.")], "pass", "Buongiorno"),
    (
        greeting,
        "it",
        [(C, "Il pacco non è arrivato."), (A, 'Ha scritto "buongiorno, il pacco non arriva": controllo.')],
        "fail",
        None,
    ),
    (greeting, "fr", [(C, "Mon colis n'est pas arrivé."), (A, "Bonjour Madame, je regarde votre commande.")], "pass", "Bonjour"),
    (
        greeting,
        "fr",
        [(C, "Mon colis n'est pas arrivé."), (A, "Vous avez écrit « bonjour, rien reçu » : je vérifie.")],
        "fail",
        None,
    ),
    (greeting, "en", [(C, "My parcel is late."), (A, "Hi there! Let me check your order.")], "pass", "Hi"),
    (greeting, "en", [(C, "My parcel is late."), (A, 'You wrote "hello, my parcel is late" and I checked it.')], "fail", None),
    # closing
    (closing, "it", [(C, "Grazie."), (A, "Il rimborso è partito. Buona giornata!")], "pass", "Buona giornata"),
    (closing, "it", [(C, "Grazie."), (A, "Il rimborso è partito.")], "fail", None),
    (closing, "fr", [(C, "Merci."), (A, "Le remboursement est lancé. Bonne journée !")], "pass", "Bonne journée"),
    (closing, "fr", [(C, "Merci."), (A, "Le remboursement est lancé.")], "fail", None),
    (
        closing,
        "en",
        [(C, "Thanks."), (A, "The refund is on its way. Is there anything else I can help with?")],
        "pass",
        "Is there anything else",
    ),
    (closing, "en", [(C, "Thanks."), (A, "The refund is on its way.")], "fail", None),
    # introduction
    (introduction, "it", [(C, "Salve"), (A, "Buongiorno, sono Giulia del servizio clienti.")], "pass", "sono Giulia del"),
    (introduction, "it", [(C, "Salve"), (A, "Buongiorno, sono spiacente per il ritardo.")], "fail", None),
    (
        introduction,
        "fr",
        [(C, "Bonjour"), (A, "Bonjour, je m'appelle Claire et je m'occupe de votre demande.")],
        "pass",
        "je m'appelle Claire",
    ),
    (introduction, "fr", [(C, "Bonjour"), (A, "Bonjour, je suis Désolée de ce retard.")], "fail", None),
    (introduction, "en", [(C, "Hello"), (A, "Hi, my name is Tom and I'll help you today.")], "pass", "my name is Tom"),
    (introduction, "en", [(C, "Hello"), (A, "Hi, I'm Sorry for the delay.")], "fail", None),
    # customer name
    (
        customer_name,
        "it",
        [(C, "Salve, sono Marco Bianchi, il pacco è rotto."), (A, "Buongiorno Marco, verifico.")],
        "pass",
        "Marco",
    ),
    (customer_name, "it", [(C, "Salve, sono Marco Bianchi, il pacco è rotto."), (A, "Buongiorno, verifico.")], "fail", "Marco"),
    (customer_name, "it", [(C, "Il pacco è rotto."), (A, "Buongiorno, verifico.")], "na", None),
    (
        customer_name,
        "fr",
        [(C, "Bonjour, je m'appelle Sophie, mon colis est abîmé."), (A, "Bonjour Sophie, je vérifie.")],
        "pass",
        "Sophie",
    ),
    (
        customer_name,
        "fr",
        [(C, "Bonjour, je m'appelle Sophie, mon colis est abîmé."), (A, "Bonjour, je vérifie.")],
        "fail",
        "Sophie",
    ),
    (
        customer_name,
        "en",
        [(C, "Hi, my name is Peter, my parcel is damaged."), (A, "Hello Peter, let me check.")],
        "pass",
        "Peter",
    ),
    (customer_name, "en", [(C, "Hi, my name is Peter, my parcel is damaged."), (A, "Hello, let me check.")], "fail", "Peter"),
    # empathy
    (
        empathy,
        "it",
        [(C, "È la terza volta che scrivo, è inaccettabile!"), (A, "Mi dispiace molto, capisco il disagio.")],
        "pass",
        "Mi dispiace molto",
    ),
    (empathy, "it", [(C, "È inaccettabile!"), (A, "Mi dispiace che la pensi così.")], "fail", "inaccettabile"),
    (empathy, "it", [(C, "Dove è il mio pacco?"), (A, "Arriva domani.")], "na", None),
    (
        empathy,
        "fr",
        [(C, "C'est inacceptable, je suis furieux."), (A, "Je suis désolé pour ce retard.")],
        "pass",
        "Je suis désolé",
    ),
    (empathy, "fr", [(C, "C'est inacceptable."), (A, "Désolé que vous le preniez ainsi.")], "fail", "inacceptable"),
    (empathy, "en", [(C, "This is unacceptable, I'm furious."), (A, "I'm so sorry about this delay.")], "pass", "so sorry"),
    (empathy, "en", [(C, "This is unacceptable."), (A, "I'm sorry you feel that way.")], "fail", "unacceptable"),
    # courtesy
    (courtesy, "it", [(C, "Ciao"), (A, "Mi mandi per favore il numero d'ordine.")], "pass", "per favore"),
    (courtesy, "it", [(C, "Ciao"), (A, "Mi mandi il numero d'ordine.")], "fail", None),
    (courtesy, "fr", [(C, "Salut"), (A, "Envoyez-moi le numéro de commande, s'il vous plaît.")], "pass", "s'il vous plaît"),
    (courtesy, "fr", [(C, "Salut"), (A, "Envoyez-moi le numéro de commande.")], "fail", None),
    (courtesy, "en", [(C, "Hi"), (A, "Could you send me the order number, please?")], "pass", "please"),
    (courtesy, "en", [(C, "Hi"), (A, "Send me the order number.")], "fail", None),
    # rude
    (rude, "it", [(C, "Il pacco?"), (A, "Non è un mio problema, si arrangi.")], "fail", "Non è un mio problema"),
    (rude, "it", [(C, "Il pacco?"), (A, "Controllo subito, un attimo.")], "pass", None),
    (rude, "fr", [(C, "Mon colis ?"), (A, "Ce n'est pas mon problème.")], "fail", "Ce n'est pas mon problème"),
    (rude, "fr", [(C, "Mon colis ?"), (A, "Je vérifie tout de suite.")], "pass", None),
    (rude, "en", [(C, "My parcel?"), (A, "Not my problem, deal with it.")], "fail", "Not my problem"),
    (rude, "en", [(C, "My parcel?"), (A, "I'm checking it right now.")], "pass", None),
    (rude, "en", [(C, "This is a joke."), (A, "I'm sorry you feel that way.")], "fail", "I'm sorry you feel that way"),
    # solution
    (
        solution,
        "it",
        [(C, "Il pacco è rotto."), (A, "Ho provveduto al rimborso, lo vedrà entro 5 giorni.")],
        "pass",
        "Ho provveduto",
    ),
    (solution, "it", [(C, "Il pacco è rotto."), (A, "Capisco.")], "fail", None),
    (solution, "fr", [(C, "Le colis est abîmé."), (A, "Vous recevrez un nouveau colis demain.")], "pass", "Vous recevrez"),
    (solution, "fr", [(C, "Le colis est abîmé."), (A, "Je comprends.")], "fail", None),
    (
        solution,
        "en",
        [(C, "The parcel is broken."), (A, "I've issued a refund; you'll see it within 5 days.")],
        "pass",
        "I've issued",
    ),
    (solution, "en", [(C, "The parcel is broken."), (A, "I see.")], "fail", None),
]


@pytest.mark.parametrize(("detector", "language", "turns", "verdict", "evidence"), CASES)
def test_it_decides_each_case_and_points_at_the_evidence(detector, language, turns, verdict, evidence) -> None:
    c = conv(language, *turns)
    finding: Finding = detector(c)
    assert finding.verdict == verdict
    if evidence is None:
        if verdict == "fail" and detector in {greeting, closing, introduction, courtesy, solution}:
            assert finding.evidence == ()
    else:
        span = finding.evidence[0]
        assert quoted(c, span.message, span.start, span.end).casefold() == evidence.casefold()


@pytest.mark.parametrize("language", ["it", "fr", "en"])
def test_every_phrase_detector_says_not_applicable_without_agent_messages(language) -> None:
    c = conv(language, (C, "Ciao / Bonjour / Hello"))
    for detector in (greeting, closing, introduction, customer_name, empathy, courtesy, rude, solution):
        assert detector(c).verdict == "na"


def test_phrase_detectors_say_not_applicable_in_a_language_they_do_not_know() -> None:
    c = conv("de", (C, "Wo ist mein Paket?"), (A, "Guten Tag, ich prüfe es."))
    assert greeting(c).verdict == "na"


def test_an_unknown_contact_language_falls_back_to_the_language_of_the_text() -> None:
    c = conv("", (C, "Il mio pacco non è arrivato, dove è?"), (A, "Buongiorno, controllo subito il suo ordine."))
    assert c.rules_language == "it" and greeting(c).verdict == "pass"


@pytest.mark.parametrize(
    ("customer", "agent", "verdict", "other"),
    [
        (
            "Il mio pacco non è ancora arrivato, è già la seconda volta che scrivo.",
            "Mi scusi, controllo subito il suo ordine.",
            "pass",
            None,
        ),
        (
            "Il mio pacco non è ancora arrivato, è già la seconda volta che scrivo.",
            "Sorry, I will check your order right now.",
            "fail",
            "en",
        ),
        (
            "Mon colis n'est pas encore arrivé, c'est déjà la deuxième fois que j'écris.",
            "Je vérifie votre commande tout de suite.",
            "pass",
            None,
        ),
        (
            "Mon colis n'est pas encore arrivé, c'est déjà la deuxième fois que j'écris.",
            "Controllo subito il suo ordine, è già partito.",
            "fail",
            "it",
        ),
        ("My parcel has still not arrived, this is the second time I write.", "I will check your order right now.", "pass", None),
        (
            "My parcel has still not arrived, this is the second time I write.",
            "Je vérifie votre commande, elle est déjà partie.",
            "fail",
            "fr",
        ),
    ],
)
def test_the_agent_answers_in_the_customers_language(customer, agent, verdict, other) -> None:
    c = conv("", (C, customer), (A, agent))
    finding = language_match(c)
    assert finding.verdict == verdict
    if other:
        span = finding.evidence[0]
        assert (span.message, span.start, span.end, span.note) == (2, 0, len(agent), other)


def test_language_match_is_not_applicable_when_the_customer_writes_too_little() -> None:
    assert language_match(conv("", (C, "ok"), (A, "I will check your order right now."))).verdict == "na"


@pytest.mark.parametrize(
    ("channel", "minutes", "verdict", "late"),
    [
        ("chat", [0, 1, 2, 10], "fail", 4),
        ("chat", [0, 1, 2, 3], "pass", None),
        ("email", [0, 600, 700, 1000], "pass", None),
        ("email", [0, 2000, 2001, 2002], "fail", 2),
        ("phone", [0, 1, 2, 30], "na", None),
    ],
)
def test_slow_replies_are_measured_from_the_first_unanswered_customer_message(channel, minutes, verdict, late) -> None:
    c = conv("en", (C, "Hello"), (A, "Hi, checking."), (C, "Any news?"), (A, "Found it."), channel=channel, minutes=minutes)
    finding = response_gaps(c)
    assert finding.verdict == verdict
    assert [span.message for span in finding.evidence] == ([late] if late else [])


def test_slow_replies_are_not_applicable_without_message_times() -> None:
    c = conv("en", (C, "Hello"), (A, "Hi"))
    c = type(c)(tuple(type(m)(m.id, m.role, m.text, None) for m in c.messages), language="en", channel="chat")
    assert response_gaps(c).verdict == "na"
