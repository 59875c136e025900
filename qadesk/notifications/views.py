"""Thin views: the notification list, opening one (marks it read) and marking all read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from qadesk.notifications.selectors import notification_list, notification_unread_count
from qadesk.notifications.services import notifications_mark_read

PAGE_SIZE = 30


@login_required
def notification_list_view(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first, unread ones highlighted."""
    page = Paginator(notification_list(recipient=request.user), PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    return render(request, "notifications/list.html", {"page_obj": page})


@login_required
def notification_badge_view(request: HttpRequest) -> HttpResponse:
    """The bell's unread count (one COUNT query), fetched by htmx after the page so pages do not pay for it."""
    count = notification_unread_count(recipient=request.user)  # type: ignore[arg-type]
    return render(request, "notifications/_badge.html", {"unread": count})


@login_required
def notification_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the user's notifications read and follow its link (someone else's is 404).

    A plain link (GET) so it opens in a new tab like any link; marking read is harmless if repeated.
    """
    notification = get_object_or_404(notification_list(recipient=request.user), pk=pk)  # type: ignore[arg-type]
    notifications_mark_read(recipient=request.user, ids=[notification.pk])  # type: ignore[arg-type]
    allowed = url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()})
    return HttpResponseRedirect(notification.url if notification.url and allowed else resolve_url("notifications:list"))


@login_required
@require_POST
def notification_mark_all_read_view(request: HttpRequest) -> HttpResponse:
    """Mark every unread notification of the user read."""
    count = notifications_mark_read(recipient=request.user)  # type: ignore[arg-type]
    if count:
        messages.success(
            request,
            ngettext("{count} notification marked read.", "{count} notifications marked read.", count).format(count=count),
        )
    else:
        messages.info(request, _("Nothing unread."))
    return redirect("notifications:list")
