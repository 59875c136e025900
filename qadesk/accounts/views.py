"""Thin views: parse the request, call one selector or service, render."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qadesk.accounts.forms import ApiTokenForm, OrgSettingsForm, PasswordResetForm, ReviewLanguagesForm
from qadesk.accounts.models import Agent, OrgSettings, Role, SavedFilter, User
from qadesk.accounts.selectors import api_token_list, people_list
from qadesk.accounts.services import (
    api_token_create,
    api_token_revoke,
    org_settings_update,
    people_invite,
    saved_filter_delete,
    saved_filter_query,
    saved_filter_save,
    user_set_language,
    user_set_review_languages,
)
from qadesk.core.errors import ApplicationError
from qadesk.core.selectors import worker_status
from qadesk.notifications.selectors import notification_email_failures

EMAIL_FAILURES_SHOWN = timedelta(days=30)  # failed notification e-mails counted on the Settings page


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Your account: change your password; your API tokens, a new one (its key shown on this response only), revoke."""
    actor: User = request.user  # type: ignore[assignment]  # login_required: never anonymous here
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = api_token_create(user=actor, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            form = ApiTokenForm()
    languages = ReviewLanguagesForm(initial={"languages": ", ".join(actor.review_languages or [])}, prefix="rl")
    context = {"form": form, "tokens": api_token_list(actor=actor), "new_key": new_key, "languages_form": languages}
    response = render(request, "accounts/account.html", context)
    add_never_cache_headers(response)  # the new key must not stay in a cache
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponseRedirect:
    """Revoke one of your own tokens (anyone else's is 404)."""
    token = get_object_or_404(api_token_list(actor=request.user), pk=token_id)  # type: ignore[arg-type]
    api_token_revoke(token=token)
    messages.success(request, _("Token “{name}” revoked: programs using it now get 401.").format(name=token.name))
    return redirect("accounts:account")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; the user stays logged in, and their API tokens are revoked (User.save)."""

    template_name = "accounts/password_change.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(
            self.request, _("Password changed. Your API tokens no longer work: create new ones below if you need them.")
        )
        return response


@login_required
@require_POST
def review_languages_set(request: HttpRequest) -> HttpResponseRedirect:
    """Save the languages a reviewer reviews (those who review only)."""
    actor: User = request.user  # type: ignore[assignment]
    if not actor.can_review:
        raise PermissionDenied
    form = ReviewLanguagesForm(request.POST, prefix="rl")
    if form.is_valid():
        try:
            user_set_review_languages(user=actor, languages=form.tags())
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The languages you review are saved."))
    return redirect("accounts:account")


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


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request. The e-mail's link is built from QADESK_BASE_URL, never from the request's Host header,
    so a forged Host cannot make a valid reset link point to someone else's site."""

    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"

    def form_valid(self, form: Any) -> HttpResponse:
        self.extra_email_context = {"base_url": settings.QADESK_BASE_URL.rstrip("/")}
        return super().form_valid(form)


@login_required
def people_view(request: HttpRequest) -> HttpResponse:
    """The agents and their logins (admins only); invite the ticked ones: a login and an e-mail to set a password."""
    actor: User = request.user  # type: ignore[assignment]
    if not (actor.role == Role.ADMIN or actor.is_superuser):
        raise PermissionDenied
    if request.method == "POST":
        picked = Agent.objects.filter(pk__in=[v for v in request.POST.getlist("agent") if v.isdigit()])
        report = people_invite(actor=actor, agents=picked)
        if report.invited or report.resent:
            messages.success(
                request,
                _("Invitations sent: {invited} new, {resent} again.").format(
                    invited=len(report.invited), resent=len(report.resent)
                ),
            )
        for username, reason in report.skipped:
            messages.warning(request, _("{name} not invited: {reason}").format(name=username, reason=reason))
        return redirect("accounts:people")
    return render(request, "accounts/people.html", {"agents": people_list()})


@login_required
@require_POST
def saved_filter_save_view(request: HttpRequest, page: str) -> HttpResponse:
    """Save the list's current filters under a name, then show the list filtered by them."""
    actor: User = request.user  # type: ignore[assignment]
    if page not in SavedFilter.Page.values:
        raise Http404
    # htmx sends the filter form's current fields; without script, the query the page was loaded with.
    query = saved_filter_query(dict(request.POST.lists())) or saved_filter_query(
        dict(QueryDict(request.POST.get("query", "")).lists())
    )
    try:
        saved = saved_filter_save(user=actor, page=page, name=request.POST.get("saved_name", ""), query=query)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        target = reverse(f"{page}:list") + (f"?{query}" if query else "")
    else:
        messages.success(request, _("Filter “{name}” saved.").format(name=saved.name))
        target = reverse(f"{page}:list") + (f"?{saved.query}" if saved.query else "")
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


@login_required
@require_POST
def saved_filter_delete_view(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    saved = get_object_or_404(SavedFilter.objects.visible_to(request.user), pk=pk)  # type: ignore[arg-type]
    saved_filter_delete(saved_filter=saved)
    messages.success(request, _("Filter “{name}” deleted.").format(name=saved.name))
    return redirect(reverse(f"{saved.page}:list"))
