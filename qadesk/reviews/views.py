"""Thin views: parse the request, call one selector or service, render."""

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from qadesk.accounts.models import OrgSettings, Role, User
from qadesk.autoqa.selectors import autoqa_card, autoqa_suggestions
from qadesk.core.errors import ApplicationError, Conflict
from qadesk.core.inputs import parse_id
from qadesk.core.lists import PAGE_SIZES, paginate, parse_page_number, parse_page_size, parse_sort
from qadesk.interactions.forms import InteractionFilterForm
from qadesk.interactions.languages import language_name
from qadesk.interactions.selectors import interaction_detail, interactions_to_assign
from qadesk.reviews.forms import AssignmentForm, ReviewFilterForm, ReviewForm
from qadesk.reviews.models import Review, ReviewStatus
from qadesk.reviews.selectors import (
    DEFAULT_REVIEW_SORT,
    REVIEW_SORTS,
    assignment_due_state,
    assignment_language_gaps,
    assignment_queue,
    review_detail,
    review_list,
    review_own,
)
from qadesk.reviews.services import (
    BULK_MAX,
    assignments_create,
    review_change_scorecard,
    review_create,
    review_save,
    review_start,
    review_submit,
)
from qadesk.reviews.tables import ROW_COLUMNS, review_rows
from qadesk.scorecards.selectors import scorecard_version_detail, scorecard_versions_for
from qadesk.surveys.selectors import customer_voice


@login_required
def review_list_view(request: HttpRequest) -> HttpResponse:
    """Reviews the user may see, filtered, sorted, in numbered pages; htmx gets only the table."""
    form = ReviewFilterForm(request.GET or None, actor=request.user)  # type: ignore[arg-type]
    sort = parse_sort(request.GET.get("sort"), REVIEW_SORTS, DEFAULT_REVIEW_SORT)
    reviews = review_list(actor=request.user, filters=form.filters(), sort=sort)  # type: ignore[arg-type]
    page = paginate(
        reviews,
        columns=ROW_COLUMNS,
        number=parse_page_number(request.GET.get("page")),
        size=parse_page_size(request.GET.get("size")),
    )
    rows = review_rows(page.rows, pass_mark=OrgSettings.load().pass_mark, user_id=request.user.pk)
    context = {"form": form, "page_obj": page, "rows": rows, "sort": sort, "page_sizes": PAGE_SIZES}
    template = "reviews/_table.html" if request.htmx else "reviews/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def review_queue_view(request: HttpRequest) -> HttpResponse:
    """The interactions assigned to the user for review, earliest due first, with their drafts and counts."""
    assignments = list(assignment_queue(actor=request.user))  # type: ignore[arg-type]
    drafts = dict(
        Review.objects.filter(
            reviewer=request.user,  # type: ignore[misc]
            status=ReviewStatus.DRAFT,
            message__isnull=True,
            interaction_id__in=[a.interaction_id for a in assignments],
        ).values_list("interaction_id", "pk")
    )
    now = timezone.now()
    for assignment in assignments:
        assignment.draft_id = drafts.get(assignment.interaction_id)  # type: ignore[attr-defined]
        state = assignment_due_state(due_at=assignment.due_at, now=now)
        assignment.overdue = state == "overdue"  # type: ignore[attr-defined]
        assignment.due_today = state == "today"  # type: ignore[attr-defined]
    counts = {
        "open": len(assignments),
        "overdue": sum(a.overdue for a in assignments),  # type: ignore[attr-defined]
        "today": sum(a.due_today for a in assignments),  # type: ignore[attr-defined]
        "drafts": len(drafts),
    }
    return render(request, "reviews/queue.html", {"assignments": assignments, "counts": counts, "now": now})


