"""The scorecard builder's pages (QA leads and admins; anyone else gets a 404): the scorecards and their versions, a
draft's form, its preview as a reviewer will see it, and publishing it as the next version."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qadesk.accounts.models import OrgSettings, Role, User
from qadesk.core.documents import document_text
from qadesk.core.errors import ApplicationError
from qadesk.reviews.forms import ReviewForm
from qadesk.scorecards.forms import ScorecardBuilder
from qadesk.scorecards.models import Scorecard, ScorecardDraft, ScorecardDraftQuerySet, ScorecardVersion
from qadesk.scorecards.selectors import scorecard_preview
from qadesk.scorecards.services import (
    scorecard_definition_parse,
    scorecard_draft_discard,
    scorecard_draft_import,
    scorecard_draft_publish,
    scorecard_draft_save,
    scorecard_draft_start,
    scorecard_version_export,
)

IMPORT_MAX_BYTES = 1_000_000


def _drafts(request: HttpRequest) -> ScorecardDraftQuerySet:
    """The drafts the user may build; nobody else learns the builder exists (404, not 403)."""
    user: User = request.user  # type: ignore[assignment]
    drafts = ScorecardDraft.objects.visible_to(user)
    if not (user.is_superuser or user.role in {Role.ADMIN, Role.QA_LEAD}):
        raise Http404
    return drafts


def _open_draft(request: HttpRequest, pk: int) -> ScorecardDraft:
    return get_object_or_404(_drafts(request).open(), pk=pk)


@login_required
def scorecard_list_view(request: HttpRequest) -> HttpResponse:
    """Every scorecard with its versions (and how many reviews each has), the open drafts, and the YAML import."""
    drafts = _drafts(request).open()
    scorecards = Scorecard.objects.prefetch_related("versions").order_by("code")
    review_counts = dict(
        ScorecardVersion.objects.annotate(n=Count("reviews")).values_list("pk", "n")  # reviews keep their version
    )
    return render(
        request,
        "scorecards/list.html",
        {"scorecards": scorecards, "drafts": drafts, "review_counts": review_counts},
    )


@login_required
@require_POST
def draft_start_view(request: HttpRequest) -> HttpResponse:
    """Resume a scorecard's open draft or start one from its current version; without a scorecard, a new one."""
    _drafts(request)
    code = request.POST.get("scorecard") or ""
    scorecard = get_object_or_404(Scorecard, code=code) if code else None
    draft = scorecard_draft_start(scorecard=scorecard, actor=request.user)  # type: ignore[arg-type]
    return redirect("scorecards:draft", draft.pk)


@login_required
def draft_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft's form: save it as it stands (complete or not) and come back later, or save and preview."""
    draft = _open_draft(request, pk)
    builder = ScorecardBuilder(
        data=request.POST if request.method == "POST" else None, draft=draft.data, code_locked=bool(draft.base_version_id)
    )
    if request.method == "POST":
        if builder.is_valid():
            try:
                scorecard_draft_save(draft=draft, data=builder.document(), actor=request.user)  # type: ignore[arg-type]
            except ApplicationError as exc:
                builder.head.add_error(None, str(exc.message))
            else:
                if "preview" in request.POST:
                    return redirect("scorecards:preview", draft.pk)
                messages.success(request, _("Draft saved."))
                return redirect("scorecards:draft", draft.pk)
        else:
            messages.error(request, _("The draft was not saved: see the marked fields."))
    return render(request, "scorecards/draft.html", {"draft": draft, "builder": builder})


@login_required
def draft_preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The scoring form as a reviewer will see it, or what must be fixed before the draft can be published."""
    draft = _open_draft(request, pk)
    context: dict[str, object] = {"draft": draft, "problem": None}
    try:
        definition = scorecard_definition_parse(data=draft.data)
    except ApplicationError as exc:
        context["problem"] = str(exc.message)
    else:
        version, criteria = scorecard_preview(definition=definition)
        existing = Scorecard.objects.filter(code=definition.code).annotate(m=Max("versions__number")).first()
        version.number = ((existing.m or 0) if existing else 0) + 1  # type: ignore[attr-defined]
        form = ReviewForm(criteria=criteria, ratings={})
        context.update({"version": version, "form": form, "count": len(criteria), "pass_mark": OrgSettings.load().pass_mark})
    return render(request, "scorecards/preview.html", context)


@login_required
@require_POST
def draft_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the draft as the scorecard's next version (a repeated click gives the same version)."""
    draft = get_object_or_404(_drafts(request), pk=pk)
    try:
        version = scorecard_draft_publish(draft=draft, actor=request.user)  # type: ignore[arg-type]
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("scorecards:preview", draft.pk)
    messages.success(
        request, _("{scorecard} version {number} is published.").format(scorecard=version.scorecard, number=version.number)
    )
    return redirect("scorecards:list")


@login_required
@require_POST
def draft_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard_draft_discard(draft=_open_draft(request, pk))
    messages.success(request, _("Draft discarded."))
    return redirect("scorecards:list")


@login_required
@require_POST
def draft_import_view(request: HttpRequest) -> HttpResponse:
    """A YAML or JSON definition file read into a draft, to check in the form and preview before publishing."""
    _drafts(request)
    upload = request.FILES.get("file")
    try:
        if upload is None or upload.size is None or upload.size > IMPORT_MAX_BYTES:
            raise ApplicationError(_("Choose a YAML or JSON file of at most 1 MB."))
        text = upload.read().decode("utf-8", errors="replace")
        draft = scorecard_draft_import(text=text, actor=request.user)  # type: ignore[arg-type]
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("scorecards:list")
    messages.success(request, _("File read into a draft: check it, preview it, then publish."))
    return redirect("scorecards:draft", draft.pk)


@login_required
def version_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One version as a YAML definition file (what `qadesk scorecard import` and the import above read)."""
    _drafts(request)
    version = get_object_or_404(ScorecardVersion.objects.select_related("scorecard"), pk=pk)
    text = document_text(scorecard_version_export(version=version))
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{version.scorecard.code}-v{version.number}.yaml"'
    return response
