"""Writes qadesk/autoqa/gold/{it,fr,en}.jsonl, the evaluation sets of the built-in detectors (docs/autoqa.md).

The conversations and their gold verdicts were written by hand by the qadesk team (not generated, not taken from the
detectors' output): realistic chats and e-mails, with hard negatives — a greeting inside a quote, a sarcastic apology,
a card-shaped order number that fails Luhn — and cases the phrase lists are known to miss. This script only wraps them
in the import format: `python scripts/autoqa_gold.py`, then `qadesk autoqa evaluate qadesk/autoqa/gold/it.jsonl`.
"""

# ruff: noqa: E501  (hand-written conversations: one message per line reads better than wrapped text)

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "qadesk" / "autoqa" / "gold"
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
CRITERIA = (
    "greeting", "closing", "introduction", "customer_name", "empathy", "courtesy", "rude", "language_match", "solution",
    "sensitive_data", "response_gaps",
)  # fmt: skip
P, F, N = "pass", "fail", "na"

# (id, channel, [(role, minute, text)], verdicts in CRITERIA order)
SETS: dict[str, list[tuple[str, str, list[tuple[str, float, str]], tuple[str, ...]]]] = {
    "it": [
        (
            "it-01",
            "chat",
            [
                ("customer", 0, "Buongiorno, sono Marco Bianchi. Il pacco dell'ordine 4411 non è ancora arrivato."),
                (
                    "agent",
                    1,
                    "Buongiorno Marco, sono Giulia del servizio clienti. Controllo subito l'ordine, un attimo per favore.",
                ),
                (
                    "agent",
                    2,
                    "Il corriere ha avuto un ritardo: il pacco le arriverà domani entro le 13. Le ho inviato il tracking per e-mail.",
                ),
                ("customer", 3, "Perfetto, grazie."),
                ("agent", 4, "Grazie a lei, buona giornata!"),
            ],
            (P, P, P, P, N, P, P, P, P, P, P),
        ),
        (
            "it-02",
            "chat",
            [
                (
                    "customer",
                    0,
                    'Ho scritto "buongiorno, dov\'è il mio rimborso?" tre giorni fa e nessuno mi risponde. È inaccettabile!',
                ),
                (
                    "agent",
                    6,
                    'Lei ha scritto "buongiorno, dov\'è il mio rimborso?" ma il rimborso richiede 14 giorni, legga meglio le condizioni.',
                ),
                ("customer", 7, "Quindi devo aspettare ancora?"),
                ("agent", 8, "Sì."),
            ],
            (F, F, F, N, F, F, F, P, F, P, F),
        ),
        (
            "it-03",
            "chat",
            [
                ("customer", 0, "Il prodotto è arrivato rotto per la seconda volta, sono davvero stufa."),
                ("agent", 1, "Buonasera. Mi dispiace che la pensi così, ma l'imballaggio era conforme."),
                ("customer", 2, "Quindi?"),
                ("agent", 3, "Può aprire un reso dal sito, se vuole. Saluti."),
            ],
            (P, P, F, N, F, F, F, P, P, P, P),
        ),
        (
            "it-04",
            "chat",
            [
                ("customer", 0, "Salve, il mio ordine 4111 1111 1111 1112 risulta annullato, perché?"),
                (
                    "agent",
                    1,
                    "Salve e grazie per averci contattato! Sono Luca. Vedo che l'ordine è stato annullato per un errore di pagamento.",
                ),
                ("agent", 2, "Ho provveduto a ripristinarlo: riceverà una conferma via e-mail entro un'ora."),
                ("customer", 3, "Grazie mille"),
                ("agent", 4, "Prego! Posso aiutarla in altro? Buona serata."),
            ],
            (P, P, P, N, N, P, P, P, P, P, P),
        ),
        (
            "it-05",
            "chat",
            [
                ("customer", 0, "Buongiorno, vorrei pagare la differenza. La mia carta è 5555 5555 5555 4444, scadenza 10/28."),
                (
                    "agent",
                    1,
                    "Buongiorno, per la sua sicurezza non scriva mai i dati della carta in chat. Le invierò un link di pagamento sicuro.",
                ),
                ("customer", 2, "Ok scusate"),
                ("agent", 3, "Nessun problema. Il link è arrivato nella sua casella. Buona giornata!"),
            ],
            (P, P, F, N, N, P, P, P, P, F, P),
        ),
        (
            "it-06",
            "chat",
            [
                ("customer", 0, "Salve, devo aggiornare i dati di fatturazione. Il mio codice fiscale è RSSMRA85T10A562S."),
                ("agent", 1, "Hello! I will update your billing details right away."),
                ("customer", 2, "Scusi, può scrivermi in italiano?"),
                ("agent", 3, "Certo, mi scusi. Ho aggiornato i dati di fatturazione. Buona giornata."),
            ],
            (P, P, F, N, N, P, P, F, P, F, P),
        ),
        (
            "it-07",
            "email",
            [
                (
                    "customer",
                    0,
                    "Gentili signori,\nvi chiedo il rimborso sul mio conto IT60 X054 2811 1010 0000 0123 456.\nCordiali saluti,\nFrancesca",
                ),
                (
                    "agent",
                    300,
                    "Gentile Francesca,\nabbiamo ricevuto la sua richiesta. Il rimborso verrà accreditato entro 5 giorni lavorativi.\nCordiali saluti,\nServizio Clienti",
                ),
            ],
            (P, P, F, P, N, P, P, P, P, F, P),
        ),
        (
            "it-08",
            "chat",
            [
                ("customer", 0, "Terzo pacco perso in un mese!! Sono furioso."),
                (
                    "agent",
                    1,
                    "Buongiorno, la capisco benissimo, è una situazione frustrante. Apro subito una pratica con il corriere.",
                ),
                ("customer", 2, "Spero che serva"),
                ("agent", 3, "La ricontatteremo entro 48 ore con l'esito. Buona giornata."),
            ],
            (P, P, F, N, P, P, P, P, P, P, P),
        ),
        (
            "it-09",
            "chat",
            [
                ("customer", 0, "Ciao, non riesco ad accedere al mio account."),
                ("agent", 12, "Ciao! Sono Paolo, ti aiuto io. Ho reimpostato la password: ti è arrivata una mail con il link."),
                ("customer", 13, "Sì, funziona, grazie!"),
                ("agent", 14, "Perfetto, buona giornata!"),
            ],
            (P, P, P, N, N, P, P, P, P, P, F),
        ),
        (
            "it-10",
            "chat",
            [
                ("customer", 0, "Buongiorno, potete richiamarmi al 347 123 4567? Oppure scrivetemi a anna.verdi@example.it"),
                ("agent", 1, "Buongiorno, certo. La richiameremo entro oggi pomeriggio. Grazie e buona giornata."),
            ],
            (P, P, F, N, N, P, P, P, P, F, P),
        ),
        (
            "it-11",
            "chat",
            [
                ("customer", 0, "Quando arriva il rimborso?"),
                ("agent", 1, "Come le ho già detto, ci vogliono 10 giorni. Non insista."),
            ],
            (F, F, F, N, N, F, F, P, F, P, P),
        ),
        (
            "it-12",
            "chat",
            [
                ("customer", 0, "Vorrei cambiare l'indirizzo di consegna."),
                ("agent", 1, "Mi indichi il nuovo indirizzo, per favore."),
                ("customer", 2, "Via Roma 10, Milano."),
                ("agent", 3, "Ho aggiornato l'indirizzo. Ciao!"),
            ],
            (F, P, F, N, N, P, P, P, P, P, P),
        ),
        (
            "it-13",
            "chat",
            [
                ("customer", 0, "Salve, sono Roberta Neri, vorrei sapere lo stato del reso 889."),
                (
                    "agent",
                    1,
                    "Buongiorno, il reso è stato ricevuto ieri: il rimborso verrà accreditato entro 3 giorni. Grazie e buona giornata.",
                ),
            ],
            (P, P, F, F, N, P, P, P, P, P, P),
        ),
    ],
    "fr": [
        (
            "fr-01",
            "chat",
            [
                ("customer", 0, "Bonjour, je m'appelle Sophie Martin. Ma commande 5521 n'est toujours pas arrivée."),
                (
                    "agent",
                    1,
                    "Bonjour Sophie, je suis Claire du service client. Je vérifie votre commande, un instant s'il vous plaît.",
                ),
                ("agent", 2, "Le transporteur a pris du retard : vous recevrez votre colis demain avant 13 h."),
                ("customer", 3, "Merci beaucoup."),
                ("agent", 4, "Je vous en prie, bonne journée !"),
            ],
            (P, P, P, P, N, P, P, P, P, P, P),
        ),
        (
            "fr-02",
            "chat",
            [
                (
                    "customer",
                    0,
                    "J'ai écrit « bonjour, où est mon remboursement ? » il y a une semaine et personne ne répond. C'est inacceptable !",
                ),
                (
                    "agent",
                    5,
                    "Vous avez écrit « bonjour, où est mon remboursement ? » mais lisez mieux les conditions : le délai est de 14 jours.",
                ),
                ("customer", 6, "Donc je dois encore attendre ?"),
                ("agent", 7, "Oui."),
            ],
            (F, F, F, N, F, F, F, P, F, P, F),
        ),
        (
            "fr-03",
            "chat",
            [
                ("customer", 0, "Le produit est arrivé cassé pour la deuxième fois, je suis vraiment déçue."),
                ("agent", 1, "Bonsoir. Désolé que vous le preniez ainsi, mais l'emballage était conforme."),
                ("customer", 2, "Et alors ?"),
                ("agent", 3, "Vous pouvez faire un retour sur le site. Cordialement."),
            ],
            (P, P, F, N, F, F, F, P, P, P, P),
        ),
        (
            "fr-04",
            "chat",
            [
                ("customer", 0, "Bonjour, ma commande 4111 1111 1111 1112 est annulée, pourquoi ?"),
                (
                    "agent",
                    1,
                    "Bonjour et merci de nous avoir contactés ! Je suis Marc, du service client. La commande a été annulée suite à un incident de paiement.",
                ),
                ("agent", 2, "J'ai procédé à sa réactivation : vous recevrez une confirmation par e-mail d'ici une heure."),
                ("customer", 3, "Merci"),
                ("agent", 4, "Avec plaisir ! Puis-je vous aider pour autre chose ? Bonne soirée."),
            ],
            (P, P, P, N, N, P, P, P, P, P, P),
        ),
        (
            "fr-05",
            "chat",
            [
                ("customer", 0, "Bonjour, pour mon dossier voici mon numéro de sécurité sociale : 2 55 08 14 168 025 38."),
                (
                    "agent",
                    1,
                    "Bonjour, merci. Pour votre sécurité, ne partagez jamais ce numéro dans le chat. Je vous enverrai un formulaire sécurisé.",
                ),
                ("agent", 2, "Le formulaire est envoyé. Bonne journée !"),
            ],
            (P, P, F, N, N, P, P, P, P, F, P),
        ),
        (
            "fr-06",
            "chat",
            [
                ("customer", 0, "Bonjour, je n'arrive pas à modifier mon adresse de livraison sur le site."),
                ("agent", 1, "Hello, I have updated your delivery address for you."),
                ("customer", 2, "Pardon, vous pouvez m'écrire en français ?"),
                ("agent", 3, "Bien sûr, excusez-moi. J'ai mis à jour votre adresse. Bonne journée."),
            ],
            (P, P, F, N, N, P, P, F, P, P, P),
        ),
        (
            "fr-07",
            "email",
            [
                (
                    "customer",
                    0,
                    "Madame, Monsieur,\nje demande le remboursement sur mon compte FR14 2004 1010 0505 0001 3M02 606.\nCordialement,\nJulien",
                ),
                (
                    "agent",
                    240,
                    "Bonjour Julien,\nnous avons bien reçu votre demande. Vous serez remboursé sous 5 jours ouvrés.\nCordialement,\nLe service client",
                ),
            ],
            (P, P, F, P, N, P, P, P, P, F, P),
        ),
        (
            "fr-08",
            "chat",
            [
                ("customer", 0, "Troisième colis perdu ce mois-ci !! Je suis furieux."),
                (
                    "agent",
                    1,
                    "Bonjour, je vous comprends tout à fait, c'est très frustrant. J'ouvre immédiatement un dossier auprès du transporteur.",
                ),
                ("customer", 2, "J'espère que ça servira"),
                ("agent", 3, "Nous vous recontacterons sous 48 heures avec le résultat. Bonne journée."),
            ],
            (P, P, F, N, P, P, P, P, P, P, P),
        ),
        (
            "fr-09",
            "chat",
            [
                ("customer", 0, "Salut, je ne peux plus me connecter à mon compte."),
                (
                    "agent",
                    15,
                    "Bonjour ! Je m'appelle Léa. J'ai réinitialisé votre mot de passe : vous avez reçu un e-mail avec le lien.",
                ),
                ("customer", 16, "Oui, ça marche, merci !"),
                ("agent", 17, "Parfait, bonne journée !"),
            ],
            (P, P, P, N, N, P, P, P, P, P, F),
        ),
        (
            "fr-10",
            "chat",
            [
                ("customer", 0, "Bonjour, pouvez-vous me rappeler au 06 12 34 56 78 ? Ou écrivez-moi à marie.dupont@example.fr"),
                ("agent", 1, "Bonjour, bien sûr. Nous vous rappellerons cet après-midi. Merci et bonne journée."),
            ],
            (P, P, F, N, N, P, P, P, P, F, P),
        ),
        (
            "fr-11",
            "chat",
            [
                ("customer", 0, "Quand arrive mon remboursement ?"),
                ("agent", 1, "Comme je l'ai déjà dit, il faut 10 jours. N'insistez pas."),
            ],
            (F, F, F, N, N, F, F, P, F, P, P),
        ),
        (
            "fr-12",
            "chat",
            [
                ("customer", 0, "Je voudrais changer l'adresse de livraison."),
                ("agent", 1, "Indiquez-moi la nouvelle adresse, s'il vous plaît."),
                ("customer", 2, "10 rue de la Paix, Lyon."),
                ("agent", 3, "C'est fait, l'adresse est modifiée. À plus !"),
            ],
            (F, P, F, N, N, P, P, P, P, P, P),
        ),
        (
            "fr-13",
            "chat",
            [
                ("customer", 0, "Bonjour, c'est Thomas Petit, je voudrais connaître l'état de mon retour 889."),
                ("agent", 1, "Bonjour, le retour a été reçu hier : vous serez remboursé sous 3 jours. Merci et bonne journée."),
            ],
            (P, P, F, F, N, P, P, P, P, P, P),
        ),
    ],
    "en": [
        (
            "en-01",
            "chat",
            [
                ("customer", 0, "Hi, my name is Peter Jones. My order 7781 still hasn't arrived."),
                ("agent", 1, "Hello Peter, this is Emma from customer care. Let me check your order, one moment please."),
                ("agent", 2, "The courier had a delay: you'll receive the parcel tomorrow before 1 pm."),
                ("customer", 3, "Great, thanks."),
                ("agent", 4, "You're welcome, have a great day!"),
            ],
            (P, P, P, P, N, P, P, P, P, P, P),
        ),
        (
            "en-02",
            "chat",
            [
                ("customer", 0, 'I wrote "hello, where is my refund?" a week ago and no one replies. This is unacceptable!'),
                ("agent", 5, 'You wrote "hello, where is my refund?" but learn to read the terms: refunds take 14 days.'),
                ("customer", 6, "So I have to wait even longer?"),
                ("agent", 7, "Yes."),
            ],
            (F, F, F, N, F, F, F, P, F, P, F),
        ),
        (
            "en-03",
            "chat",
            [
                ("customer", 0, "The product arrived broken for the second time, I'm really disappointed."),
                ("agent", 1, "Good evening. I'm sorry you feel that way, but the packaging met our standards."),
                ("customer", 2, "And?"),
                ("agent", 3, "You can return it on the website. Regards."),
            ],
            (P, P, F, N, F, F, F, P, P, P, P),
        ),
        (
            "en-04",
            "chat",
            [
                ("customer", 0, "Hello, my order 4111 1111 1111 1112 shows as cancelled, why?"),
                (
                    "agent",
                    1,
                    "Hi and thanks for reaching out! I'm Sam, from the support team. The order was cancelled after a payment error.",
                ),
                ("agent", 2, "I've reactivated it: you will receive a confirmation e-mail within the hour."),
                ("customer", 3, "Thanks"),
                ("agent", 4, "My pleasure! Is there anything else I can help with? Have a nice evening."),
            ],
            (P, P, P, N, N, P, P, P, P, P, P),
        ),
        (
            "en-05",
            "chat",
            [
                ("customer", 0, "Good morning, I'd like to pay the difference. My card is 5555 5555 5555 4444, expiry 10/28."),
                (
                    "agent",
                    1,
                    "Good morning, for your safety please never type card details in the chat. I'll send you a secure payment link.",
                ),
                ("customer", 2, "Ok sorry"),
                ("agent", 3, "No problem. The link is in your inbox. Have a good day!"),
            ],
            (P, P, F, N, N, P, P, P, P, F, P),
        ),
        (
            "en-06",
            "chat",
            [
                ("customer", 0, "Hello, I can't change my delivery address on the website, can you help?"),
                ("agent", 1, "Buongiorno, ho aggiornato il suo indirizzo di consegna."),
                ("customer", 2, "Sorry, could you write in English?"),
                ("agent", 3, "Of course, my apologies. I have updated your address. Have a nice day."),
            ],
            (P, P, F, N, N, P, P, F, P, P, P),
        ),
        (
            "en-07",
            "email",
            [
                (
                    "customer",
                    0,
                    "Dear Sir or Madam,\nplease refund me to my account GB82 WEST 1234 5698 7654 32.\nKind regards,\nOliver",
                ),
                (
                    "agent",
                    180,
                    "Dear Oliver,\nwe have received your request. The amount will be refunded within 5 business days.\nKind regards,\nCustomer Care",
                ),
            ],
            (P, P, F, P, N, P, P, P, P, F, P),
        ),
        (
            "en-08",
            "chat",
            [
                ("customer", 0, "Third parcel lost this month!! I'm furious."),
                (
                    "agent",
                    1,
                    "Hello, that sounds really frustrating and I completely get it. I'm opening a claim with the courier right now.",
                ),
                ("customer", 2, "I hope it helps"),
                ("agent", 3, "We'll get back to you within 48 hours with the outcome. Have a good day."),
            ],
            (P, P, F, N, P, P, P, P, P, P, P),
        ),
        (
            "en-09",
            "chat",
            [
                ("customer", 0, "Hey, I can't log in to my account."),
                ("agent", 20, "Hi! My name is Jack. I've reset your password: you should have an e-mail with the link."),
                ("customer", 21, "Yes, it works, thanks!"),
                ("agent", 22, "Great, take care!"),
            ],
            (P, P, P, N, N, P, P, P, P, P, F),
        ),
        (
            "en-10",
            "chat",
            [
                ("customer", 0, "Hello, could you call me back on +44 7700 900123? Or e-mail me at lucy.brown@example.co.uk"),
                ("agent", 1, "Hello, of course. We will call you back this afternoon. Thank you and have a nice day."),
            ],
            (P, P, F, N, N, P, P, P, P, F, P),
        ),
        (
            "en-11",
            "chat",
            [
                ("customer", 0, "When will my refund arrive?"),
                ("agent", 1, "As I already said, it takes 10 days. Stop asking."),
            ],
            (F, F, F, N, N, F, F, P, F, P, P),
        ),
        (
            "en-12",
            "chat",
            [
                ("customer", 0, "I'd like to change the delivery address."),
                ("agent", 1, "Please send me the new address."),
                ("customer", 2, "10 Baker Street, London."),
                ("agent", 3, "Done, the address is changed. Cheers!"),
            ],
            (F, P, F, N, N, P, P, P, P, P, P),
        ),
        (
            "en-13",
            "chat",
            [
                ("customer", 0, "Hi, this is Rachel Green, I'd like to know the status of return 889."),
                (
                    "agent",
                    1,
                    "Hello, the return arrived yesterday: you will be refunded within 3 days. Thank you and have a nice day.",
                ),
            ],
            (P, P, F, F, N, P, P, P, P, P, P),
        ),
    ],
}


