"""Bulk import over the API: interactions as a JSON body or a JSON Lines / CSV upload, all or nothing by default."""

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile

from qadesk.core.api import ErrorOut
from qadesk.core.errors import ApplicationError
from qadesk.imports.services import ImportReport, import_check_allowed, interactions_import, interactions_import_file

router = Router(tags=["imports"])


class InteractionsIn(Schema):
    records: list[dict[str, Any]]


class RowErrorOut(Schema):
    line: int
    field: str
    message: str


class RowChangeOut(Schema):
    line: int
    external_id: str
    changed: list[str]


class ImportedIdsOut(Schema):
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    refused: list[str]


class ImportReportOut(Schema):
    created: int
    updated: int
    unchanged: int
    refused: int
    skipped: int
    committed: bool
    error_count: int
    errors: list[RowErrorOut]
    ids: ImportedIdsOut
    changes: list[RowChangeOut]
    sops_created: list[str] = []
    revised: list[str] = Field(
        [],
        description="External ids whose reviewed transcript was replaced (new_revision): the reviews keep the one they scored.",
    )
    undeclared_fields: list[str] = Field(
        [], description="Custom fields the rows carry that no admin declared: stored as given (a warning)."
    )


CreateMissing = Literal["sop"] | None


def _kinds(create_missing: CreateMissing) -> frozenset[str]:
    return frozenset({create_missing}) if create_missing else frozenset()


class ImportFailedOut(ImportReportOut):
    detail: str


def _answer(report: ImportReport) -> dict[str, Any]:
    if not report.committed:
        raise ApplicationError(_("Nothing was imported: the records have errors."), status_code=422, extra=report.as_dict())
    return report.as_dict()


@router.post(
    "/interactions",
    response={200: ImportReportOut, 403: ErrorOut, 422: ImportFailedOut},
    summary="Import interactions (JSON body)",
)
def import_interactions(
    request: HttpRequest,
    payload: InteractionsIn,
    skip_invalid: bool = False,
    last_wins: bool = False,
    create_missing: CreateMissing = None,
    new_revision: bool = False,
) -> dict[str, Any]:
    """Records in the JSON Lines shape of docs/import-format.md; an error's `line` is the record's 1-based index.

    `create_missing=sop`: an unknown SOP code creates a placeholder SOP (listed in `sops_created`) instead of an error.
    `new_revision`: a reviewed transcript whose messages changed or went is replaced, the one its reviews scored kept as
    a revision (listed in `revised`), instead of refusing the row."""
    import_check_allowed(actor=request.user)  # type: ignore[arg-type]
    rows = enumerate(payload.records, 1)
    report = interactions_import(
        rows=rows,
        skip_invalid=skip_invalid,
        last_wins=last_wins,
        create_missing=_kinds(create_missing),
        new_revision=new_revision,
    )
    return _answer(report)


@router.post(
    "/interactions/file",
    response={200: ImportReportOut, 400: ErrorOut, 403: ErrorOut, 422: ImportFailedOut},
    summary="Import interactions (JSON Lines or CSV upload)",
)
def import_interactions_file(
    request: HttpRequest,
    file: File[UploadedFile],
    fmt: str | None = None,
    skip_invalid: bool = False,
    last_wins: bool = False,
    create_missing: CreateMissing = None,
    new_revision: bool = False,
) -> dict[str, Any]:
    """A multipart upload named `file`; the format comes from `fmt` (jsonl or csv) or the file name."""
    import_check_allowed(actor=request.user)  # type: ignore[arg-type]
    report = interactions_import_file(
        path_or_stream=file,
        fmt=fmt,
        skip_invalid=skip_invalid,
        last_wins=last_wins,
        create_missing=_kinds(create_missing),
        new_revision=new_revision,
    )
    return _answer(report)
