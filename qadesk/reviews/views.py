"""Thin views: parse the request, call one selector or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qadesk.accounts.models import OrgSettings
from qadesk.core.errors import ApplicationError
from qadesk.interactions.selectors import interaction_detail
from qadesk.reviews.forms import ReviewFilterForm, ReviewForm
from qadesk.reviews.models import ReviewStatus
from qadesk.reviews.selectors import assignment_queue, review_detail, review_list, review_own
from qadesk.reviews.services import review_create, review_save, review_submit
from qadesk.scorecards.selectors import scorecard_version_detail

PAGE_SIZE = 50


@login_required
def review_list_view(request: HttpRequest) -> HttpResponse:
    """Reviews the user may see, filterable by status, agent and reviewer; htmx gets only the table."""
    form = ReviewFilterForm(request.GET or None, actor=request.user)  # type: ignore[arg-type]
    reviews = review_list(actor=request.user, filters=form.filters())  # type: ignore[arg-type]
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "pass_mark": OrgSettings.load().pass_mark}
    template = "reviews/_table.html" if request.htmx else "reviews/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def review_queue_view(request: HttpRequest) -> HttpResponse:
    """The interactions assigned to the user for review, earliest due first."""
    assignments = assignment_queue(actor=request.user)  # type: ignore[arg-type]
    return render(request, "reviews/queue.html", {"assignments": assignments})


@login_required
@require_POST
def review_create_view(request: HttpRequest) -> HttpResponse:
    """Start a draft review of an interaction (or of one agent message of it) and open the form."""
    interaction = interaction_detail(actor=request.user, pk=_int(request.POST.get("interaction")))  # type: ignore[arg-type]
    message_id = request.POST.get("message")
    message = get_object_or_404(interaction.messages.all(), pk=_int(message_id)) if message_id else None
    try:
        review = review_create(interaction=interaction, actor=request.user, message=message)  # type: ignore[arg-type]
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("interactions:detail", pk=interaction.pk)
    return redirect("reviews:edit", pk=review.pk)


@login_required
def review_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The scorecard beside the transcript: save the draft, or save and submit it."""
    review = review_own(actor=request.user, pk=pk)  # type: ignore[arg-type]
    if review.status != ReviewStatus.DRAFT:
        return redirect("reviews:detail", pk=review.pk)
    version = scorecard_version_detail(version_id=review.scorecard_version_id)
    criteria = [c for section in version.sections.all() for c in section.criteria.all()]
    ratings = {r.criterion_id: r for r in review.ratings.all()}
    form = ReviewForm(request.POST or None, criteria=criteria, ratings=ratings, initial={"comment": review.comment})
    if request.method == "POST" and form.is_valid():
        try:
            review_save(review=review, actor=request.user, ratings=form.ratings(), comment=form.cleaned_data["comment"])  # type: ignore[arg-type]
            if "submit" in request.POST:
                review_submit(review=review, actor=request.user)  # type: ignore[arg-type]
                messages.success(request, _("Review submitted."))
                return redirect("reviews:detail", pk=review.pk)
            messages.success(request, _("Draft saved."))
            return redirect("reviews:edit", pk=review.pk)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
    interaction = interaction_detail(actor=request.user, pk=review.interaction_id)  # type: ignore[arg-type]
    context = {"review": review, "version": version, "form": form, "interaction": interaction}
    return render(request, "reviews/edit.html", context)


@login_required
def review_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A review as submitted: the score, pass or fail, errors by impact and every criterion's rating."""
    review = review_detail(actor=request.user, pk=pk)  # type: ignore[arg-type]
    context = {"review": review, "pass_mark": OrgSettings.load().pass_mark}
    return render(request, "reviews/detail.html", context)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404 from None
