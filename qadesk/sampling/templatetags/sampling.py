from collections.abc import Sequence

from django import template

from qadesk.sampling.strata import stratum_label as _stratum_label

register = template.Library()


@register.filter
def stratum_label(key: str, by: Sequence[str] | None) -> str:
    """{{ key|stratum_label:plan.strata.by }}: the stratum's values in the user's language."""
    return _stratum_label(key or "", list(by or []))
