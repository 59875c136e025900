"""The starting complaint categories (code, name per language, resolution target in hours): installed by migration
0002 and again by the demo when none is active (an admin edits, retires or adds to them in the admin site)."""

DEFAULT_CATEGORIES = [
    (
        "delivery",
        {"en": "Late or missing delivery", "it": "Consegna in ritardo o mancata", "fr": "Livraison en retard ou manquante"},
        72,
    ),
    ("refund", {"en": "Refund or replacement", "it": "Rimborso o sostituzione", "fr": "Remboursement ou remplacement"}, 120),
    ("agent_behaviour", {"en": "Agent behaviour", "it": "Comportamento dell'operatore", "fr": "Comportement du conseiller"}, 48),
    ("product", {"en": "Product quality", "it": "Qualità del prodotto", "fr": "Qualité du produit"}, 168),
    ("billing", {"en": "Billing error", "it": "Errore di fatturazione", "fr": "Erreur de facturation"}, 120),
]