@login_required
@require_POST
def assignment_create_view(request: HttpRequest) -> HttpResponse:
    """A QA lead assigns the ticked interactions (or one) to a reviewer, then goes back to the list they came from."""
    if not isinstance(request.user, User) or request.user.role not in {Role.QA_LEAD, Role.ADMIN}:
        raise DjangoPermissionDenied
    form = AssignmentForm(request.POST, actor=request.user)  # type: ignore[arg-type]
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return HttpResponseRedirect(_safe_next(request))
    reviewer = form.cleaned_data["reviewer"]
    mode = form.cleaned_data.get("mode") or "ticked"
    if mode == "ticked":
        interactions = list(form.cleaned_data["interactions"])
    else:
        filter_form = InteractionFilterForm(QueryDict(form.cleaned_data.get("filters") or ""), actor=request.user)  # type: ignore[arg-type]
        interactions, matching = interactions_to_assign(
            actor=request.user,  # type: ignore[arg-type]
            filters=filter_form.filters(),
            random_count=form.cleaned_data.get("random_count") if mode == "random" else None,
            limit=BULK_MAX,
        )
        if not interactions:
            if matching > BULK_MAX:
                text = _("{count} interactions match: narrow the filters to at most {max} at a time, or pick some at random.")
                messages.error(request, text.format(count=matching, max=BULK_MAX))
            else:
                messages.error(request, _("No interaction that is in nobody's review queue matches these filters."))
            return HttpResponseRedirect(_safe_next(request))
    try:
        created = assignments_create(
            interactions=interactions,
            reviewer=reviewer,
            actor=request.user,  # type: ignore[arg-type]
            due_at=form.due_at(),
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return HttpResponseRedirect(_safe_next(request))
    skipped = len(interactions) - len(created)
    name = reviewer.get_full_name() or reviewer.username
    text = ngettext("{count} interaction assigned to {name}.", "{count} interactions assigned to {name}.", len(created)).format(
        count=len(created), name=name
    )
    if skipped:
        text += " " + ngettext("{count} was already in their queue.", "{count} were already in their queue.", skipped).format(
            count=skipped
        )
    messages.success(request, text)
    gaps = assignment_language_gaps(assignments=created, reviewer=reviewer)
    if gaps:
        ui = request.LANGUAGE_CODE
        named = ", ".join(f"{language_name(tag, ui)} ({n})" for tag, n in sorted(gaps.items()))
        messages.warning(
            request,
            _("{name} does not list these languages among those they review: {languages}.").format(name=name, languages=named),
        )
    return HttpResponseRedirect(_safe_next(request))


@login_required
@require_POST
def review_create_view(request: HttpRequest) -> HttpResponse:
    """Start a draft review of an interaction (or of one agent message of it) and open the form."""
    interaction = interaction_detail(actor=request.user, pk=_int(request.POST.get("interaction")))  # type: ignore[arg-type]
    message_id = request.POST.get("message")
    message = get_object_or_404(interaction.messages.all(), pk=_int(message_id)) if message_id else None
    try:
        if message is None:  # "Start review" from the queue continues the reviewer's own draft rather than starting a second one
            review = review_start(interaction=interaction, actor=request.user)  # type: ignore[arg-type]
        else:
            review = review_create(interaction=interaction, actor=request.user, message=message)  # type: ignore[arg-type]
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("interactions:detail", pk=interaction.pk)
    return redirect("reviews:edit", pk=review.pk)


@login_required
def review_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The scorecard beside the transcript: save the draft, or save and submit it; htmx autosaves and gets a status line."""
    review = review_own(actor=request.user, pk=pk)  # type: ignore[arg-type]
    if review.status != ReviewStatus.DRAFT:
        if request.htmx:  # type: ignore[attr-defined]
            error = _("This review was submitted; your last change was not saved.")
            return render(request, "reviews/_autosave.html", {"error": error, "review": review, "closed": True}, status=409)
        if request.method == "POST":  # the form was open in another tab when the review was submitted
            messages.error(request, _("This review was submitted; your last change was not saved."))
        return redirect("reviews:detail", pk=review.pk)
    version = scorecard_version_detail(version_id=review.scorecard_version_id)
    criteria = [c for section in version.sections.all() for c in section.criteria.all()]
    ratings = {r.criterion_id: r for r in review.ratings.all()}
    form = ReviewForm(request.POST or None, criteria=criteria, ratings=ratings, initial={"comment": review.comment})
    if request.method == "POST" and request.htmx:  # type: ignore[attr-defined]
        return _autosave(request, review, form)
    if request.method == "POST" and form.is_valid():
        try:
            review_save(review=review, actor=request.user, ratings=form.ratings(), comment=form.cleaned_data["comment"])  # type: ignore[arg-type]
            if "submit" in request.POST or "submit_next" in request.POST:
                review_submit(review=review, actor=request.user)  # type: ignore[arg-type]
                messages.success(request, _("Review submitted."))
                if "submit_next" in request.POST:
                    return _next_in_queue(request)
                return redirect("reviews:detail", pk=review.pk)
            messages.success(request, _("Draft saved."))
            return redirect("reviews:edit", pk=review.pk)
        except Conflict as exc:
            # Submitted meanwhile (another tab, a double click): nothing was saved; show the review as it now stands.
            messages.error(request, str(exc.message))
            return redirect("reviews:detail", pk=review.pk)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
    interaction = interaction_detail(actor=request.user, pk=review.interaction_id)  # type: ignore[arg-type]
    context = {
        "review": review,
        "version": version,
        "form": form,
        "interaction": interaction,
        "versions": scorecard_versions_for(interaction=interaction),
        "rated": bool(ratings),
        "criteria_count": len(criteria),
        "pass_mark": OrgSettings.load().pass_mark,
        "queue_next": assignment_queue(actor=request.user).exclude(interaction_id=review.interaction_id).count(),  # type: ignore[arg-type]
    }
    context["auto"] = auto = autoqa_card(actor=request.user, interaction=interaction, with_checked=False)  # type: ignore[arg-type]
    context["suggestions"] = autoqa_suggestions(auto)  # shown beside criteria of the same code, never pre-filled
    return render(request, "reviews/edit.html", context)


def _next_in_queue(request: HttpRequest) -> HttpResponse:
    """After "Submit and next": the draft of the first item left in the reviewer's queue (earliest due first), started
    if need be; the queue page when it is empty or that item cannot be reviewed (the reason is shown)."""
    assignment = assignment_queue(actor=request.user).first()  # type: ignore[arg-type]
    if assignment is None:
        messages.info(request, _("Your queue is empty."))
        return redirect("reviews:queue")
    try:
        review = review_start(interaction=assignment.interaction, actor=request.user)  # type: ignore[arg-type]
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("reviews:queue")
    return redirect("reviews:edit", pk=review.pk)


def _autosave(request: HttpRequest, review: Review, form: ReviewForm) -> HttpResponse:
    """Save the draft as it stands and answer the small status line; a rule broken is shown, not raised.

    A review submitted meanwhile answers 409 with the reason: scoring.js shows it and stops autosaving.
    """
    context: dict[str, object] = {}
    status = 200
    if form.is_valid():
        try:
            review_save(review=review, actor=request.user, ratings=form.ratings(), comment=form.cleaned_data["comment"])  # type: ignore[arg-type]
            context = {"saved_at": timezone.now(), "rated": len(form.ratings())}
        except Conflict as exc:
            context, status = {"error": str(exc.message), "review": review, "closed": True}, 409
        except ApplicationError as exc:
            context = {"error": str(exc.message)}
    else:
        context = {"error": _("Not saved: a comment needs a rating (or N/A) on its criterion.")}
    return render(request, "reviews/_autosave.html", context, status=status)


@login_required
@require_POST
def review_scorecard_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Switch an unrated draft to another scorecard that applies to the interaction."""
    review = review_own(actor=request.user, pk=pk)  # type: ignore[arg-type]
    versions = {v.pk: v for v in scorecard_versions_for(interaction=review.interaction)}
    version = versions.get(_int(request.POST.get("scorecard_version")))
    if version is None:
        raise Http404
    try:
        review_change_scorecard(review=review, actor=request.user, scorecard_version=version)  # type: ignore[arg-type]
        messages.success(request, _("Scorecard changed to {name}.").format(name=version))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("reviews:edit", pk=review.pk)


@login_required
def review_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A review: the score, pass or fail, errors by impact, every rating, and the feedback panels (revisions,
    audit trail, coaching notes, disputes) with what the viewer may do."""
    from qadesk.disputes.selectors import review_feedback

    review = review_detail(actor=request.user, pk=pk)  # type: ignore[arg-type]
    feedback = review_feedback(actor=request.user, review=review)  # type: ignore[arg-type]
    draft = request.session.pop("coaching_draft", None)  # a refused coaching note comes back so its text is not lost
    if draft and draft.get("review") == review.pk:
        feedback.coaching_draft = draft.get("body", "")
    context = {"review": review, "fb": feedback, "pass_mark": OrgSettings.load().pass_mark, "interaction": None}
    context["customer_voice"] = customer_voice(actor=request.user, interaction_id=review.interaction_id)  # type: ignore[arg-type]
    with contextlib.suppress(Http404):  # the transcript the ratings (and any dispute) refer to, for whoever may see it
        context["interaction"] = interaction_detail(actor=request.user, pk=review.interaction_id)  # type: ignore[arg-type]
    return render(request, "reviews/detail.html", context)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url("interactions:list")


def _int(value: str | None) -> int:
    """An id posted by a form: ASCII digits in the id range, else 404 (nothing has that id)."""
    pk = parse_id(value)
    if pk is None:
        raise Http404
    return pk
