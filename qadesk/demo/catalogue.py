"""The fixed cast of the demo contact centre: sites, teams, contact reasons, SOPs, names and personas.

Plain data only; the generator and the organisation service read it.
"""

from __future__ import annotations

from dataclasses import dataclass

SOURCE = "demo"
PASSWORD = "demo"  # noqa: S105 - the published password of the demo logins

# site name -> country
SITES: dict[str, str] = {"Milano": "IT", "Lyon": "FR"}
LESS_TRAINED_TEAM = "Lyon Livraisons"  # fewer training days (competence/demo.py) and weaker agents: more errors

# team name -> (site, main language, label weights: which contact reasons the team mostly takes)
TEAMS: dict[str, tuple[str, str, dict[str, int]]] = {
    "Milano Ordini": (
        "Milano",
        "it",
        {
            "product_info": 14,
            "account_access": 8,
            "order_change": 18,
            "payment_issue": 14,
            "cancellation": 12,
            "delivery_delay": 8,
            "refund_request": 6,
            "replacement_request": 4,
            "warranty": 3,
            "complaint": 8,
            "feedback": 5,
        },
    ),
    "Milano Resi": (
        "Milano",
        "it",
        {
            "product_info": 3,
            "account_access": 2,
            "order_change": 4,
            "payment_issue": 5,
            "cancellation": 6,
            "delivery_delay": 6,
            "refund_request": 26,
            "replacement_request": 18,
            "warranty": 14,
            "complaint": 11,
            "feedback": 5,
        },
    ),
    "Lyon Livraisons": (
        "Lyon",
        "fr",
        {
            "product_info": 4,
            "account_access": 2,
            "order_change": 8,
            "payment_issue": 3,
            "cancellation": 6,
            "delivery_delay": 40,
            "refund_request": 8,
            "replacement_request": 8,
            "warranty": 3,
            "complaint": 12,
            "feedback": 6,
        },
    ),
    "Lyon Service": (
        "Lyon",
        "fr",
        {
            "product_info": 12,
            "account_access": 9,
            "order_change": 10,
            "payment_issue": 10,
            "cancellation": 8,
            "delivery_delay": 10,
            "refund_request": 12,
            "replacement_request": 8,
            "warranty": 7,
            "complaint": 9,
            "feedback": 5,
        },
    ),
}


@dataclass(frozen=True)
class LabelDef:
    """A contact reason, the journey phase it belongs to and the SOP that serves it."""

    code: str
    name: str
    phase: str
    sop: str


LABELS: tuple[LabelDef, ...] = (
    LabelDef("product_info", "Product information", "demand", "SOP-INF-01"),
    LabelDef("account_access", "Account access", "demand", "SOP-ACC-01"),
    LabelDef("order_change", "Order change", "purchase", "SOP-ORD-01"),
    LabelDef("payment_issue", "Payment issue", "purchase", "SOP-PAY-01"),
    LabelDef("cancellation", "Order cancellation", "purchase", "SOP-CAN-01"),
    LabelDef("delivery_delay", "Delivery delay", "delivery", "SOP-DEL-01"),
    LabelDef("refund_request", "Refund request", "reception", "SOP-REF-01"),
    LabelDef("replacement_request", "Replacement request", "reception", "SOP-RPL-01"),
    LabelDef("warranty", "Warranty claim", "reception", "SOP-WAR-01"),
    LabelDef("complaint", "Complaint", "evaluation", "SOP-CMP-01"),
    LabelDef("feedback", "Feedback and suggestions", "evaluation", "SOP-CMP-01"),
)
LABEL_BY_CODE: dict[str, LabelDef] = {label.code: label for label in LABELS}
# The contact reasons' names in each language (the English one is also the default name).
LABEL_NAMES: dict[str, dict[str, str]] = {
    "product_info": {"it": "Informazioni sul prodotto", "fr": "Information produit"},
    "account_access": {"it": "Accesso all'account", "fr": "Accès au compte"},
    "order_change": {"it": "Modifica dell'ordine", "fr": "Modification de commande"},
    "payment_issue": {"it": "Problema di pagamento", "fr": "Problème de paiement"},
    "cancellation": {"it": "Annullamento dell'ordine", "fr": "Annulation de commande"},
    "delivery_delay": {"it": "Ritardo nella consegna", "fr": "Retard de livraison"},
    "refund_request": {"it": "Richiesta di rimborso", "fr": "Demande de remboursement"},
    "replacement_request": {"it": "Richiesta di sostituzione", "fr": "Demande de remplacement"},
    "warranty": {"it": "Richiesta in garanzia", "fr": "Demande de garantie"},
    "complaint": {"it": "Reclamo", "fr": "Réclamation"},
    "feedback": {"it": "Opinioni e suggerimenti", "fr": "Avis et suggestions"},
}

