"""`{% complaints_on interaction %}`: the complaints about a contact that the viewer may see, for its page."""

from typing import Any

from django import template

from qadesk.complaints.models import Complaint

register = template.Library()


@register.inclusion_tag("complaints/_on_interaction.html", takes_context=True)
def complaints_on(context: dict[str, Any], interaction: Any) -> dict[str, Any]:
    user = context["request"].user
    complaints = Complaint.objects.visible_to(user).filter(links__interaction=interaction).select_related("category")
    return {"complaints": list(complaints.order_by("-created_at"))}
