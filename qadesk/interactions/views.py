"""Thin views: parse the request, call one selector or service, render."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qadesk.accounts.models import OrgSettings, Role, User
from qadesk.interactions.forms import InteractionFilterForm
from qadesk.interactions.selectors import interaction_detail, interaction_list
from qadesk.reviews.forms import AssignmentForm
from qadesk.reviews.models import Review

PAGE_SIZE = 50


@login_required
def interaction_list_view(request: HttpRequest) -> HttpResponse:
    """The filterable interaction list; an htmx request gets only the table."""
    form = InteractionFilterForm(request.GET or None, actor=request.user)  # type: ignore[arg-type]
    interactions = interaction_list(actor=request.user, filters=form.filters())  # type: ignore[arg-type]
    page = Paginator(interactions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "pass_mark": OrgSettings.load().pass_mark,
        "assign_form": _assign_form(request.user),  # type: ignore[arg-type]
    }
    template = "interactions/_table.html" if request.htmx else "interactions/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def interaction_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One interaction: facts, transcript and the reviews of it the user may see."""
    interaction = interaction_detail(actor=request.user, pk=pk)  # type: ignore[arg-type]
    reviews = (
        Review.objects.visible_to(request.user)  # type: ignore[arg-type]
        .filter(interaction=interaction)
        .select_related("reviewer", "agent", "scorecard_version__scorecard", "message")
        .order_by("-created_at")
    )
    context = {
        "interaction": interaction,
        "reviews": reviews,
        "pass_mark": OrgSettings.load().pass_mark,
        "assign_form": _assign_form(request.user),  # type: ignore[arg-type]
    }
    return render(request, "interactions/detail.html", context)


def _assign_form(user: User) -> AssignmentForm | None:
    """QA leads and admins assign reviews; everyone else (managers included) gets no assignment controls."""
    return AssignmentForm(actor=user, auto_id="id_assign_%s") if user.role in {Role.QA_LEAD, Role.ADMIN} else None
