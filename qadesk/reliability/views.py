"""Thin views: promised vs delivered vs expected per service promise and period, and the promises themselves."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qadesk.accounts.models import User
from qadesk.core.errors import ApplicationError
from qadesk.core.views import form_saved
from qadesk.reliability.forms import PromiseForm, ReliabilityForm
from qadesk.reliability.models import ServicePromise
from qadesk.reliability.querysets import manages_promises, sees_reliability
from qadesk.reliability.selectors import reliability_report
from qadesk.reliability.services import promise_delete, promise_save

DEFAULT_DAYS = 180


def _reader(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not sees_reliability(user):
        raise Http404
    return user


@login_required
def page(request: HttpRequest) -> HttpResponse:
    """Per promise and period: promised, delivered, expected and the gaps; admins and QA leads add promises."""
    user = _reader(request)
    can_edit = manages_promises(user)
    promise_form = PromiseForm(request.POST or None) if can_edit else None
    if saved := form_saved(
        request, promise_form, partial(promise_save, actor=user), done=_("Promise saved."), to="reliability:page"
    ):
        return saved
    form = ReliabilityForm(request.GET)
    reports = None
    if form.is_valid():
        today = timezone.localdate()
        date_to = form.cleaned_data.get("date_to") or today
        date_from = form.cleaned_data.get("date_from") or date_to - timedelta(days=DEFAULT_DAYS)
        try:
            reports = reliability_report(
                actor=user, date_from=date_from, date_to=date_to, period=form.cleaned_data.get("period") or "month"
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
    context = {"form": form, "reports": reports, "promise_form": promise_form, "can_edit": can_edit}
    return render(request, "reliability/page.html", context)


@login_required
@require_POST
def promise_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    if not manages_promises(user):
        raise Http404
    promise_delete(actor=user, promise=get_object_or_404(ServicePromise.objects.visible_to(user), pk=pk))
    messages.success(request, _("Promise removed."))
    return redirect("reliability:page")
