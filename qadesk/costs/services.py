"""Writing the cost model: one save per kind of row (pages, API and imports all come here) and the file import."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from qadesk.accounts.models import Agent, Site, Team, User
from qadesk.core.errors import ApplicationError, InvalidInput
from qadesk.costs.models import CostSettings, LabourCost, Revenue, SegmentCustomers, SupportCost
from qadesk.costs.querysets import sees_costs

MAX_IMPORT_ROWS = 50_000


def _require(actor: User) -> None:
    if not sees_costs(actor):
        raise ApplicationError(_("Only admins and managers enter costs."), status_code=404)


def _saved(row: models.Model) -> Any:
    """Validate (naming the first field at fault) and save."""
    try:
        row.full_clean()
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        raise InvalidInput(messages[0], field=(name,)) from exc
    row.save()
    return row


def labour_cost_save(*, actor: User, **values: Any) -> LabourCost:
    """Add a labour cost record (agent, team, site or, with none of them, the organisation's default)."""
    _require(actor)
    if sum(values.get(scope) is not None for scope in ("agent", "team", "site")) > 1:
        raise InvalidInput(_("Give one of agent, team or site, or none for the organisation's default."), field=("agent",))
    existing = LabourCost.objects.filter(
        valid_from=values["valid_from"], agent=values.get("agent"), team=values.get("team"), site=values.get("site")
    ).first()
    row = existing or LabourCost()
    for name, value in values.items():
        setattr(row, name, value)
    result: LabourCost = _saved(row)
    return result


def support_cost_save(*, actor: User, **values: Any) -> SupportCost:
    """Record one month's support cost of a category (and site); the same month, category and site is replaced."""
    _require(actor)
    values["month"] = values["month"].replace(day=1)
    row = SupportCost.objects.filter(month=values["month"], category=values["category"], site=values.get("site")).first()
    row = row or SupportCost()
    for name, value in values.items():
        setattr(row, name, value)
    result: SupportCost = _saved(row)
    return result


def revenue_save(*, actor: User, month: date, revenue: Decimal, gross_margin: Decimal) -> Revenue:
    """Record (or replace) one month's revenue and gross margin."""
    _require(actor)
    row = Revenue.objects.filter(month=month.replace(day=1)).first() or Revenue(month=month.replace(day=1))
    row.revenue, row.gross_margin = revenue, gross_margin
    result: Revenue = _saved(row)
    return result


def segment_customers_save(
    *,
    actor: User,
    month: date,
    segment: str,
    customers: int,
    customers_lost: int | None = None,
    gross_margin: Decimal | None = None,
) -> SegmentCustomers:
    """Record (or replace) a segment's customers for one month."""
    _require(actor)
    month = month.replace(day=1)
    row = SegmentCustomers.objects.filter(month=month, segment=segment).first() or SegmentCustomers(month=month, segment=segment)
    row.customers, row.customers_lost, row.gross_margin = customers, customers_lost, gross_margin
    result: SegmentCustomers = _saved(row)
    return result


def cost_settings_save(*, actor: User, **values: Any) -> CostSettings:
    """Change the currency or the assumptions of "what a mistake costs"."""
    _require(actor)
    row = CostSettings.load()
    for name, value in values.items():
        setattr(row, name, value)
    result: CostSettings = _saved(row)
    return result


# --- import from CSV or xlsx -----------------------------------------------------------------------------------------


def _text(value: str) -> str:
    return value.strip()


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip()[:10] if len(value.strip()) > 7 else value.strip() + "-01")
    except ValueError:
        raise ValueError(_("Not a date (YYYY-MM-DD or YYYY-MM): {value}").format(value=value)) from None


def _decimal(value: str) -> Decimal:
    try:
        return Decimal(value.strip().replace(" ", ""))
    except InvalidOperation:
        raise ValueError(_("Not a number (use a decimal point): {value}").format(value=value)) from None


