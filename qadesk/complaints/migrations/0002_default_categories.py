"""A starting set of complaint categories (an admin edits, retires or adds to them in the admin site)."""

from django.db import migrations

DEFAULTS = [
    ("delivery", {"en": "Late or missing delivery", "it": "Consegna in ritardo o mancata", "fr": "Livraison en retard ou manquante"}, 72),
    ("refund", {"en": "Refund or replacement", "it": "Rimborso o sostituzione", "fr": "Remboursement ou remplacement"}, 120),
    ("agent_behaviour", {"en": "Agent behaviour", "it": "Comportamento dell'operatore", "fr": "Comportement du conseiller"}, 48),
    ("product", {"en": "Product quality", "it": "Qualità del prodotto", "fr": "Qualité du produit"}, 168),
    ("billing", {"en": "Billing error", "it": "Errore di fatturazione", "fr": "Erreur de facturation"}, 120),
]


def create(apps, schema_editor):
    Category = apps.get_model("complaints", "ComplaintCategory")
    for code, name, hours in DEFAULTS:
        Category.objects.get_or_create(code=code, defaults={"name": name, "target_hours": hours})


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
