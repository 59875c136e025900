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
    "spelling": _("Spelling and grammar"),
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
GRAMMAR_RULES = {
    "doubled_word": _("doubled word"),
    "capital_after_stop": _("capital letter missing after a full stop"),
    "space_before_punctuation": _("space before punctuation"),
    "space_before_double_punctuation": _("space missing before ? ! ; :"),
    "a_an": _("'a' before a vowel"),
    "an_a": _("'an' before a consonant"),
    "lowercase_i": _("'i' for 'I'"),
    "qual_e": _("'qual è' has no apostrophe"),
    "po_accent": _("'po'' is written with an apostrophe"),
    "un_po": _("'po'' is written with an apostrophe"),
    "e_verb": _("'è' (is) has a grave accent"),
    "accent_che": _("words ending in -ché take an acute accent"),
    "ca_cedilla": _("'ça' has a cedilla"),
}
NUMBERED_NOTES = {"missing_step": _("required step {n} missing"), "out_of_order": _("step {n} done before an earlier step")}


def detector_name(code: str) -> str:
    return str(DETECTOR_NAMES.get(code, code))


def note_name(note: str) -> str:
    """A span's note for people: a known code's name, a wait in seconds ("600s") or a language code as they are."""
    kind, _sep, number = note.partition(":")
    if kind == "spelling":
        return str(_("misspelt; suggestions: {words}")).format(words=", ".join(number.split("|")))
    if kind == "grammar":
        rule, _sep, suggestion = number.partition(":")
        name = str(GRAMMAR_RULES.get(rule, rule))
        return str(_("{rule}; suggestion: {suggestion}")).format(rule=name, suggestion=suggestion) if suggestion.strip() else name
    if kind in NUMBERED_NOTES and number.isdigit():
        return str(NUMBERED_NOTES[kind]).format(n=number)
    return str(NOTE_NAMES[note]) if note in NOTE_NAMES else note
