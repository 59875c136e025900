"""Scorecards over the API: list, read a version, export and import definitions."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Body, Field, Router, Schema

from qadesk.core.errors import ApplicationError, PermissionDenied
from qadesk.core.inputs import Id
from qadesk.scorecards.models import Scorecard, ScorecardVersion
from qadesk.scorecards.selectors import scorecard_version_detail
from qadesk.scorecards.services import scorecard_version_create, scorecard_version_export

router = Router(tags=["scorecards"])


class ScorecardOut(Schema):
    code: str
    name: dict[str, str]
    is_active: bool
    current_version: int | None


class CriterionOut(Schema):
    id: int
    code: str
    title: dict[str, str]
    guidance: dict[str, str]
    scale: str
    weight: float
    na_allowed: bool
    impact: str
    critical: bool
    fail_section: bool
    bonus: bool
    level: str = Field(description="Level of measurement for agreement statistics: nominal, ordinal, interval or ratio.")
    root_causes: list[dict[str, Any]]


class SectionOut(Schema):
    code: str
    title: dict[str, str]
    criteria: list[CriterionOut]


class VersionOut(Schema):
    id: int
    scorecard: str
    number: int
    status: str
    conditions: dict[str, list[str]]
    allow_above_100: bool
    sections: list[SectionOut]


def _version_out(version: ScorecardVersion) -> VersionOut:
    sections = [
        SectionOut(
            code=s.code,
            title=s.title,
            criteria=[
                CriterionOut.model_validate({**c.__dict__, "weight": float(c.weight), "level": c.measurement_level})
                for c in s.criteria.all()
            ],
        )
        for s in version.sections.all()
    ]
    return VersionOut(
        id=version.pk,
        scorecard=version.scorecard.code,
        number=version.number,
        status=version.status,
        conditions=version.conditions,
        allow_above_100=version.allow_above_100,
        sections=sections,
    )


@router.get("", response=list[ScorecardOut])
def list_scorecards(request: HttpRequest) -> list[ScorecardOut]:
    return [
        ScorecardOut(
            code=s.code, name=s.name, is_active=s.is_active, current_version=(v.number if (v := s.current_version()) else None)
        )
        for s in Scorecard.objects.all()
    ]


@router.post("/import", response={201: VersionOut})
def import_scorecard(
    request: HttpRequest, definition: dict[str, Any] = Body(...), publish: bool = True
) -> tuple[int, VersionOut]:
    """Create the next version of a scorecard from a definition (the export format); QA leads and admins only."""
    if request.user.role not in {"admin", "qa_lead"}:  # type: ignore[union-attr]
        raise PermissionDenied(_("Only QA leads and admins can change scorecards."))
    version = scorecard_version_create(data=definition, publish=publish)
    return 201, _version_out(scorecard_version_detail(version_id=version.pk))


@router.get("/versions/{version_id}", response=VersionOut)
def get_version(request: HttpRequest, version_id: int) -> VersionOut:
    get_object_or_404(ScorecardVersion, pk=version_id)
    return _version_out(scorecard_version_detail(version_id=version_id))


@router.get("/{code}", response=VersionOut)
def get_current(request: HttpRequest, code: str) -> VersionOut:
    version = get_object_or_404(Scorecard, code=code).current_version()
    if version is None:
        raise ApplicationError(_("This scorecard has no published version."), status_code=404)
    return _version_out(scorecard_version_detail(version_id=version.pk))


@router.get("/{code}/export", response=dict[str, Any])
def export_scorecard(request: HttpRequest, code: str, version: Id | None = None) -> dict[str, Any]:
    scorecard = get_object_or_404(Scorecard, code=code)
    found = get_object_or_404(scorecard.versions, number=version) if version else scorecard.current_version()
    if found is None:
        raise ApplicationError(_("This scorecard has no published version."), status_code=404)
    return scorecard_version_export(version=found)
