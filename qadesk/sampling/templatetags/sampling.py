from collections.abc import Mapping
from typing import Any

from django import template

from qadesk.sampling.strata import stratum_label as _stratum_label

register = template.Library()


@register.filter
def stratum_label(key: str, strata: Mapping[str, Any] | None) -> str:
    """{{ key|stratum_label:plan.strata }}: the stratum's values in the user's language."""
    return _stratum_label(key or "", list((strata or {}).get("by") or []))
