"""Calibration pages, thin: parse the request, call one selector or service, render."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qadesk.accounts.models import User
from qadesk.calibration.exports import KAPPAS, LEVELS, RESULT_TABLES, calibration_results_table
from qadesk.calibration.forms import CalibrationScoreForm, CloseForm, SessionForm, rating_choices
from qadesk.calibration.models import AgreedAnswer, CalibrationItem, CalibrationRating, CalibrationScore, CalibrationSession
from qadesk.calibration.selectors import (
    calibration_is_blinded,
    calibration_results,
    calibration_reviewer_history,
    calibration_session_detail,
    calibration_session_list,
)
from qadesk.calibration.services import (
    calibration_agreed_answer_clear,
    calibration_agreed_answer_set,
    calibration_score_submit,
    calibration_session_close,
    calibration_session_create,
    is_qa_lead,
)
from qadesk.core.errors import ApplicationError
from qadesk.core.errors import PermissionDenied as DomainPermissionDenied
from qadesk.core.exports import page_export
from qadesk.core.inputs import parse_id
from qadesk.interactions.models import Interaction, Message
from qadesk.reviews.forms import NA, rating_label
from qadesk.scorecards.models import Criterion
from qadesk.scorecards.selectors import scorecard_version_detail

RATING = re.compile(r"-?[0-9]{1,4}")  # ASCII digits ('²'.isdigit() is True too); the service checks the scale


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require_lead(actor: User) -> None:
    if not is_qa_lead(actor):
        raise DjangoPermissionDenied


def _criteria(session: CalibrationSession) -> list[Criterion]:
    version = scorecard_version_detail(version_id=session.scorecard_version_id)
    return [c for section in version.sections.all() for c in section.criteria.all()]


@login_required
def session_list_view(request: HttpRequest) -> HttpResponse:
    """The sessions the user may see, with their size; QA leads get "New session"."""
    sessions = calibration_session_list(actor=_actor(request)).annotate(
        n_items=Count("items", distinct=True), n_participants=Count("participants", distinct=True)
    )
    return render(request, "calibration/list.html", {"sessions": sessions, "is_lead": is_qa_lead(_actor(request))})


@login_required
def session_create_view(request: HttpRequest) -> HttpResponse:
    """A QA lead opens a session over typed or ticked interactions."""
    actor = _actor(request)
    _require_lead(actor)
    # ?interactions=T-1,T-2 fills the interactions in (the gap page's "send to calibration" on a discrepancy).
    initial = {"interaction_refs": request.GET.get("interactions", "")[:2000]}
    form = SessionForm(request.POST or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = calibration_session_create(
                actor=actor,
                title=data["title"],
                scorecard_version=data["scorecard_version"],
                interactions=data["chosen_interactions"],
                participants=list(data["participants"]),
                deadline=data["deadline"],
                blind=data["blind"],
                hide_agent=data["hide_agent"],
                benchmark_reviewer=data["benchmark_reviewer"],
                note=data["note"],
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Calibration session opened; its participants have been told."))
            return redirect("calibration:detail", pk=session.pk)
    return render(request, "calibration/create.html", {"form": form})


@login_required
def session_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The items with each participant's progress; a participant's "Score" button per item still to score."""
    actor = _actor(request)
    session = calibration_session_detail(actor=actor, pk=pk)
    items = list(session.items.select_related("interaction__agent"))
    participants = sorted(session.participants.all(), key=lambda u: (u.get_full_name() or u.username).lower())
    if calibration_is_blinded(session=session, actor=actor):
        participants = [p for p in participants if p.pk == actor.pk]  # who has scored what is the others' business
    scored = set(CalibrationScore.objects.filter(session=session).values_list("item_id", "reviewer_id"))
    rows = [
        {"item": item, "cells": [(item.pk, p.pk) in scored for p in participants], "mine": (item.pk, actor.pk) in scored}
        for item in items
    ]
    progress = [(p, sum((i.pk, p.pk) in scored for i in items)) for p in participants]
    context = {
        "session": session,
        "rows": rows,
        "participants": participants,
        "progress": progress,
        "n_items": len(items),
        "is_participant": any(p.pk == actor.pk for p in participants),
        "is_lead": is_qa_lead(actor),
        "show_agent": not session.hide_agent or is_qa_lead(actor),
    }
    return render(request, "calibration/detail.html", context)


