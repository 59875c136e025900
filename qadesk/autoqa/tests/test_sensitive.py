"""Sensitive data: the checksum validators, and the detector's spans (numbers failing their checksum are not flagged)."""

from __future__ import annotations

import pytest

from qadesk.autoqa.detectors.sensitive import (
    codice_fiscale_valid,
    iban_valid,
    luhn_valid,
    nir_valid,
    sensitive_data,
    sensitive_spans,
)
from qadesk.autoqa.tests.helpers import conv, quoted


@pytest.mark.parametrize(
    ("check", "value", "valid"),
    [
        (luhn_valid, "4111111111111111", True),
        (luhn_valid, "4111111111111112", False),
        (luhn_valid, "5555555555554444", True),
        (iban_valid, "IT60X0542811101000000123456", True),
        (iban_valid, "IT60X0542811101000000123457", False),
        (iban_valid, "FR1420041010050500013M02606", True),
        (iban_valid, "GB82WEST12345698765432", True),
        (codice_fiscale_valid, "RSSMRA85T10A562S", True),
        (codice_fiscale_valid, "RSSMRA85T10A562T", False),
        (nir_valid, "255081416802538", True),
        (nir_valid, "255081416802539", False),
    ],
)
def test_the_validators(check, value, valid) -> None:
    assert check(value) is valid


def test_a_corsican_nir_counts_2a_as_19_in_its_key() -> None:
    key = 97 - 1841219004007 % 97
    assert nir_valid(f"184122A004007{key:02d}")
    assert not nir_valid(f"184122A004007{(key % 97) + 1:02d}")


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("Il numero della carta è 4111 1111 1111 1111, scade 12/28.", "card", "4111 1111 1111 1111"),
        ("Mon IBAN : FR14 2004 1010 0505 0001 3M02 606 merci", "iban", "FR14 2004 1010 0505 0001 3M02 606"),
        ("Codice fiscale RSSMRA85T10A562S per la fattura", "codice_fiscale", "RSSMRA85T10A562S"),
        ("Mon numéro de sécu est 2 55 08 14 168 025 38.", "nir", "2 55 08 14 168 025 38"),
        ("Write to me at jane.doe+shop@example.co.uk please", "email", "jane.doe+shop@example.co.uk"),
        ("Call me on +39 347 123 4567 tomorrow", "phone", "+39 347 123 4567"),
        ("Chiamami al 3471234567", "phone", "3471234567"),
    ],
)
def test_it_finds_each_kind_of_sensitive_data_at_its_characters(text, kind, found) -> None:
    spans = list(sensitive_spans(text))
    assert [(text[s:e], k) for s, e, k in spans] == [(found, kind)]


@pytest.mark.parametrize(
    "text",
    [
        "Order 4111 1111 1111 1112 is on its way.",  # card-shaped, fails Luhn
        "IBAN IT60X0542811101000000123457 non valido",  # wrong check digits
        "Codice RSSMRA85T10A562T",  # wrong check letter
        "Ordine n. 20261102 del 2 novembre",  # a number, not a phone
        "Le colis 255081416802539 est parti",  # NIR-shaped, wrong key
    ],
)
def test_numbers_failing_their_checksum_or_shape_are_not_flagged(text) -> None:
    assert list(sensitive_spans(text)) == []


def test_the_detector_fails_with_high_confidence_and_every_span() -> None:
    c = conv("it", ("customer", "Ecco la carta 4111111111111111 e la mail anna@example.it"), ("agent", "Grazie, non serve."))
    finding = sensitive_data(c)
    assert finding.verdict == "fail" and finding.confidence == 0.95
    assert sorted(quoted(c, s.message, s.start, s.end) for s in finding.evidence) == ["4111111111111111", "anna@example.it"]


def test_the_detector_passes_a_clean_conversation() -> None:
    assert sensitive_data(conv("en", ("customer", "Where is order 4411?"), ("agent", "It ships today."))).verdict == "pass"
