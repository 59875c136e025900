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
    "sop_steps": _("SOP steps followed"),
    "right_sop": _("Right SOP for the label"),
    "label_handling": _("Label matches the handling"),
    "label_classifier": _("Label matches the transcript"),
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
    "event": _("agent action or system event"),
    "step": _("SOP step done"),
    "forbidden": _("forbidden action"),
    "custom": _("matching phrase"),
    "prompt": _("quoted by the language model"),
}
NUMBERED_NOTES = {"missing_step": _("required step {n} missing"), "out_of_order": _("step {n} done before an earlier step")}


def detector_name(code: str) -> str:
    return str(DETECTOR_NAMES.get(code, code))


def note_name(note: str) -> str:
    """A span's note for people: a known code's name, a wait in seconds ("600s") or a language code as they are."""
    kind, _sep, number = note.partition(":")
    if kind in NUMBERED_NOTES and number.isdigit():
        return str(NUMBERED_NOTES[kind]).format(n=number)
    return str(NOTE_NAMES[note]) if note in NOTE_NAMES else note
