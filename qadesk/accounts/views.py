"""Thin views: parse the request, call one selector or service, render."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qadesk.accounts.forms import OrgSettingsForm
from qadesk.accounts.models import OrgSettings, Role
from qadesk.accounts.services import org_settings_update, user_set_language
from qadesk.core.errors import ApplicationError
from qadesk.core.selectors import worker_status
from qadesk.notifications.selectors import notification_email_failures

EMAIL_FAILURES_SHOWN = timedelta(days=30)  # failed notification e-mails counted on the Settings page


@login_required
@require_POST
def language_set(request: HttpRequest) -> HttpResponseRedirect:
    """Save the interface language the user picked and go back to the page they were on."""
    try:
        user_set_language(user=request.user, language=request.POST.get("language", ""))  # type: ignore[arg-type]
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return HttpResponseRedirect(_safe_next(request))


@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    """The organisation's QA settings (pass mark, minimum n, self-review, dispute rules); admins only."""
    if not (request.user.role == Role.ADMIN or request.user.is_superuser):  # type: ignore[union-attr]
        raise PermissionDenied
    form = OrgSettingsForm(request.POST or None, instance=OrgSettings.load())
    if request.method == "POST" and form.is_valid():
        org_settings_update(actor=request.user, changes=form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("Settings saved."))
        return redirect("accounts:settings")
    context = {
        "form": form,
        "worker": worker_status(),
        "email_failures": notification_email_failures(since=timezone.now() - EMAIL_FAILURES_SHOWN),
    }
    return render(request, "accounts/settings.html", context)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url("interactions:list")
