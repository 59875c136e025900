"""Demo complaints: a dozen on the demo contacts the customers complained about, with owners, actions, some overdue and
some closed (called by the demo loader, qadesk/demo/services.py)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction

from qadesk.accounts.models import User
from qadesk.audit.services import audit_purge_demo_complaints
from qadesk.complaints.defaults import DEFAULT_CATEGORIES
from qadesk.complaints.models import Complaint, ComplaintCategory
from qadesk.complaints.services import complaint_act, complaint_create, complaint_transition
from qadesk.interactions.models import Interaction

SOURCE = "demo"
DESCRIPTIONS = {
    "it": [
        "Il cliente lamenta che l'operatore ha chiuso la chiamata senza risolvere.",
        "Il pacco non è arrivato e nessuno ha richiamato come promesso.",
        "Rimborso promesso due settimane fa e mai accreditato.",
    ],
    "fr": [
        "Le client se plaint d'avoir été raccroché au nez.",
        "Le colis n'est jamais arrivé et personne n'a rappelé.",
        "Remboursement promis il y a deux semaines, toujours rien.",
    ],
    "en": [
        "The customer says the agent ended the call without solving anything.",
        "The parcel never arrived and nobody called back as promised.",
        "A refund promised two weeks ago has not been paid.",
    ],
}
ROOT_CAUSES = ["Procedure not followed (SOP step skipped)", "Carrier delay not communicated", "Refund not logged in the system"]
OUTCOMES = ["Apology and 10 € voucher; customer satisfied", "Replacement shipped by express", "Refund paid; customer informed"]


@transaction.atomic
def demo_complaints_create(*, users: dict[str, User], end: datetime, seed: int, count: int = 12) -> int:
    """Replace the demo's complaints: `count` complaints on flagged demo contacts; returns how many were written."""
    earlier = list(Complaint.objects.filter(source=SOURCE).values_list("pk", flat=True))
    audit_purge_demo_complaints(complaint_ids=earlier)
    Complaint.objects.filter(pk__in=earlier).delete()
    rng = random.Random(f"complaints-{seed}")
    if not ComplaintCategory.objects.filter(active=True).exists():
        for code, name, hours in DEFAULT_CATEGORIES:
            ComplaintCategory.objects.get_or_create(code=code, defaults={"name": name, "target_hours": hours})
    categories = list(ComplaintCategory.objects.filter(active=True).order_by("code"))
    contacts = list(
        Interaction.objects.filter(source=SOURCE, complaint=True, created_at__lt=end - timedelta(days=1))
        .select_related("team", "customer")
        .order_by("-created_at")[: count * 3]
    )
    owners = [u for name in ("qa", "lead.milano", "lead.lyon") if (u := users.get(name)) is not None]
    if not categories or not contacts or not owners:
        return 0
    written = 0
    for index, contact in enumerate(rng.sample(contacts, min(count, len(contacts)))):
        written += _one(index, contact, rng, categories, owners, users, end)
    return written


def _one(
    index: int,
    contact: Interaction,
    rng: random.Random,
    categories: list[ComplaintCategory],
    owners: list[User],
    users: dict[str, User],
    end: datetime,
) -> int:
    language = contact.language[:2] if contact.language[:2] in DESCRIPTIONS else "en"
    owner = owners[index % len(owners)]
    logged = min(contact.created_at + timedelta(hours=rng.randint(1, 48)), end - timedelta(hours=2))
    complaint = complaint_create(
        actor=users.get("qa"),
        category=categories[index % len(categories)],
        description=rng.choice(DESCRIPTIONS[language]),
        severity=rng.choice(["low", "medium", "medium", "high", "critical"]),
        interactions=[contact],
        owner=owner,
        source=SOURCE,
        external_id=f"CMP-{contact.external_id}",
        created_at=logged,
    )
    complaint_act(complaint=complaint, actor=owner, kind="contact", body="Called the customer back and apologised.")
    if index % 3 == 0:  # a third stay open (those past their target show as overdue)
        return 1
    complaint_transition(complaint=complaint, actor=owner, status="in_progress")
    complaint_act(complaint=complaint, actor=owner, kind="remedy", body="Offered a remedy within policy.")
    if index % 3 == 1:
        pick = index % len(ROOT_CAUSES)
        complaint_transition(
            complaint=complaint, actor=owner, status="resolved", root_cause=ROOT_CAUSES[pick], outcome=OUTCOMES[pick]
        )
        # Closed some hours after logging, some within the target and some after it.
        closed = min(logged + timedelta(hours=rng.randint(6, complaint.category.target_hours * 2)), end)
        Complaint.objects.filter(pk=complaint.pk).update(closed_at=closed)
    return 1
