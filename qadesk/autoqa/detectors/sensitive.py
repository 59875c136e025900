"""Sensitive data exposed in the chat: payment card numbers (Luhn), IBANs (ISO 7064 mod 97), Italian codici fiscali
(check letter), French NIRs (key), e-mail addresses and phone numbers. A high-impact error by default.

The validators are pure functions; a number that fails its checksum is not reported (a card-shaped order number).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qadesk.autoqa.engine import FAIL, PASS, SUPPORTED_LANGUAGES, Conversation, Detector, Finding, Span, na, register

_DIGIT = re.compile(r"\d")
_CARD = re.compile(r"(?<![\d\w])\d(?:[ -]?\d){12,18}(?![\d\w])")
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}(?![A-Za-z0-9])")
_CF = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z](?![A-Za-z0-9])", re.I
)
_NIR = re.compile(r"(?<![\d\w])[12][ .]?\d{2}[ .]?\d{2}[ .]?(?:\d{2}|2[AB])[ .]?\d{3}[ .]?\d{3}[ .]?\d{2}(?![\d\w])", re.I)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[ .\-/]?\d){7,13}(?![\w])")

CONFIDENCE = {"card": 0.95, "iban": 0.95, "codice_fiscale": 0.95, "nir": 0.95, "email": 0.85, "phone": 0.6}


def luhn_valid(digits: str) -> bool:
    """The Luhn check of a card number (digits only)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def iban_valid(iban: str) -> bool:
    """ISO 13616 / ISO 7064 mod 97-10: the country and check digits moved to the end, letters as 10..35, mod 97 is 1."""
    text = iban.replace(" ", "").upper()
    if not 15 <= len(text) <= 34:
        return False
    moved = text[4:] + text[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


_CF_ODD = dict(
    zip(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        [
            1,
            0,
            5,
            7,
            9,
            13,
            15,
            17,
            19,
            21,
            1,
            0,
            5,
            7,
            9,
            13,
            15,
            17,
            19,
            21,
            2,
            4,
            18,
            20,
            11,
            3,
            6,
            8,
            12,
            14,
            16,
            10,
            22,
            25,
            24,
            23,
        ],
        strict=True,
    )
)


def codice_fiscale_valid(code: str) -> bool:
    """The check letter (16th character) of an Italian codice fiscale, omocodia letters included."""
    code = code.upper()
    if len(code) != 16:
        return False
    total = 0
    for i, ch in enumerate(code[:15]):
        if i % 2 == 0:  # odd positions, counting from 1
            total += _CF_ODD[ch]
        else:
            total += int(ch) if ch.isdigit() else ord(ch) - ord("A")
    return chr(ord("A") + total % 26) == code[15]


def nir_valid(nir: str) -> bool:
    """A French NIR (numéro de sécurité sociale): 13 characters and a 2-digit key = 97 - (number mod 97); Corsica's
    2A and 2B count as 19 and 18."""
    text = re.sub(r"[ .]", "", nir).upper()
    if len(text) != 15:
        return False
    body, key = text[:13], text[13:]
    body = body.replace("2A", "19", 1) if body[5:7] == "2A" else body.replace("2B", "18", 1) if body[5:7] == "2B" else body
    if not body.isdigit():
        return False
    return 97 - int(body) % 97 == int(key)


def _phone_like(raw: str) -> bool:
    digits = re.sub(r"\D", "", raw)
    if raw.startswith(("+", "00")):
        return 9 <= len(digits) <= 15
    if raw.startswith("0"):  # a national number (Italy, France, UK…)
        return 9 <= len(digits) <= 11
    return len(digits) == 10 and raw.startswith("3")  # an Italian mobile without its prefix


def sensitive_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, kind) of each valid sensitive value in a text; a span is reported once, by its strongest kind."""
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in taken)

    checks = (
        (_IBAN, "iban", iban_valid),
        (_CF, "codice_fiscale", codice_fiscale_valid),
        (_NIR, "nir", nir_valid),
        (_CARD, "card", lambda raw: luhn_valid(re.sub(r"\D", "", raw))),
        (_EMAIL, "email", lambda raw: True),
        (_PHONE, "phone", _phone_like),
    )
    has_digits, has_at = _DIGIT.search(text) is not None, "@" in text
    if not has_digits and not has_at:  # most messages: nothing to look for
        return
    for pattern, kind, valid in checks:
        if not (has_at if kind == "email" else has_digits):
            continue
        for match in pattern.finditer(text):
            if free(*match.span()) and valid(match.group()):
                taken.append(match.span())
                yield match.start(), match.end(), kind


def mask_sensitive(text: str) -> tuple[str, list[tuple[int, int, int, int]]]:
    """The text with each sensitive value (as `sensitive_spans` finds them) replaced by its kind in brackets
    ("[card]", "[email]"…), and the replacements as (start, end) in the text and (start, end) in the masked text, in
    order: what leaves the machine (a prompt criterion's request) never carries the values themselves."""
    spans = sorted(sensitive_spans(text))
    parts: list[str] = []
    replaced: list[tuple[int, int, int, int]] = []
    at, length = 0, 0
    for start, end, kind in spans:
        parts.append(text[at:start])
        length += start - at
        placeholder = f"[{kind}]"
        replaced.append((start, end, length, length + len(placeholder)))
        parts.append(placeholder)
        length += len(placeholder)
        at = end
    parts.append(text[at:])
    return "".join(parts), replaced


def sensitive_data(conv: Conversation) -> Finding:
    """Fails when a message of either side shows a card, IBAN, codice fiscale, NIR, e-mail or phone number."""
    if not conv.messages:
        return na()
    spans = tuple(Span(msg.id, s, e, kind) for msg in conv.messages for s, e, kind in sensitive_spans(msg.text))
    if spans:
        return Finding(FAIL, max(CONFIDENCE[span.note] for span in spans), spans)
    return Finding(PASS, 0.8)


register(
    Detector(
        code="sensitive_data",
        version=1,
        criterion="sensitive_data",
        languages=SUPPORTED_LANGUAGES,
        impact="high",
        check=sensitive_data,
    )
)
