"""Money and shares in the reader's language: `{{ amount|money:currency }}`, `{{ share|percent }}`."""

from decimal import Decimal

from babel import Locale
from babel.numbers import format_currency, format_percent
from django import template
from django.utils.translation import get_language, to_locale

register = template.Library()


def _locale() -> str:
    return to_locale(get_language() or "en")


@register.filter
def money(value: Decimal | None, currency: str = "EUR") -> str:
    """1234.5 → "1.234,50 €" in Italian, "1 234,50 €" in French, "€1,234.50" in English; None → "—"."""
    if value is None:
        return "—"
    return format_currency(value, currency, locale=_locale())


@register.filter
def percent(value: Decimal | None) -> str:
    """0.425 → "42,5%" in Italian, "42,5 %" in French (the locale's own pattern, with one decimal at most); None → "—"."""
    if value is None:
        return "—"
    locale = Locale.parse(_locale())
    pattern = locale.percent_formats[None].pattern.replace("#,##0", "#,##0.#", 1)
    return format_percent(value, format=pattern, locale=locale)


@register.filter
def number(value: Decimal | float | int | None) -> str:
    """A count or a figure with at most one decimal, grouped in the reader's language."""
    from babel.numbers import format_decimal

    if value is None:
        return "—"
    return format_decimal(value, format="#,##0.#", locale=_locale())
