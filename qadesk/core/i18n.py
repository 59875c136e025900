"""Multilingual text stored as {"en": ..., "it": ..., "fr": ...} dictionaries (scorecard wording)."""

from django.conf import settings
from django.utils import translation


def pick(texts: dict[str, str] | str | None, language: str | None = None) -> str:
    """Return the text in the language (default: the active one), falling back to English, then any."""
    if not texts:
        return ""
    if isinstance(texts, str):
        return texts
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")
