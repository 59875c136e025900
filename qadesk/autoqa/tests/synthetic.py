"""A small synthetic labelled set in Italian, French and English for the contact-reason classifier's tests: three
contact reasons, each said in a few ways per language, with filler that every reason shares."""

from __future__ import annotations

import random

REASONS: dict[str, dict[str, list[str]]] = {
    "refund_request": {
        "it": [
            "vorrei il rimborso dell'ordine",
            "mi restituite i soldi del reso?",
            "chiedo un rimborso, il prodotto è difettoso",
        ],
        "fr": [
            "je voudrais être remboursé de ma commande",
            "quand recevrai-je le remboursement du retour ?",
            "je demande un remboursement, l'article est défectueux",
        ],
        "en": [
            "I would like a refund for my order",
            "when will I get my money back for the return?",
            "I want a refund, the item is faulty",
        ],
    },
    "delivery_delay": {
        "it": [
            "il pacco non è ancora arrivato",
            "la consegna è in ritardo di una settimana",
            "il corriere non ha consegnato la spedizione",
        ],
        "fr": [
            "mon colis n'est toujours pas arrivé",
            "la livraison a une semaine de retard",
            "le transporteur n'a pas livré l'envoi",
        ],
        "en": ["my parcel has still not arrived", "the delivery is a week late", "the courier never delivered the shipment"],
    },
    "password_reset": {
        "it": [
            "non riesco ad accedere al mio account",
            "ho dimenticato la password",
            "il link per reimpostare la password non funziona",
        ],
        "fr": [
            "je n'arrive pas à me connecter à mon compte",
            "j'ai oublié mon mot de passe",
            "le lien pour réinitialiser le mot de passe ne marche pas",
        ],
        "en": ["I cannot log in to my account", "I forgot my password", "the password reset link does not work"],
    },
}
OPENINGS = {
    "it": "Buongiorno, sono Giulia, come posso aiutarla?",
    "fr": "Bonjour, je suis Claire, que puis-je faire ?",
    "en": "Hello, I'm Tom, how can I help?",
}
REPLIES = {
    "it": ["Controllo subito, un attimo.", "Grazie per la pazienza.", "Ho verificato la sua pratica."],
    "fr": ["Je vérifie tout de suite.", "Merci de votre patience.", "J'ai vérifié votre dossier."],
    "en": ["Let me check that for you.", "Thank you for your patience.", "I have looked at your case."],
}


def turns(reason: str, language: str, rng: random.Random) -> list[tuple[str, str]]:
    """One conversation about `reason` in `language`: (role, text) turns."""
    said = rng.sample(REASONS[reason][language], 2)
    return [
        ("agent", OPENINGS[language]),
        ("customer", said[0] + f" (ordine {rng.randint(1000, 9999)})."),
        ("agent", rng.choice(REPLIES[language])),
        ("customer", said[1] + "."),
        ("agent", rng.choice(REPLIES[language])),
    ]


def examples(per_reason: int, *, seed: int = 1) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(label, language, turns) examples, `per_reason` per label, languages in turn."""
    rng = random.Random(seed)
    return [
        (reason, ("it", "fr", "en")[i % 3], turns(reason, ("it", "fr", "en")[i % 3], rng))
        for reason in REASONS
        for i in range(per_reason)
    ]
