"""The SOP catalogue over the API: read it in the file shape, import a catalogue (docs/sops.md)."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from qadesk.core.api import ErrorOut
from qadesk.core.errors import ApplicationError
from qadesk.interactions.selectors import sop_catalogue_export
from qadesk.interactions.services import sop_catalogue_import, sop_check_editor

router = Router(tags=["sops"])


class StepOut(Schema):
    text: str
    required: bool
    evidence: list[str]
    forbidden: list[str]


class SopOut(Schema):
    code: str
    title: str
    labels: list[str]
    steps: list[StepOut]


class CatalogueOut(Schema):
    sops: list[SopOut]


class CatalogueIn(Schema):
    sops: list[dict[str, Any]]


class SopErrorOut(Schema):
    entry: str
    field: str
    message: str


class SopImportOut(Schema):
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    committed: bool
    errors: list[SopErrorOut]


class SopImportFailedOut(SopImportOut):
    detail: str


@router.get("", response=CatalogueOut, summary="The SOP catalogue")
def list_sops(request: HttpRequest) -> dict[str, Any]:
    """Every SOP with its labels and steps, in the shape `POST /sops/import` and `qadesk sop import` read."""
    return sop_catalogue_export()


@router.post("/import", response={200: SopImportOut, 403: ErrorOut, 422: SopImportFailedOut}, summary="Import SOPs")
def import_sops(request: HttpRequest, payload: CatalogueIn) -> dict[str, Any]:
    """Create or update SOPs by code, all or nothing; the same catalogue again reports every SOP unchanged."""
    sop_check_editor(actor=request.user)  # type: ignore[arg-type]
    report = sop_catalogue_import(document={"sops": payload.sops})
    if not report.committed:
        raise ApplicationError(_("Nothing was imported: the SOPs have errors."), status_code=422, extra=report.as_dict())
    return report.as_dict()
