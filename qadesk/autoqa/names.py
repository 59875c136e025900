"""What people read for the detectors' codes and evidence notes (the database stores codes, never labels)."""

from django.utils.translation import gettext_lazy as _

DETECTOR_NAMES = {
    "greeting": _("Greeting"),
    "closing": _("Closing"),
    "introduction": _("Agent introduces themselves"),
    "customer_name": _("Uses the customer's name"),
    "empathy": _("Empathy when the customer is upset"),
    "courtesy": _("Courtesy"),
    "rude": _("No rude or dismissive language"),
    "language_match": _("Answers in the customer's language"),
    "response_gaps": _("No slow replies"),
    "solution": _("Solution or next step stated"),
    "sensitive_data": _("No sensitive data exposed"),
    "readability": _("Readable replies"),
}

NOTE_NAMES = {
    "card": _("payment card number"),
    "iban": _("IBAN"),
    "codice_fiscale": _("codice fiscale"),
    "nir": _("NIR (French social security number)"),
    "email": _("e-mail address"),
    "phone": _("phone number"),
    "upset": _("the customer is upset"),
    "name": _("the customer's name"),
    "rude": _("rude or dismissive"),
    "fauxpology": _("sarcastic or blaming apology"),
}


def detector_name(code: str) -> str:
    return str(DETECTOR_NAMES.get(code, code))


def note_name(note: str) -> str:
    """A span's note for people: a known code's name, a wait in seconds ("600s") or a language code as they are."""
    return str(NOTE_NAMES[note]) if note in NOTE_NAMES else note
