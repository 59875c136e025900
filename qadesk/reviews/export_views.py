"""Downloads of the review list: its reviews, and their ratings one row per review × criterion, with the list's filters
(the same form and selector as reviews.views.review_list_view, so visibility and filters cannot drift apart)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from qadesk.accounts.models import OrgSettings
from qadesk.core.exports import page_export
from qadesk.reviews.exports import ratings_table, reviews_table
from qadesk.reviews.forms import ReviewFilterForm
from qadesk.reviews.selectors import review_list


@login_required
def review_export_view(request: HttpRequest) -> HttpResponseBase:
    """The reviews the list shows (all pages), as CSV or xlsx."""
    form = ReviewFilterForm(request.GET or None, actor=request.user)  # type: ignore[arg-type]
    reviews = review_list(actor=request.user, filters=form.filters())  # type: ignore[arg-type]
    return page_export(request, lambda: reviews_table(reviews=reviews, pass_mark=OrgSettings.load().pass_mark))


@login_required
def rating_export_view(request: HttpRequest) -> HttpResponseBase:
    """The ratings of the reviews the list shows, one row per review × criterion, as CSV or xlsx."""
    form = ReviewFilterForm(request.GET or None, actor=request.user)  # type: ignore[arg-type]
    reviews = review_list(actor=request.user, filters=form.filters())  # type: ignore[arg-type]
    return page_export(request, lambda: ratings_table(reviews=reviews))