def _int(value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise ValueError(_("Not a whole number: {value}").format(value=value)) from None


def _lookup(model: type[models.Model], key: str) -> Callable[[str], Any]:
    def find(value: str) -> Any:
        found = model._default_manager.filter(**{key: value.strip()}).first()
        if found is None:
            raise ValueError(_("Unknown {kind}: {value}").format(kind=model._meta.verbose_name, value=value))
        return found

    return find


@dataclass(frozen=True)
class Kind:
    save: Callable[..., Any]
    required: tuple[str, ...]
    optional: Mapping[str, Callable[[str], Any]]
    parsers: Mapping[str, Callable[[str], Any]] = field(default_factory=dict)


_LABOUR_MONEY = dict.fromkeys(("overtime", "benefits", "taxes", "other", "paid_hours"), _decimal)
KINDS: dict[str, Kind] = {
    "labour": Kind(
        labour_cost_save,
        ("valid_from", "salary"),
        {
            **_LABOUR_MONEY,
            "agent": _lookup(Agent, "username"),
            "team": _lookup(Team, "name"),
            "site": _lookup(Site, "name"),
        },
        {"valid_from": _date, "salary": _decimal},
    ),
    "support": Kind(
        support_cost_save,
        ("month", "category", "amount"),
        {"site": _lookup(Site, "name"), "note": _text},
        {"month": _date, "category": _text, "amount": _decimal},
    ),
    "revenue": Kind(
        revenue_save, ("month", "revenue", "gross_margin"), {}, {"month": _date, "revenue": _decimal, "gross_margin": _decimal}
    ),
    "segments": Kind(
        segment_customers_save,
        ("month", "segment", "customers"),
        {"customers_lost": _int, "gross_margin": _decimal},
        {"month": _date, "segment": _text, "customers": _int},
    ),
}


@dataclass(frozen=True)
class RowError:
    row: int  # the file's line (the header is line 1)
    field: str
    message: str

    def __str__(self) -> str:
        return _("row {row}, {field}: {message}").format(row=self.row, field=self.field, message=self.message)


@dataclass
class ImportReport:
    kind: str
    saved: int = 0
    errors: list[RowError] = field(default_factory=list)


def read_table(*, content: bytes, filename: str) -> list[dict[str, str]]:
    """The rows of a CSV (UTF-8, comma or semicolon) or xlsx file (its first sheet) as dicts of text by header."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ApplicationError(_("Not a readable xlsx file.")) from exc
        rows = list(sheet.iter_rows(values_only=True))
        if not rows:
            return []
        header = [str(h or "").strip() for h in rows[0]]
        return [{h: _cell(v) for h, v in zip(header, row, strict=False) if h} for row in rows[1:]]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApplicationError(_("The file is not UTF-8 text.")) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    return [{(k or "").strip(): (v or "") for k, v in row.items() if isinstance(v, str)} for row in reader]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value)


def costs_import(*, actor: User, kind: str, rows: Iterable[Mapping[str, str]]) -> ImportReport:
    """Import rows of one kind (labour, support, revenue, segments): all of them, or none when any row has an error —
    then every error is reported with its row and field."""
    _require(actor)
    if kind not in KINDS:
        raise InvalidInput(
            _("Unknown kind {kind}: use one of {kinds}.").format(kind=kind, kinds=", ".join(KINDS)), field=("kind",)
        )
    spec, report = KINDS[kind], ImportReport(kind=kind)
    parsed: list[tuple[int, dict[str, Any]]] = []
    for line, row in enumerate(rows, start=2):
        if line - 1 > MAX_IMPORT_ROWS:
            raise ApplicationError(_("At most {n} rows per file.").format(n=MAX_IMPORT_ROWS))
        values: dict[str, Any] = {}
        for name in spec.required:
            if not (row.get(name) or "").strip():
                report.errors.append(RowError(line, name, _("This field is required.")))
                continue
            values[name] = _parse(spec.parsers.get(name, _text), row[name], line, name, report)
        for name, parser in spec.optional.items():
            if (row.get(name) or "").strip():
                values[name] = _parse(parser, row[name], line, name, report)
        parsed.append((line, values))
    if report.errors:
        return report
    with transaction.atomic():
        for line, values in parsed:
            try:
                spec.save(actor=actor, **values)
            except InvalidInput as exc:
                report.errors.append(RowError(line, exc.field[-1], str(exc.message)))
            report.saved += 1
        if report.errors:
            transaction.set_rollback(True)
            report.saved = 0
    return report


def _parse(parser: Callable[[str], Any], value: str, line: int, name: str, report: ImportReport) -> Any:
    try:
        return parser(value)
    except ValueError as exc:
        report.errors.append(RowError(line, name, str(exc)))
        return None
