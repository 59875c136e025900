"""How prepared rows reach the database: COPY on PostgreSQL, bulk_create elsewhere.

Both writers take rows as tuples in the order of `columns` (model attnames) and behave the same; the
PostgreSQL one streams them with COPY FROM STDIN inside the import's transaction, which is several
times faster than multi-row INSERTs for transcripts, and may be called from a second thread (`background`)
so that the server stores one batch while Python prepares the next.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar, Protocol, cast

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


class Writer(Protocol):
    background: ClassVar[bool]  # True: batches may be stored on another thread (sharing the connection), one at a time
    extra_columns: ClassVar[bool]  # True: `insert` writes columns the model does not declare (`extra`)

    def insert(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        rows: Iterable[tuple[Any, ...]],
        extra: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Insert the rows. `extra`: (column, type) of columns the model does not declare, whose values end each row
        (PostgreSQL's writer only: e.g. a message's `search_config`, migration interactions 0014)."""
        ...

    def insert_returning_ids(
        self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]], count: int
    ) -> list[int]:
        """Insert `count` rows (made as they are read) and return their new primary keys, in order."""
        ...

    def update(self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        """Set `columns[1:]` of the rows whose primary key is `columns[0]` ("id"), in one set-based statement."""
        ...

    def stage(self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        """Create the temporary table STAGING with `columns` of the model's table and fill it with `rows`; the
        caller uses it in its statements, then drops it (`DROP TABLE` STAGING)."""
        ...


STAGING = "qadesk_import_staging"  # the temporary table an update goes through (dropped after each use)


def _staging_sql(connection: BaseDatabaseWrapper, model: type[models.Model], columns: Sequence[str]) -> tuple[str, str]:
    """(CREATE the staging table with the columns' types and no constraints, UPDATE the model's table from it)."""
    quote, table = connection.ops.quote_name, connection.ops.quote_name(model._meta.db_table)
    names = [quote(str(cast(models.Field, model._meta.get_field(c)).column)) for c in columns]  # type: ignore[type-arg]
    # Quoted names from the model only; the values travel as parameters or COPY data.
    create = f"CREATE TEMPORARY TABLE {STAGING} AS SELECT {', '.join(names)} FROM {table} WHERE 1 = 0"  # noqa: S608
    sets = ", ".join(f"{name} = s.{name}" for name in names[1:])
    update = f"UPDATE {table} SET {sets} FROM {STAGING} AS s WHERE {table}.{names[0]} = s.{names[0]}"  # noqa: S608
    if connection.vendor == "postgresql":  # a parameter, the staged keys: read by the index, not by a scan of the table
        update += f" AND {table}.{names[0]} = ANY(%s)"
    return create, update


def sync_from_staging_sql(
    connection: BaseDatabaseWrapper, model: type[models.Model], key: Sequence[str], columns: Sequence[str]
) -> list[str]:
    """Statements that bring the rows of `model` to the STAGING table's, matched on `key`: an UPDATE of the rows
    whose `columns` differ (no other row is touched) and an INSERT of the keys not stored yet.

    On PostgreSQL each statement takes one parameter, the array of the staged rows' first key values: narrowed to
    them, the stored rows are read through the index on `key` instead of by a scan of the whole table, which the
    planner otherwise picks for a few thousand staged rows (0.4 s a batch of 2,000 transcripts among 800,000
    messages, benchmarks/README.md, branch w-imp12b)."""
    table, quote = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name
    names = [quote(str(cast(models.Field, model._meta.get_field(c)).column)) for c in columns]  # type: ignore[type-arg]
    keys = [quote(str(cast(models.Field, model._meta.get_field(c)).column)) for c in key]  # type: ignore[type-arg]
    differs = " IS DISTINCT FROM " if connection.vendor == "postgresql" else " IS NOT "
    joined = " AND ".join(f"{table}.{c} = s.{c}" for c in keys)
    narrowed = f" AND {table}.{keys[0]} = ANY(%s)" if connection.vendor == "postgresql" else ""
    sets = ", ".join(f"{c} = s.{c}" for c in names)
    changed = " OR ".join(f"{table}.{c}{differs}s.{c}" for c in names)
    every = ", ".join([*keys, *names])
    every_staged = ", ".join(f"s.{c}" for c in [*keys, *names])
    return [
        f"UPDATE {table} SET {sets} FROM {STAGING} AS s WHERE {joined}{narrowed} AND ({changed})",  # noqa: S608
        f"INSERT INTO {table} ({every}) SELECT {every_staged} FROM {STAGING} AS s "  # noqa: S608
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE {joined}{narrowed})",
    ]


def _keys_noted(rows: Iterable[tuple[Any, ...]], keys: list[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows as they stream, each one's first value (its key) appended to `keys`."""
    for row in rows:
        keys.append(row[0])
        yield row


class OrmWriter:
    """Portable: Django's bulk_create (SQLite ≥ 3.35 and PostgreSQL return the new primary keys)."""

    background: ClassVar[bool] = False  # Django connections belong to their thread
    extra_columns: ClassVar[bool] = False

    def __init__(self, batch_size: int = 1000) -> None:
        self.batch_size = batch_size

    def insert(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        rows: Iterable[tuple[Any, ...]],
        extra: Sequence[tuple[str, str]] = (),
    ) -> None:
        if extra:
            raise ValueError("columns unknown to the model are written by the COPY writer only")
        model._default_manager.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=self.batch_size
        )

    def insert_returning_ids(
        self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]], count: int
    ) -> list[int]:
        objs = model._default_manager.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=self.batch_size
        )
        return [obj.pk for obj in objs]

    def update(self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        """Rows into a temporary table (one multi-row INSERT per chunk), then one UPDATE … FROM (SQLite ≥ 3.33)."""
        from django.db import connection

        _create, update = _staging_sql(connection, model, columns)
        keys: list[Any] = []
        self.stage(model, columns, _keys_noted(rows, keys))
        with connection.cursor() as cursor:
            cursor.execute(update, [keys] if connection.vendor == "postgresql" else None)
            cursor.execute(f"DROP TABLE {STAGING}")

    def stage(self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        from django.db import connection

        fields = [cast(models.Field, model._meta.get_field(c)) for c in columns]  # type: ignore[type-arg]
        create, _update = _staging_sql(connection, model, columns)
        width = len(columns)
        per_statement = max(1, 999 // width)  # SQLite's default limit of parameters per statement
        with connection.cursor() as cursor:
            cursor.execute(create)  # inside the import's transaction: undone with it if anything fails
            chunk: list[Any] = []
            for row in rows:
                chunk.extend(f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True))
                if len(chunk) == per_statement * width:
                    self._stage(cursor, chunk, width)
                    chunk = []
            if chunk:
                self._stage(cursor, chunk, width)

    @staticmethod
    def _stage(cursor: Any, values: list[Any], width: int) -> None:
        one = "(" + ", ".join(["%s"] * width) + ")"
        cursor.execute(f"INSERT INTO {STAGING} VALUES " + ", ".join([one] * (len(values) // width)), values)  # noqa: S608


class CopyWriter:
    """PostgreSQL: ids are reserved from the table's sequence, then the rows stream in with COPY.

    It talks to the psycopg connection under Django's. The import may call it from a second thread, to which
    it lends its connection (`inc_thread_sharing`) and from which it makes no query until the batch is stored.
    """

    background: ClassVar[bool] = True
    extra_columns: ClassVar[bool] = True

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        connection.ensure_connection()
        self.raw: Any = connection.connection
        self.statements: dict[tuple[str, tuple[str, ...]], tuple[str, list[str]]] = {}
        self.sequences: dict[str, str] = {}

    def _copy_statement(
        self, model: type[models.Model], columns: Sequence[str], extra: Sequence[tuple[str, str]] = ()
    ) -> tuple[str, list[str]]:
        key = (model._meta.label, (*columns, *(name for name, _type in extra)))
        if key not in self.statements:
            meta, ops = model._meta, self.connection.ops
            fields = [cast(models.Field, meta.get_field(c)) for c in columns]  # type: ignore[type-arg]
            names = ", ".join([*(ops.quote_name(str(f.column)) for f in fields), *(ops.quote_name(n) for n, _t in extra)])
            sql = f"COPY {ops.quote_name(meta.db_table)} ({names}) FROM STDIN (FORMAT BINARY)"
            # Binary COPY skips formatting values as text; it needs each column's type ("varchar(20)" → "varchar").
            types = [str(f.db_type(self.connection)).split("(")[0] for f in fields]
            self.statements[key] = (sql, [*types, *(type_ for _name, type_ in extra)])
        return self.statements[key]

    def insert(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        rows: Iterable[tuple[Any, ...]],
        extra: Sequence[tuple[str, str]] = (),
    ) -> None:
        sql, types = self._copy_statement(model, columns, extra)
        with self.raw.cursor() as cursor, cursor.copy(sql) as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)

    def insert_returning_ids(
        self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]], count: int
    ) -> list[int]:
        if not count:
            return []
        table = model._meta.db_table
        with self.raw.cursor() as cursor:
            if table not in self.sequences:  # looked up once: inside the query it would be looked up again for every id
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                self.sequences[table] = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [self.sequences[table], count])
            ids = [r[0] for r in cursor.fetchall()]
        self.insert(model, ["id", *columns], ((pk, *row) for pk, row in zip(ids, rows, strict=True)))
        return ids

    def update(self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        """COPY the rows into a temporary table, then one UPDATE … FROM it."""
        _create, update = _staging_sql(self.connection, model, columns)
        keys: list[Any] = []
        self.stage(model, columns, _keys_noted(rows, keys))
        with self.raw.cursor() as cursor:
            cursor.execute(update, [keys])
            cursor.execute(f"DROP TABLE {STAGING}")

    def stage(self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        create, _update = _staging_sql(self.connection, model, columns)
        _copy, types = self._copy_statement(model, columns)
        with self.raw.cursor() as cursor:
            cursor.execute(create)  # inside the import's transaction: undone with it if anything fails
            with cursor.copy(f"COPY {STAGING} FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
            # A new temporary table has no statistics: without them the planner may join it to the whole target
            # table by a sequential scan, once per batch (the re-import of 100,000 rows took 3.6 times the import).
            cursor.execute(f"ANALYZE {STAGING}")


@contextmanager
def constraints_checked_per_statement(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """On PostgreSQL, check the foreign keys (which Django makes DEFERRABLE INITIALLY DEFERRED) as each statement ends.

    Deferred, the checks of a whole import (several per row) all run in the commit, while Python waits;
    checked per statement, they run during each batch's COPY, on the writer's thread, while Python
    prepares the next batch. The usual deferred mode is set back afterwards (a failed import's rollback
    undoes the setting by itself).
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def without_jit(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """On PostgreSQL, no JIT compilation of the statements in the block (the previous setting back afterwards).

    An import's statements each touch a batch of rows, but where a table's statistics are missing or old the planner
    may cost one above `jit_above_cost` and compile it, which takes longer than running it (136 compilations in a
    re-import of 100,000 rows, benchmarks/README.md, branch w-imp12b). Local to the transaction: a rollback undoes it.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
        before = cursor.fetchone()[0]
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('jit', %s, true)", [before])


@contextmanager
def foreign_keys_checked_at_the_end(connection: BaseDatabaseWrapper, tables: Sequence[str]) -> Iterator[None]:
    """On PostgreSQL, check the foreign keys of `tables` once, set-based, when the block ends, instead of row by row.

    Each foreign key is dropped and then added back as it was (`pg_get_constraintdef`), which PostgreSQL validates
    with one anti-join over the whole table. Inside the import's transaction: if a row breaks a key, adding it back
    fails and everything rolls back; if the block raises, the rollback restores the keys by itself. Adding a key
    back reads the whole table and dropping it locks the tables until the commit, so this is only for loads into
    empty tables (`_BatchImport`): there the per-row checks were most of the server's work (benchmarks/README.md).
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY conrelid, conname",
            [list(tables)],
        )
        keys = cursor.fetchall()
        for table, name, _definition in keys:  # names and definitions from the catalogue, not from input
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")


def statistics_refreshed(connection: BaseDatabaseWrapper, tables: Sequence[str]) -> None:
    """On PostgreSQL, ANALYZE `tables` (inside the import's transaction: its own rows are sampled too).

    For the end of a large load, as PostgreSQL advises after any bulk load: until autovacuum gets to it (never, where it
    is off; a minute after the commit at the soonest), the planner would read the new rows with the statistics of the
    tables before — often those of empty tables, which a new install's migrations analysed — and plan the next
    import's lookups as scans of the whole tables: the re-import of 100,000 rows right after their first import read
    all 100,000 interactions to find each batch's 2,000 (benchmarks/README.md, branch w-imp12b). It samples a fixed
    number of rows per table, well under a second."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


# Per PostgreSQL session: the interactions table's size in pages when its plans were last made anew.
_PLANNED_AT: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
PLANNED_MIN_PAGES = 16


def plans_kept_current(connection: BaseDatabaseWrapper) -> bool:
    """After a batch is stored (PostgreSQL): once the interactions table has at least doubled in pages since this
    session's plans were made, DISCARD PLANS, so that each is made again for the tables' current size when next used.
    Returns whether it did.

    PostgreSQL keeps, per session, the plan of each foreign-key check and of each trigger statement, made the first
    time it runs. Made while a table was empty or tiny, it is a sequential scan — of the customers for every contact
    written, say — and it stays one while the table fills: an import is one transaction, so no ANALYZE in between can
    replace it, and a connector's pages share one session. Measured with a new install (whose migrations ANALYZE the
    empty tables) and autovacuum off: a sync of 30,000 tickets made 30,034 sequential scans of the customers, reading
    150 million rows (benchmarks/README.md). Doubling keeps this to a few times per import: log2 of the growth."""
    raw = connection.connection
    with raw.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size('interactions_interaction') / 8192")
        pages = int(cursor.fetchone()[0])
        if pages < max(2 * _PLANNED_AT.get(raw, 0), PLANNED_MIN_PAGES):
            return False
        cursor.execute("DISCARD PLANS")
    _PLANNED_AT[raw] = pages
    return True


def writer_for(connection: BaseDatabaseWrapper, *, batch_size: int = 1000) -> Writer:
    """COPY where the database speaks it, bulk_create everywhere else."""
    if connection.vendor == "postgresql":
        return CopyWriter(connection)
    return OrmWriter(batch_size)
