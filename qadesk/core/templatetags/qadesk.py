"""Template helpers shared by every app."""

from typing import Any

from django import template

from qadesk.core.i18n import pick

register = template.Library()


@register.filter
def t(texts: dict[str, str] | str | None) -> str:
    """Render a multilingual JSON text in the active language."""
    return pick(texts)


@register.filter
def get(mapping: dict[Any, Any], key: Any) -> Any:
    """Look a key up in a dict from a template."""
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """Return the current query string with some parameters changed (pagination, sorting)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()
