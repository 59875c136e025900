"""Helpers for calibration tests: a session over the default scorecard, ratings by criterion code."""

from datetime import timedelta

from django.utils import timezone

from qadesk.calibration.models import CalibrationSession
from qadesk.calibration.services import calibration_session_create
from qadesk.scorecards.models import Criterion, ScorecardVersion


def criteria(version: ScorecardVersion) -> dict[str, Criterion]:
    return {c.code: c for c in Criterion.objects.filter(section__version=version).select_related("section")}


def top_ratings(version: ScorecardVersion, **overrides: int | None) -> dict[int, int | None]:
    """Top rating on every criterion, except the codes given (None = N/A)."""
    return {c.pk: overrides[code] if code in overrides else c.rating_choices()[-1] for code, c in criteria(version).items()}


def open_session(actor, version, interactions, participants, **extra) -> CalibrationSession:
    extra.setdefault("deadline", timezone.now() + timedelta(days=3))
    return calibration_session_create(
        actor=actor,
        title="November calibration",
        scorecard_version=version,
        interactions=interactions,
        participants=participants,
        **extra,
    )
