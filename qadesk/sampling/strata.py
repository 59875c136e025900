"""Stratum keys ("Milano|self_service") shown and typed with each value's label in the user's language
("Milano · Self-service / bot"), and read back to codes: the draw and the stored plans keep the codes."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf.locale import LANG_INFO
from django.utils import translation

from qadesk.interactions.models import Channel, JourneyPhase

SEPARATOR = " · "


def value_labels(dimension: str) -> dict[str, str]:
    """The codes of a dimension with their labels in the active language (sites are their names already)."""
    if dimension == "channel":
        return {code: str(label) for code, label in Channel.choices}
    if dimension == "phase":
        return {code: str(label) for code, label in JourneyPhase.choices}
    return {}


def _value_label(dimension: str, value: str) -> str:
    if dimension == "language":
        try:
            return str(translation.get_language_info(value)["name_translated"])
        except KeyError:
            return value
    return value_labels(dimension).get(value, value)


def stratum_label(key: str, by: Sequence[str]) -> str:
    """A stratum key as people read it; a key that does not have one value per dimension stays as it is."""
    parts = key.split("|")
    if not key or len(parts) != len(by):
        return key
    return SEPARATOR.join(_value_label(dimension, value) or "—" for dimension, value in zip(by, parts, strict=True))


def stratum_code(text: str, by: Sequence[str]) -> str:
    """A stratum typed with labels or codes, parts split by "|" or " · ", back to its key of codes."""
    parts = [p.strip() for p in text.replace(SEPARATOR.strip(), "|").split("|")]
    if len(parts) != len(by):
        return text.strip()
    codes = []
    for dimension, part in zip(by, parts, strict=True):
        if dimension == "language":
            known = {_value_label("language", code).casefold(): code for code in LANG_INFO if "-" not in code}
        else:
            known = {label.casefold(): code for code, label in value_labels(dimension).items()}
        codes.append(known.get(part.casefold(), part))
    return "|".join(codes)
