"""How prepared rows reach the database: COPY on PostgreSQL, bulk_create elsewhere.

Both writers take rows as tuples in the order of `columns` (model attnames) and behave the same; the
PostgreSQL one streams them with COPY FROM STDIN inside the import's transaction, which is several
times faster than multi-row INSERTs for transcripts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol, cast

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


class Writer(Protocol):
    def insert(self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None: ...

    def insert_returning_ids(
        self, model: type[models.Model], columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> list[int]: ...


class OrmWriter:
    """Portable: Django's bulk_create (SQLite ≥ 3.35 and PostgreSQL return the new primary keys)."""

    def __init__(self, batch_size: int = 1000) -> None:
        self.batch_size = batch_size

    def insert(self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        model._default_manager.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=self.batch_size
        )

    def insert_returning_ids(self, model: type[models.Model], columns: Sequence[str], rows: list[tuple[Any, ...]]) -> list[int]:
        objs = model._default_manager.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=self.batch_size
        )
        return [obj.pk for obj in objs]


class CopyWriter:
    """PostgreSQL: ids are reserved from the table's sequence, then the rows stream in with COPY."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    def insert(self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        meta = model._meta
        fields = [cast(models.Field, meta.get_field(c)) for c in columns]  # type: ignore[type-arg]
        names = ", ".join(self.connection.ops.quote_name(str(f.column)) for f in fields)
        sql = f"COPY {self.connection.ops.quote_name(meta.db_table)} ({names}) FROM STDIN (FORMAT BINARY)"
        with self.connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            # Binary COPY skips formatting values as text; it needs each column's type ("varchar(20)" → "varchar").
            copy.set_types([str(f.db_type(self.connection)).split("(")[0] for f in fields])
            for row in rows:
                copy.write_row(row)

    def insert_returning_ids(self, model: type[models.Model], columns: Sequence[str], rows: list[tuple[Any, ...]]) -> list[int]:
        table = model._meta.db_table
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(rows)])
            ids = [r[0] for r in cursor.fetchall()]
        self.insert(model, ["id", *columns], ((pk, *row) for pk, row in zip(ids, rows, strict=True)))
        return ids


def writer_for(connection: BaseDatabaseWrapper, *, batch_size: int = 1000) -> Writer:
    """COPY where the database speaks it, bulk_create everywhere else."""
    if connection.vendor == "postgresql":
        return CopyWriter(connection)
    return OrmWriter(batch_size)
