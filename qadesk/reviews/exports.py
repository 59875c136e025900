"""The review list and its ratings as tables to download (qadesk.core.exports writes them as CSV or xlsx).

Both take the queryset the list shows (review_list: visibility and filters already applied) and walk it with
`.iterator()` so a big export holds one chunk of rows at a time."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from qadesk.core.exports import Column, Table
from qadesk.reviews.forms import rating_label
from qadesk.reviews.models import Rating, Review

CHUNK = 2000

REVIEW_COLUMNS = [
    Column(_("Review"), "int"),
    Column(_("Interaction")),
    Column(_("Agent")),
    Column(_("Reviewer")),
    Column(_("Scorecard")),
    Column(_("Status")),
    Column(_("Created"), "datetime"),
    Column(_("Submitted"), "datetime"),
    Column(_("Score"), "number"),
    Column(_("Passed"), "bool"),
    Column(_("High-impact errors"), "int"),
    Column(_("Low-impact errors"), "int"),
]

RATING_COLUMNS = [
    Column(_("Review"), "int"),
    Column(_("Interaction")),
    Column(_("Agent")),
    Column(_("Reviewer")),
    Column(_("Submitted"), "datetime"),
    Column(_("Scorecard")),
    Column(_("Criterion code")),
    Column(_("Criterion")),
    Column(_("Rating")),
    Column(_("Rating value"), "int"),
    Column(_("Criterion score"), "number"),
    Column(_("Failed"), "bool"),
    Column(_("Comment")),
]


def reviews_table(*, reviews: QuerySet[Review], pass_mark: float | Decimal) -> Table:
    """One row per review, as the review list shows it; people by name."""
    return Table(name="reviews", sheet=_("Reviews"), columns=REVIEW_COLUMNS, rows=_review_rows(reviews, pass_mark))


def _review_rows(reviews: QuerySet[Review], pass_mark: float | Decimal) -> Iterator[list[Any]]:
    for review in reviews.iterator(chunk_size=CHUNK):
        yield [
            review.pk,
            review.interaction.external_id,
            str(review.agent),
            _person(review.reviewer),
            str(review.scorecard_version),
            review.get_status_display(),
            review.created_at,
            review.submitted_at,
            review.score,
            None if review.score is None else review.score >= float(pass_mark),
            review.high_impact_errors,
            review.low_impact_errors,
        ]


def ratings_table(*, reviews: QuerySet[Review]) -> Table:
    """One row per review × criterion of the reviews given, in form order; binary ratings in words."""
    return Table(name="ratings", sheet=_("Ratings"), columns=RATING_COLUMNS, rows=_rating_rows(reviews))


def _rating_rows(reviews: QuerySet[Review]) -> Iterator[list[Any]]:
    ratings = (
        Rating.objects.filter(review__in=reviews.order_by().values("pk"))
        .select_related("review__interaction", "review__agent", "review__reviewer", "review__scorecard_version__scorecard")
        .select_related("criterion")
        .order_by("-review_id", "criterion__section__position", "criterion__position")
    )
    for rating in ratings.iterator(chunk_size=CHUNK):
        review, criterion = rating.review, rating.criterion
        yield [
            review.pk,
            review.interaction.external_id,
            str(review.agent),
            _person(review.reviewer),
            review.submitted_at,
            str(review.scorecard_version),
            criterion.code,
            str(criterion),
            _("N/A") if rating.value is None else rating_label(criterion, rating.value),
            rating.value,
            rating.score,
            rating.failed,
            rating.comment,
        ]


def _person(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""
