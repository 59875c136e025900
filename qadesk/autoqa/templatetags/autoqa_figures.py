"""Shares and intervals as the reader's locale writes them ("72,5 %" in Italian and French)."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    """A share 0–1 as a percentage with one decimal; "—" when there is none."""
    return "—" if value is None else f"{number_format(value * 100, 1)} %"


@register.filter
def pct_interval(interval: tuple[float, float] | None) -> str:
    """An interval of shares as "61,2–80,3 %"; "" when there is none."""
    if interval is None:
        return ""
    return f"{number_format(interval[0] * 100, 1)}–{number_format(interval[1] * 100, 1)} %"


@register.filter
def decimal2(value: float | None) -> str:
    """A statistic such as kappa with two decimals; "—" when undefined."""
    return "—" if value is None else number_format(value, 2)
