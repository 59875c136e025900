"""Helpers for review tests: ratings for the default scorecard by criterion code."""

from qadesk.reviews.services import RatingInput
from qadesk.scorecards.models import Criterion, ScorecardVersion


def criteria_by_code(version: ScorecardVersion) -> dict[str, Criterion]:
    return {c.code: c for c in Criterion.objects.filter(section__version=version)}


def perfect_ratings(version: ScorecardVersion, **overrides: int | None) -> dict[int, RatingInput]:
    """Top rating on every criterion, except the codes given (value None = N/A)."""
    ratings = {}
    for code, criterion in criteria_by_code(version).items():
        value = overrides[code] if code in overrides else criterion.rating_choices()[-1]
        ratings[criterion.pk] = RatingInput(value=value)
    return ratings
