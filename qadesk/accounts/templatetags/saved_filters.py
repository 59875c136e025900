from typing import Any

from django import template

from qadesk.accounts.models import SavedFilter
from qadesk.accounts.services import saved_filter_query

register = template.Library()


@register.inclusion_tag("accounts/_saved_filters.html", takes_context=True)
def saved_filters(context: dict[str, Any], page: str, form_id: str) -> dict[str, Any]:
    """The user's saved filters of a list, each a link, and a box to save the current ones (one query)."""
    request = context["request"]
    filters = list(SavedFilter.objects.visible_to(request.user).filter(page=page).only("name", "query", "page"))
    current = saved_filter_query(dict(request.GET.lists()))
    return {"filters": filters, "page": page, "form_id": form_id, "current": current, "csrf_token": context.get("csrf_token")}