@login_required
def score_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """A participant scores one item: the scorecard beside the transcript, then calibration_score_submit."""
    actor = _actor(request)
    session = calibration_session_detail(actor=actor, pk=pk)
    if not any(p.pk == actor.pk for p in session.participants.all()):
        raise Http404
    item = get_object_or_404(CalibrationItem, session=session, pk=item_pk)
    if CalibrationScore.objects.filter(item=item, reviewer=actor).exists():
        messages.info(request, _("You have already scored this interaction."))
        return redirect("calibration:detail", pk=session.pk)
    criteria = _criteria(session)
    form = CalibrationScoreForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            calibration_score_submit(item=item, actor=actor, ratings=form.ratings(), comment=form.cleaned_data["comment"])
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Score submitted."))
            done = set(CalibrationScore.objects.filter(session=session, reviewer=actor).values_list("item_id", flat=True))
            following = next((i for i in session.items.all() if i.pk not in done), None)
            if following is not None:
                return redirect("calibration:score", pk=session.pk, item_pk=following.pk)
            return redirect("calibration:detail", pk=session.pk)
    messages_qs = Message.objects.select_related("agent").order_by("position")
    interaction = Interaction.objects.select_related("agent", "label", "sop").prefetch_related(Prefetch("messages", messages_qs))
    context = {
        "session": session,
        "item": item,
        "interaction": interaction.get(pk=item.interaction_id),
        "form": form,
        "criteria_count": len(criteria),
        "show_agent": not session.hide_agent or is_qa_lead(actor),
    }
    return render(request, "calibration/score.html", context)


def _agreed_grid(session: CalibrationSession, results: dict[str, Any], criteria: list[Criterion]) -> list[dict[str, Any]]:
    """Per item, per criterion: the participants' ratings and the agreed answer, for the QA lead's form."""
    agreed = {(a.item_id, a.criterion_id): a.value for a in AgreedAnswer.objects.filter(session=session)}
    # Who gave which rating, by name, and the rating as its scale reads (Yes/No on pass/fail, N/A), never 0/1.
    given: dict[tuple[int, int], list[tuple[str, str]]] = {}
    by_pk = {c.pk: c for c in criteria}
    rows = CalibrationRating.objects.filter(score__session=session).values_list(
        "score__item_id", "criterion_id", "score__reviewer__username", "score__reviewer__first_name",
        "score__reviewer__last_name", "value",
    )  # fmt: skip
    for item_id, criterion_id, username, first, last, value in rows.order_by("score__reviewer__username"):
        name = f"{first} {last}".strip() or username
        criterion = by_pk.get(criterion_id)
        label = str(_("N/A")) if value is None or criterion is None else rating_label(criterion, value)
        given.setdefault((item_id, criterion_id), []).append((name, label))
    grid = []
    for item in results["items"]:
        cells = []
        for c in criteria:
            key = (item["item"], c.pk)
            current = NA if key in agreed and agreed[key] is None else (str(agreed[key]) if key in agreed else "")
            cells.append(
                {"criterion": c, "name": f"a{item['item']}_{c.pk}", "choices": rating_choices(c), "current": current,
                 "given": given.get(key, [])}
            )  # fmt: skip
        grid.append({"item": item, "cells": cells})
    return grid


def _labelled(row: dict[str, Any]) -> dict[str, Any]:
    """An agreement row with its level and kappa named in the reader's language."""
    kappa = row.get("kappa")
    return {**row, "level_label": LEVELS.get(row["level"], row["level"]), "kappa_label": KAPPAS[kappa["kind"]] if kappa else ""}


@login_required
def results_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Agreement overall and per criterion (worst first), reviewers' deviation; QA leads record answers and close."""
    actor = _actor(request)
    session = calibration_session_detail(actor=actor, pk=pk)
    results = calibration_results(session=session, actor=actor)
    context: dict[str, Any] = {
        "session": session,
        "results": results,
        "levels": [_labelled(row) for row in results["overall"]["by_level"]],
        "criteria_rows": [_labelled(row) for row in results["criteria"]],
        "is_lead": is_qa_lead(actor),
    }
    if context["is_lead"]:
        context["grid"] = _agreed_grid(session, results, _criteria(session))
        initial = {"note": session.note, "scorecard_revision_note": session.scorecard_revision_note}
        context["close_form"] = CloseForm(initial=initial)
    return render(request, "calibration/results.html", context)


