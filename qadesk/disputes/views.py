"""Thin views: parse the request, call one selector or service, render."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from qadesk.disputes.models import Dispute


@login_required
def dispute_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """For now a dispute is shown on its review's page."""
    dispute = get_object_or_404(Dispute.objects.visible_to(request.user), pk=pk)  # type: ignore[arg-type]
    return redirect("reviews:detail", pk=dispute.review_id)
