"""Thin views: the phone line's delivery figures, the monthly compliance of its levels, and the levels themselves."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qadesk.accounts.models import User
from qadesk.core.errors import ApplicationError
from qadesk.core.views import form_saved
from qadesk.phoneline.forms import LevelForm, PhoneReportForm
from qadesk.phoneline.models import DeliveryLevel
from qadesk.phoneline.querysets import manages_levels, sees_phoneline
from qadesk.phoneline.selectors import compliance, phone_report
from qadesk.phoneline.services import level_delete, level_save


def _reader(request: HttpRequest) -> User:
    """The signed-in user when they may read the phone line; otherwise the page does not exist for them (404)."""
    user: User = request.user  # type: ignore[assignment]
    if not sees_phoneline(user):
        raise Http404
    return user


@login_required
def page(request: HttpRequest) -> HttpResponse:
    """The delivery figures per group, the levels' monthly compliance, and (admins, QA leads) a form to add a level."""
    user = _reader(request)
    can_edit = manages_levels(user)
    level_form = LevelForm(request.POST or None) if can_edit else None
    if saved := form_saved(request, level_form, partial(level_save, actor=user), done=_("Level saved."), to="phoneline:page"):
        return saved
    form = PhoneReportForm(request.GET)
    report = None
    if form.is_valid():
        try:
            report = phone_report(actor=user, **form.report_arguments())  # type: ignore[arg-type]
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
    months, rows = compliance(actor=user, mos_below=report.mos_below if report else 3.5)
    context = {"form": form, "report": report, "months": months, "rows": rows, "level_form": level_form, "can_edit": can_edit}
    return render(request, "phoneline/page.html", context)


@login_required
@require_POST
def level_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    if not manages_levels(user):
        raise Http404
    level_delete(actor=user, level=get_object_or_404(DeliveryLevel.objects.visible_to(user), pk=pk))
    messages.success(request, _("Level removed."))
    return redirect("phoneline:page")