@login_required
def results_export_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One table of the results page (`table=reviewers|criteria`) as CSV or xlsx: `?format=csv|xlsx`."""
    actor = _actor(request)
    session = calibration_session_detail(actor=actor, pk=pk)
    table = str(request.GET.get("table"))
    table = table if table in RESULT_TABLES else "reviewers"
    return page_export(
        request, lambda: calibration_results_table(results=calibration_results(session=session, actor=actor), table=table)
    )


@login_required
@require_POST
def agreed_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A QA lead records the agreed rating of each criterion of each item; blank selects are left unchanged."""
    actor = _actor(request)
    session = calibration_session_detail(actor=actor, pk=pk)
    _require_lead(actor)
    current = {(a.item_id, a.criterion_id): a.value for a in AgreedAnswer.objects.filter(session=session)}
    criteria = _criteria(session)
    saved = 0
    try:
        for item in session.items.all():
            for criterion in criteria:
                raw = request.POST.get(f"a{item.pk}_{criterion.pk}", "")
                if not raw or not (raw == NA or RATING.fullmatch(raw)):  # blank or not a number: left unchanged
                    continue
                value = None if raw == NA else int(raw)
                if (item.pk, criterion.pk) in current and current[(item.pk, criterion.pk)] == value:
                    continue
                calibration_agreed_answer_set(item=item, criterion=criterion, actor=actor, value=value)
                saved += 1
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("{count} agreed answers saved.").format(count=saved))
    return redirect("calibration:results", pk=session.pk)


@login_required
@require_POST
def agreed_clear_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A QA lead takes back one agreed answer (the "Clear" button beside it posts clear=a<item>_<criterion>)."""
    actor = _actor(request)
    session = calibration_session_detail(actor=actor, pk=pk)
    _require_lead(actor)
    item_ref, _sep, criterion_ref = request.POST.get("clear", "").removeprefix("a").partition("_")
    item_pk, criterion_pk = parse_id(item_ref), parse_id(criterion_ref)
    if item_pk is None or criterion_pk is None:
        raise Http404
    item = get_object_or_404(CalibrationItem, session=session, pk=item_pk)
    criterion = get_object_or_404(Criterion, pk=criterion_pk)
    if calibration_agreed_answer_clear(item=item, criterion=criterion, actor=actor):
        messages.success(request, _("Agreed answer cleared."))
    else:
        messages.info(request, _("There was no agreed answer to clear."))
    return redirect("calibration:results", pk=session.pk)


@login_required
@require_POST
def close_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A QA lead closes the session, with what it concluded and what the scorecard should change."""
    actor = _actor(request)
    session = calibration_session_detail(actor=actor, pk=pk)
    _require_lead(actor)
    form = CloseForm(request.POST)
    form.is_valid()
    try:
        calibration_session_close(
            session=session,
            actor=actor,
            note=form.cleaned_data.get("note", ""),
            scorecard_revision_note=form.cleaned_data.get("scorecard_revision_note", ""),
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Session closed; its participants have been told the results are out."))
    return redirect("calibration:results", pk=session.pk)


@login_required
def reviewer_view(request: HttpRequest, username: str) -> HttpResponse:
    """A reviewer's calibration record: leniency per session (the trend) and the share of contested findings overturned."""
    actor = _actor(request)
    reviewer = get_object_or_404(User, username=username)
    try:
        history = calibration_reviewer_history(reviewer=reviewer, actor=actor)
    except DomainPermissionDenied as exc:
        raise Http404 from exc
    scale = max([abs(t["leniency"]) for t in history["trend"] if t["leniency"] is not None] or [0]) or 1
    trend = [{**t, "bar": None if t["leniency"] is None else round(50 * abs(t["leniency"]) / scale, 1)} for t in history["trend"]]
    return render(request, "calibration/reviewer.html", {"reviewer": reviewer, "history": history, "trend": trend})