# code -> (title, required steps)
SOPS: dict[str, tuple[str, list[str]]] = {
    "SOP-INF-01": ("Product information", ["Identify the product", "Answer from the product sheet", "Offer a follow-up"]),
    "SOP-ACC-01": (
        "Account access recovery",
        ["Verify identity", "Send the reset link", "Confirm the customer can log in", "Close with security advice"],
    ),
    "SOP-ORD-01": (
        "Order change",
        ["Verify identity", "Check the order is not yet shipped", "Change it in the order tool", "Confirm by e-mail"],
    ),
    "SOP-PAY-01": (
        "Payment issue",
        ["Verify identity", "Check the payment in the PSP console", "Explain the outcome", "Log the case"],
    ),
    "SOP-CAN-01": (
        "Order cancellation",
        ["Verify identity", "Check the shipping status", "Cancel or start a return", "Confirm the refund timing"],
    ),
    "SOP-DEL-01": (
        "Delivery enquiry",
        ["Verify identity", "Track the parcel with the carrier", "Give a realistic date", "Open a carrier claim after 10 days"],
    ),
    "SOP-REF-01": (
        "Refund",
        [
            "Verify identity",
            "Check the return window (30 days)",
            "Check the item was received",
            "Issue the refund in the refund tool",
            "Give the timing",
        ],
    ),
    "SOP-RPL-01": (
        "Replacement",
        [
            "Verify identity",
            "Collect photos of the defect",
            "Check stock",
            "Create the replacement order",
            "Send the return label",
        ],
    ),
    "SOP-WAR-01": (
        "Warranty claim",
        [
            "Verify identity",
            "Check the purchase date (2 years)",
            "Collect the fault description",
            "Open the warranty case with the brand",
        ],
    ),
    "SOP-CMP-01": (
        "Complaint and feedback handling",
        ["Listen and acknowledge", "Log the complaint", "Offer a remedy within policy", "Escalate if needed"],
    ),
}

# Wrong procedures agents plausibly confuse: the SOP they apply instead of the right one.
CONFUSED_SOP: dict[str, str] = {
    "SOP-INF-01": "SOP-CMP-01",
    "SOP-ACC-01": "SOP-PAY-01",
    "SOP-ORD-01": "SOP-CAN-01",
    "SOP-PAY-01": "SOP-REF-01",
    "SOP-CAN-01": "SOP-REF-01",
    "SOP-DEL-01": "SOP-REF-01",
    "SOP-REF-01": "SOP-RPL-01",
    "SOP-RPL-01": "SOP-REF-01",
    "SOP-WAR-01": "SOP-RPL-01",
    "SOP-CMP-01": "SOP-REF-01",
}

# Labels an agent plausibly picks instead (same journey phase, so the phase stays right).
CONFUSED_LABEL: dict[str, str] = {
    "product_info": "account_access",
    "account_access": "product_info",
    "order_change": "cancellation",
    "payment_issue": "order_change",
    "cancellation": "order_change",
    "delivery_delay": "delivery_delay",
    "refund_request": "replacement_request",
    "replacement_request": "warranty",
    "warranty": "replacement_request",
    "complaint": "feedback",
    "feedback": "complaint",
}

# channel -> weight in the mix
CHANNELS: dict[str, int] = {"phone": 34, "email": 28, "chat": 21, "social": 8, "self_service": 9}
SEGMENTS: dict[str, int] = {"standard": 62, "silver": 20, "gold": 12, "business": 6}

ITALIAN_FIRST = [
    "Giulia",
    "Marco",
    "Francesca",
    "Luca",
    "Chiara",
    "Alessandro",
    "Sara",
    "Matteo",
    "Elena",
    "Davide",
    "Martina",
    "Simone",
    "Valentina",
    "Andrea",
    "Federica",
    "Paolo",
    "Silvia",
    "Stefano",
    "Laura",
    "Giorgio",
]
ITALIAN_LAST = [
    "Rossi",
    "Bianchi",
    "Colombo",
    "Ferrari",
    "Esposito",
    "Romano",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "De Luca",
    "Mancini",
    "Costa",
    "Giordano",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "Barbieri",
]
FRENCH_FIRST = [
    "Camille",
    "Julien",
    "Léa",
    "Nicolas",
    "Manon",
    "Thomas",
    "Chloé",
    "Antoine",
    "Inès",
    "Maxime",
    "Sophie",
    "Hugo",
    "Émilie",
    "Lucas",
    "Claire",
    "Mathieu",
    "Pauline",
    "Romain",
    "Aurélie",
    "Guillaume",
]
FRENCH_LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
]
AGENTS_PER_TEAM = 10


@dataclass(frozen=True)
class Persona:
    """A demo login: username, role, interface language, and the team it belongs to (if any)."""

    username: str
    role: str
    language: str
    first_name: str
    last_name: str
    team: str | None = None


PERSONAS: tuple[Persona, ...] = (
    Persona("admin", "admin", "en", "Ada", "Admin"),
    Persona("qa", "qa_lead", "it", "Elena", "Ferri"),
    Persona("reviewer1", "reviewer", "it", "Dario", "Conti"),
    Persona("reviewer2", "reviewer", "fr", "Margaux", "Blanc"),
    Persona("reviewer3", "reviewer", "en", "Oliver", "Grant"),
    Persona("lead.milano", "team_lead", "it", "Carla", "Fontana", "Milano Ordini"),
    Persona("lead.lyon", "team_lead", "fr", "Bastien", "Perrin", "Lyon Livraisons"),
    Persona("manager", "manager", "en", "Franco", "Galli"),
    Persona("agent.it", "agent", "it", "", "", "Milano Ordini"),
    Persona("agent.fr", "agent", "fr", "", "", "Lyon Livraisons"),
)
REVIEWERS = ("reviewer1", "reviewer2", "reviewer3", "qa")
# persona -> index, within its team, of the agent the login belongs to
AGENT_LOGINS: dict[str, int] = {"agent.it": 1, "agent.fr": 1}
