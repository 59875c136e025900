"""Generic CSV files: their columns mapped to the import format's fields (docs/import-format.md, "Other CSV files").

Pure functions over the header and the mapping ({column: field, or "" to leave the column out}); `mapped_csv_rows`
then reads the file through the ordinary CSV reader with the header renamed, so every check and error stays the
import's own.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import IO, Any

from django.utils.translation import gettext as _

from qadesk.core.errors import ApplicationError
from qadesk.imports.parsers import BOM, REQUIRED_COLUMNS, Row, csv_rows
from qadesk.imports.schemas import InteractionIn

FIELDS = tuple(InteractionIn.model_fields)
_SEPARATORS = re.compile(r"[\s\-.]+")


def normal(name: str) -> str:
    """A column name compared with the fields: trimmed, lower case, spaces, dashes and dots as underscores."""
    return _SEPARATORS.sub("_", name.strip().lower())


def header_of(first_line: bytes) -> list[str]:
    """The column names of a CSV file's first line (UTF-8, a byte-order mark allowed)."""
    try:
        text = first_line.removeprefix(BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApplicationError(_("The first line is not UTF-8 text: save the file as UTF-8.")) from exc
    return [name.strip() for name in next(csv.reader([text]), [])]


def mapping_suggested(header: Iterable[str], saved: dict[str, str] | None = None) -> dict[str, str]:
    """A field for each column: the saved mapping's choice, else the field of the same (normalised) name, else none."""
    saved = saved or {}
    fields = {normal(name): name for name in FIELDS}
    return {column: saved[column] if column in saved else fields.get(normal(column), "") for column in header}


def mapping_problems(mapping: dict[str, str], *, has_source: bool) -> list[str]:
    """What stops a mapping from making import rows: a required field no column gives, a field given twice."""
    chosen = [field for field in mapping.values() if field]
    problems = [
        _("Two columns are mapped to {field}.").format(field=field) for field in dict.fromkeys(chosen) if chosen.count(field) > 1
    ]
    missing = [name for name in REQUIRED_COLUMNS if name not in chosen and not (name == "source" and has_source)]
    if missing:
        problems.append(_("No column is mapped to the required fields {names}.").format(names=", ".join(missing)))
    return problems


def mapped_header(header: list[str], mapping: dict[str, str], source: str) -> list[str]:
    """The header the CSV reader sees: each column renamed to its field ("" for one left out); a `source` column added
    at the end when no column gives it and the upload names one (its cells are absent: the rows get the upload's)."""
    renamed = [mapping.get(column, "") for column in header]
    if "source" not in renamed and source:
        renamed.append("source")
    return renamed


def mapped_csv_rows(stream: IO[bytes], *, mapping: dict[str, str], source: str) -> Iterator[Row]:
    """The rows of a CSV file read through `mapping`; line numbers are the file's own (the header is line 1)."""
    first = stream.readline()
    header = mapped_header(header_of(first), mapping, source)
    quoted = ",".join('"{}"'.format(name.replace('"', '""')) for name in header)  # the header as one CSV line again
    lines: Iterable[bytes] = chain([(quoted + "\n").encode()], stream)
    for line, record in csv_rows(lines):  # type: ignore[arg-type]
        if isinstance(record, dict):
            record.pop("", None)
            if source and not record.get("source"):
                record["source"] = source
        yield line, record


def preview_of(record: dict[str, Any]) -> dict[str, Any]:
    """What the page shows of a row before the import: its identity, when and how, and the transcript's size."""
    messages = record.get("messages")
    agents = record.get("agents")
    return {
        "external_id": record.get("external_id"),
        "source": record.get("source"),
        "channel": record.get("channel"),
        "created_at": record.get("created_at"),
        "subject": record.get("subject") or "",
        "agents": ", ".join(str(a) for a in agents) if isinstance(agents, list) else str(agents or ""),
        "messages": len(messages) if isinstance(messages, list) else 0,
    }