# Spelling and grammar (criterion `spelling`): every conversation above passes (written and proof-read by hand), and
# these, written by hand too, are judged on spelling alone — misspellings and grammar slips of the agent, and hard
# negatives: the customer's typos, a typo inside a quote, names, codes, links, e-mail addresses, an English term in
# an Italian or French reply, brands in capitals or mixed case.
SPELLING_SETS: dict[str, list[tuple[str, str, list[tuple[str, float, str]], str]]] = {
    "it": [
        (
            "it-s01",
            "chat",
            [
                ("customer", 0, "Il pacco non è arrivato."),
                ("agent", 1, "Mi dispiace, verifico subito la spedizzione e le scrivo entro oggi."),
            ],
            F,
        ),
        (
            "it-s02",
            "chat",
            [
                ("customer", 0, "Qual è lo stato del rimborso?"),
                ("agent", 1, "Qual'è il numero dell'ordine? Così controllo il rimborso."),
            ],
            F,
        ),
        (
            "it-s03",
            "email",
            [
                ("customer", 0, "Buongiorno, ho ricevuto un prodoto rotto e vorrei il rimborzo."),
                (
                    "agent",
                    5,
                    "Buongiorno Franco, mi dispiace per il prodotto danneggiato: ho avviato il rimborso, riceverà l'accredito entro cinque giorni lavorativi.",
                ),
            ],
            P,
        ),
        (
            "it-s04",
            "chat",
            [
                ("customer", 0, "Ciao, il codice non funziona."),
                (
                    "agent",
                    1,
                    "Ho controllato il codice XK42PLM e il link https://negozio.example.it/resi: le ho aperto un ticket, le mando il feedback per email a franco.neri@example.it.",
                ),
            ],
            P,
        ),
        (
            "it-s05",
            "chat",
            [
                ("customer", 0, "Avete ricevuto la foto?"),
                ("agent", 1, "Sì, l'abbiamo ricevuta. Le invio un pò di istruzioni perchè possa completare il reso."),
            ],
            F,
        ),
        (
            "it-s06",
            "email",
            [
                ("customer", 0, 'Mi avete scritto "il pacco é partito" ma non è vero.'),
                (
                    "agent",
                    5,
                    'Lei ha citato "il pacco é partito": mi scuso, il messaggio era sbagliato. Il pacco partirà domani con Bartolini.',
                ),
            ],
            P,
        ),
        (
            "it-s07",
            "chat",
            [
                ("customer", 0, "Posso pagare con PayPal?"),
                ("agent", 1, "Certo, accettiamo PayPal e le carte prepagate. il pagamento è immediato."),
            ],
            F,
        ),
        (
            "it-s08",
            "chat",
            [
                ("customer", 0, "Quando arriva il corriere?"),
                ("agent", 1, "Il corriere passerà domani mattina: riceverà un SMS con l'orario di consegna."),
            ],
            P,
        ),
        (
            "it-s09",
            "chat",
            [
                ("customer", 0, "Grazie mille."),
                ("agent", 1, "Di niente, e scusi per l'attesa: il nostro sistema ha avuto un rallentamento stamattina."),
            ],
            P,
        ),
        (
            "it-s10",
            "chat",
            [
                ("customer", 0, "Posso cambiare indirizzo?"),
                ("agent", 1, "Si, posso modificare l'indirizo fino alla partenza del pacco."),
            ],
            F,
        ),
    ],
    "fr": [
        (
            "fr-s01",
            "chat",
            [
                ("customer", 0, "Mon colis n'est pas arrivé."),
                ("agent", 1, "Je suis désolée, je vérifie tout de suite la livraison et je vous répons dans la journée."),
            ],
            F,
        ),
        (
            "fr-s02",
            "chat",
            [
                ("customer", 0, "Vous avez reçu ma photo ?"),
                ("agent", 1, "Oui, merci! Je transmets le dossier au service technique."),
            ],
            F,
        ),
        (
            "fr-s03",
            "email",
            [
                ("customer", 0, "Bonjour, j'ai recu un produit cassé et je voudrais un rembourssement."),
                (
                    "agent",
                    5,
                    "Bonjour Martine, je suis désolée pour le produit abîmé : j'ai lancé le remboursement, vous le recevrez sous cinq jours ouvrés.",
                ),
            ],
            P,
        ),
        (
            "fr-s04",
            "chat",
            [
                ("customer", 0, "Le code ne marche pas."),
                (
                    "agent",
                    1,
                    "J'ai vérifié le code ZQ71KLX et le lien https://boutique.example.fr/retours : je vous ai ouvert un ticket, le tracking est envoyé à martine.roux@example.fr.",
                ),
            ],
            P,
        ),
        (
            "fr-s05",
            "chat",
            [
                ("customer", 0, "Merci pour votre aide."),
                ("agent", 1, "Avec plaisir. ca marche maintenant, vous pouvez vous connecter."),
            ],
            F,
        ),
        (
            "fr-s06",
            "email",
            [
                ("customer", 0, "Vous m'avez écrit « le colis est partit » mais c'est faux."),
                (
                    "agent",
                    5,
                    "Vous citez « le colis est partit » : je m'excuse, ce message était erroné. Le colis partira demain avec Chronopost.",
                ),
            ],
            P,
        ),
        (
            "fr-s07",
            "chat",
            [
                ("customer", 0, "Je peux payer avec PayPal ?"),
                ("agent", 1, "Bien sûr, nous acceptons PayPal et les cartes prépayées. Le paiement est immédiat."),
            ],
            P,
        ),
        (
            "fr-s08",
            "chat",
            [
                ("customer", 0, "Quand passe le livreur ?"),
                ("agent", 1, "Le livreur passera demain matin : vous recevrez un SMS avec l'heure de livraison."),
            ],
            P,
        ),
        (
            "fr-s09",
            "chat",
            [
                ("customer", 0, "Je peux changer l'adresse ?"),
                ("agent", 1, "Oui, je peux modifier l'adresse jusqu'au départ du colis. Votre commende est en préparation."),
            ],
            F,
        ),
        (
            "fr-s10",
            "chat",
            [
                ("customer", 0, "Merci beaucoup."),
                ("agent", 1, "Je vous en prie, et désolée pour l'attente : notre système a été ralenti ce matin."),
            ],
            P,
        ),
    ],
    "en": [
        (
            "en-s01",
            "chat",
            [
                ("customer", 0, "My parcel hasn't arrived."),
                ("agent", 1, "I'm sorry, I will check the delivery and get back to you by tomorow."),
            ],
            F,
        ),
        (
            "en-s02",
            "chat",
            [
                ("customer", 0, "Did you get my photo?"),
                ("agent", 1, "Yes, thanks. It looks like a issue with the hinge, I'll send a replacement."),
            ],
            F,
        ),
        (
            "en-s03",
            "email",
            [
                ("customer", 0, "Hi, I recieved a broken product and I want a refund."),
                (
                    "agent",
                    5,
                    "Hi Gareth, I'm sorry about the damaged product: I've issued the refund, you'll see it within five business days.",
                ),
            ],
            P,
        ),
        (
            "en-s04",
            "chat",
            [
                ("customer", 0, "The code doesn't work."),
                (
                    "agent",
                    1,
                    "I checked the code QW83ZPL and the link https://shop.example.com/returns: I've opened a ticket and emailed the tracking to gareth.lloyd@example.com.",
                ),
            ],
            P,
        ),
        (
            "en-s05",
            "chat",
            [("customer", 0, "Thanks for your help."), ("agent", 1, "You're welcome. i have also added a note to your account.")],
            F,
        ),
        (
            "en-s06",
            "email",
            [
                ("customer", 0, 'You wrote "your parcel has shiped" but it hasn\'t.'),
                (
                    "agent",
                    5,
                    'You quoted "your parcel has shiped": I apologise, that message was wrong. The parcel leaves tomorrow with DPD.',
                ),
            ],
            P,
        ),
        (
            "en-s07",
            "chat",
            [
                ("customer", 0, "Can I pay with PayPal?"),
                ("agent", 1, "Of course, we accept PayPal and prepaid cards. The payment is immediate."),
            ],
            P,
        ),
        (
            "en-s08",
            "chat",
            [
                ("customer", 0, "When is the courier coming?"),
                ("agent", 1, "The courier will come tomorrow morning: you'll get an SMS with the delivery time."),
            ],
            P,
        ),
        (
            "en-s09",
            "chat",
            [
                ("customer", 0, "Can I change the address?"),
                ("agent", 1, "Yes, I can change the adress until the parcel leaves the the warehouse."),
            ],
            F,
        ),
        (
            "en-s10",
            "chat",
            [
                ("customer", 0, "Thank you so much."),
                ("agent", 1, "My pleasure, and sorry for the wait: our system was slow this morning."),
            ],
            P,
        ),
    ],
}


def record(language: str, ident: str, channel: str, turns: list[tuple[str, float, str]], verdicts: tuple[str, ...]) -> dict:
    messages = [
        {"author": role, "at": (START + timedelta(minutes=minute)).isoformat().replace("+00:00", "Z"), "body": body}
        for role, minute, body in turns
    ]
    return {
        "external_id": ident,
        "source": "gold",
        "channel": channel,
        "language": language,
        "created_at": messages[0]["at"],
        "messages": messages,
        "gold": dict(zip(CRITERIA, verdicts, strict=True)) | {"spelling": P},
    }


def spelling_record(language: str, ident: str, channel: str, turns: list[tuple[str, float, str]], verdict: str) -> dict:
    line = record(language, ident, channel, turns, ("na",) * len(CRITERIA))
    line["gold"] = {"spelling": verdict}
    return line


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for language, items in SETS.items():
        lines = [json.dumps(record(language, *item), ensure_ascii=False) for item in items]
        lines += [json.dumps(spelling_record(language, *item), ensure_ascii=False) for item in SPELLING_SETS[language]]
        (OUT / f"{language}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
