"""Thin views: parse the request, call one selector or service, render."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qadesk.accounts.models import OrgSettings, Role, User
from qadesk.autoqa.selectors import autoqa_card
from qadesk.core.lists import COUNT_CAP, PAGE_SIZES, SEARCH_COUNT_CAP, paginate, parse_page_number, parse_page_size, parse_sort
from qadesk.interactions.forms import InteractionFilterForm
from qadesk.interactions.selectors import (
    DEFAULT_INTERACTION_SORT,
    INTERACTION_SORTS,
    ROW_COLUMNS,
    interaction_detail,
    interaction_list,
    interaction_page_rows,
    open_assignments_by_interaction,
    transcript_revisions,
)
from qadesk.interactions.tables import interaction_rows
from qadesk.reviews.forms import AssignmentForm
from qadesk.reviews.models import Review
from qadesk.reviews.services import BULK_MAX


@login_required
def interaction_list_view(request: HttpRequest) -> HttpResponse:
    """The filterable, sortable interaction list in numbered pages; an htmx request gets only the table."""
    form = InteractionFilterForm(request.GET or None, actor=request.user)  # type: ignore[arg-type]
    sort = parse_sort(request.GET.get("sort"), INTERACTION_SORTS, DEFAULT_INTERACTION_SORT)
    filters = form.filters()
    interactions = interaction_list(actor=request.user, filters=filters, sort=sort)  # type: ignore[arg-type]
    columns = (*ROW_COLUMNS, "agent_hidden") if "agent_hidden" in interactions.query.annotations else ROW_COLUMNS
    page = paginate(
        interactions,
        columns=columns,
        number=parse_page_number(request.GET.get("page")),
        size=parse_page_size(request.GET.get("size")),
        count_cap=SEARCH_COUNT_CAP if filters.get("text") else COUNT_CAP,  # a message search: SEARCH_COUNT_CAP's note
        rows_at=lambda offset, limit: interaction_page_rows(interactions, sort=sort, columns=columns, offset=offset, limit=limit),
    )
    assign_form = _assign_form(request.user)  # type: ignore[arg-type]
    rows = interaction_rows(
        page.rows,
        pass_mark=OrgSettings.load().pass_mark,
        selectable=assign_form is not None,
        queues=open_assignments_by_interaction([row["id"] for row in page.rows]),
    )
    context = {
        "form": form,
        "page_obj": page,
        "rows": rows,
        "sort": sort,
        "page_sizes": PAGE_SIZES,
        "bulk_max": BULK_MAX,
        "assign_form": assign_form,
    }
    template = "interactions/_table.html" if request.htmx else "interactions/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def interaction_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One interaction: facts, transcript, the reviews of it the user may see and the automatic checks.

    `?transcript=N` shows revision N, a transcript a re-import replaced after reviews scored it, instead of the
    current one."""
    interaction = interaction_detail(actor=request.user, pk=pk)  # type: ignore[arg-type]
    revisions = transcript_revisions(interaction=interaction)
    shown = next((r for r in revisions if str(r.number) == request.GET.get("transcript")), None)
    reviews = (
        Review.objects.visible_to(request.user)  # type: ignore[arg-type]
        .filter(interaction=interaction)
        .select_related("reviewer", "agent", "scorecard_version__scorecard", "message", "transcript")
        .order_by("-created_at")
    )
    context = {
        "interaction": interaction,
        "revisions": revisions,
        "transcript": shown,
        "reviews": reviews,
        "pass_mark": OrgSettings.load().pass_mark,
        "assign_form": _assign_form(request.user),  # type: ignore[arg-type]
        "auto": autoqa_card(actor=request.user, interaction=interaction),  # type: ignore[arg-type]
    }
    return render(request, "interactions/detail.html", context)


def _assign_form(user: User) -> AssignmentForm | None:
    """QA leads and admins assign reviews; everyone else (managers included) gets no assignment controls."""
    return AssignmentForm(actor=user, auto_id="id_assign_%s") if user.role in {Role.QA_LEAD, Role.ADMIN} else None
