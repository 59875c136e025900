"""Keeping the survey results' rollup (surveys/models.py: SurveyResponseDay, SurveyAnswerDay, SurveyInvitationDay) equal
to the responses, answers and invitations it counts.

Every figure of the rollup is a count, so a change moves counts: whatever writes responses, answers or invitations wraps
the write in `survey_rollup_kept`, which counts the rows concerned before and after with the very GROUP BY queries the
rebuild uses (`survey_rollup_counts`) and adds the difference (`survey_rollup_add`), in the caller's transaction: on
SQLite to the stored rows at every level (an upsert per table); on PostgreSQL as pending changes at level 1
(SurveyRollupPending, append-only: the one-click statement writes them too), which `survey_rollup_fold` adds to every
level before the results are read, in `survey_rollup_verify` and every minute (tasks.survey_rollup_pending_fold).
The quality report's rollup (analytics/rollup.py) recomputes whole (day, agent, reviewer) slices instead because its sums
are of scores and maxima; here a slice would be a survey's day (thousands of answers recounted per click on the public
page), while the difference of one response is a few rows. Integers add exactly, and `survey_rollup_verify` recounts
everything to prove nothing drifted (`qadesk report verify`, shared with the quality rollup; `--fix` rebuilds both).

Level 1 rows hold every dimension the results group or filter by (agent, team, site, channel, label, phase of the
interaction answered about); level 0 rows only the survey, day and agent (the results by agent read those); levels 2–6
the survey, day and one of team, site, channel, label, phase (the results grouped by it; a team lead's overall figures
and trends read level 2's rows of their team); level 7 the survey and day alone (overall figures and trends). At
1,000,000 responses spread over every dimension level 1 holds nearly a row per answer, so a grouping read from it would
cost what the answers do; the others hold a few rows per day. Levels 0 and 2–7 are counted by adding level 1 rows up
(in Python for a change, in SQL for the rebuild), so every level always agrees with level 1. The rebuild is set-based
(an INSERT … SELECT … GROUP BY per table and level); `survey_rollup_verify` recounts in Python.

Concurrency: `survey_rollup_kept` locks the responses or invitations it recounts (FOR UPDATE, in id order) before the
first count, so two changes of one response take turns and the second counts what the first committed; changes of
different rows add up in any order. On SQLite (writes take turns) each upsert adds to the stored count, rows in key
order. On PostgreSQL no writer touches the rollup's rows: the per-day rows of levels 2–7 are shared by every answer of
the day, and an upsert holds its row until the commit (~4 ms for the flush), so writers queued on them. A pending row is
written by one transaction and folded by one: the fold deletes the committed pending rows (DELETE … RETURNING: a row
another fold deleted first is skipped) and adds them up into the three tables in the same statement and transaction, so
every reader sees the rollup and the pending rows consistently, and counts each change once. Since each change is
the difference its transaction saw, and a change of a row commits after the one it saw, the changes a fold finds add up
to counts of committed answers (never below zero). Folds and the rebuild take turns on an advisory lock; the rebuild
then locks the pending table and the three tables against writes (reads go on) before it deletes and recounts: a change
waiting for it adds its difference to the rebuilt counts afterwards, and the pending changes it recounted go.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from qadesk.analytics.rollup import Difference, rollup_differences
from qadesk.surveys.models import (
    ROLLUP_KEY,
    ROLLUP_LEVEL_AGENT,
    ROLLUP_LEVEL_ALL,
    ROLLUP_LEVEL_BY,
    ROLLUP_LEVEL_DAY,
    SurveyAnswer,
    SurveyAnswerDay,
    SurveyInvitation,
    SurveyInvitationDay,
    SurveyResponse,
    SurveyResponseDay,
    SurveyRollupPending,
    SurveyRollupState,
)

BATCH = 5000
TABLES: dict[str, Any] = {
    "surveyresponseday": SurveyResponseDay,
    "surveyanswerday": SurveyAnswerDay,
    "surveyinvitationday": SurveyInvitationDay,
}
KEYS = {
    "surveyresponseday": ROLLUP_KEY,
    "surveyanswerday": (*ROLLUP_KEY, "code", "kind", "item"),
    "surveyinvitationday": ROLLUP_KEY,
}
FIGURES = {"surveyresponseday": ("responses",), "surveyanswerday": ("count",), "surveyinvitationday": ("sent", "answered")}
# A pending change's `target` per rollup table (SurveyRollupPending: its `n` holds the table's first figure, `m` the second).
TARGETS = {"surveyresponseday": "r", "surveyanswerday": "a", "surveyinvitationday": "i"}
FOLD_LOCK = 0x51AD_5F01D  # pg_advisory_xact_lock key: folds and rebuilds of the survey rollup take turns
RATED_KINDS = ("csat", "nps", "ces", "yes_no")
CHOICE_KINDS = ("single", "multiple")
_ALIASES = ("k_survey", "k_day", "k_agent", "k_team", "k_site", "k_channel", "k_label", "k_phase")

# What a dimension holds for "none" (a level that does not keep it, or an interaction without it).
NONE: dict[str, Any] = {"agent_id": 0, "team_id": 0, "site_id": 0, "channel": "", "label_id": 0, "phase": ""}
# The levels added up from level 1 (which keeps every dimension), with the dimensions each keeps.
DERIVED_LEVELS: dict[int, tuple[str, ...]] = {
    ROLLUP_LEVEL_AGENT: ("agent_id",),
    **{level: (f"{by}_id" if f"{by}_id" in NONE else by,) for by, level in ROLLUP_LEVEL_BY.items()},
    ROLLUP_LEVEL_DAY: (),
}

# An answer's text is not empty (what a text question's distribution counts).
HAS_TEXT = Case(When(text="", then=Value(False)), default=Value(True), output_field=BooleanField())
Counts = Counter[tuple[str, tuple[Any, ...], str]]  # (table, key, figure) → count


def answer_items(kind: str, value: int | None, choices: Any, has_text: bool) -> list[str]:
    """What one answer counts under in SurveyAnswerDay.item: a rating's value; a choice question's "" (every answer) and
    each chosen code; a text question's "" when it is not empty. The results' distributions read exactly these."""
    if kind in RATED_KINDS:
        return [] if value is None else [str(value)]
    if kind in CHOICE_KINDS:
        return ["", *[str(code) for code in (choices or [])]]
    if kind == "text":
        return [""] if has_text else []
    return []


def _keys(*, via: str, stamp: str) -> dict[str, Any]:
    """The level 1 cell of a row (fields of its response reached through `via`, its day from `stamp`)."""
    interaction = f"{via}interaction__"
    return {
        "k_survey": F(f"{via}survey_id"),
        "k_day": TruncDate(stamp, tzinfo=timezone.get_current_timezone()),
        "k_agent": Coalesce(f"{interaction}agent_id", Value(0)),
        "k_team": Coalesce(f"{interaction}team_id", Value(0)),
        "k_site": Coalesce(f"{interaction}site_id", Value(0)),
        "k_channel": Coalesce(f"{interaction}channel", Value("")),
        "k_label": Coalesce(f"{interaction}label_id", Value(0)),
        "k_phase": Coalesce(f"{interaction}phase", Value("")),
    }


def _key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (ROLLUP_LEVEL_ALL, *(row[alias] for alias in _ALIASES))


def _level_key(level: int, key: tuple[Any, ...]) -> tuple[Any, ...]:
    """The cell of `level` a level 1 key adds to (survey, day and the level's dimensions; the other dimensions "none"),
    keeping any columns past the cell."""
    kept = DERIVED_LEVELS[level]
    dimensions = tuple(value if column in kept else NONE[column] for column, value in zip(NONE, key[3:], strict=False))
    return (level, key[1], key[2], *dimensions, *key[len(ROLLUP_KEY) :])


def survey_rollup_cell(*, survey_id: int, at: datetime, interaction: Any | None) -> tuple[Any, ...]:
    """The level 1 key of a row already in memory: what `_keys` computes in SQL (its local day, its interaction's
    dimensions, "none" for a missing one), so one new row's counts need no query."""
    day = timezone.localtime(at).date()
    if interaction is None:
        return (ROLLUP_LEVEL_ALL, survey_id, day, 0, 0, 0, "", 0, "")
    dimensions = (interaction.agent_id, interaction.team_id, interaction.site_id)
    return (
        ROLLUP_LEVEL_ALL,
        survey_id,
        day,
        *(pk or 0 for pk in dimensions),
        interaction.channel or "",
        interaction.label_id or 0,
        interaction.phase or "",
    )


def survey_rollup_both_levels(counts: Counts) -> Counts:
    """Level 1 counts with the counts of every level added up from them added (what the rollup tables store)."""
    for (table, key, figure), n in list(counts.items()):
        for level in DERIVED_LEVELS:
            counts[(table, _level_key(level, key), figure)] += n
    return counts


def _response_groups(responses: QuerySet[SurveyResponse]) -> QuerySet[Any]:
    """Responses counted per level 1 cell (aliases `_ALIASES`, count `n`)."""
    return responses.annotate(**_keys(via="", stamp="started_at")).values(*_ALIASES).annotate(n=Count("id")).order_by()


def _answer_groups(answers: QuerySet[SurveyAnswer]) -> QuerySet[Any]:
    """Answers counted per level 1 cell, question code and kind, value, choices and whether the text is empty: what
    `answer_items` turns into SurveyAnswerDay items (in Python for a change, in SQL for the rebuild)."""
    keyed = answers.annotate(
        **_keys(via="response__", stamp="response__started_at"),
        a_code=F("question__code"),
        a_kind=F("question__kind"),
        a_value=F("value"),
        a_choices=F("choices"),
        a_text=HAS_TEXT,
    )
    grouped = keyed.values(*_ALIASES, "a_code", "a_kind", "a_value", "a_choices", "a_text")
    return grouped.annotate(n=Count("id")).order_by()


def _invitation_groups(invitations: QuerySet[SurveyInvitation]) -> QuerySet[Any]:
    """Sent invitations counted per level 1 cell of their sending day (`n`), and those with a response (`answered`)."""
    sent = invitations.filter(sent_at__isnull=False).annotate(**_keys(via="", stamp="sent_at")).values(*_ALIASES)
    return sent.annotate(n=Count("id"), answered=Count("id", filter=Q(response__isnull=False))).order_by()


def survey_rollup_counts(
    *,
    responses: QuerySet[SurveyResponse] | None = None,
    invitations: QuerySet[SurveyInvitation] | None = None,
    answers_only: bool = False,
) -> Counts:
    """The rollup counts of these responses (and their answers; with `answers_only` just the answers) and invitations
    (those sent), at level 1: one GROUP BY per table (`survey_rollup_both_levels` adds the levels summed from it)."""
    counts: Counts = Counter()
    if responses is not None:
        if not answers_only:
            for row in _response_groups(responses).iterator(chunk_size=BATCH):
                counts[("surveyresponseday", _key(row), "responses")] += row["n"]
        answers = SurveyAnswer.objects.filter(response__in=responses.values("pk"))
        for row in _answer_groups(answers).iterator(chunk_size=BATCH):
            kind = row["a_kind"]
            for item in answer_items(kind, row["a_value"], row["a_choices"], row["a_text"]):
                counts[("surveyanswerday", (*_key(row), row["a_code"], kind, item), "count")] += row["n"]
    if invitations is not None:
        for row in _invitation_groups(invitations).iterator(chunk_size=BATCH):
            counts[("surveyinvitationday", _key(row), "sent")] += row["n"]
            counts[("surveyinvitationday", _key(row), "answered")] += row["answered"]
    return counts


@contextmanager
def survey_rollup_kept(
    *,
    responses: QuerySet[SurveyResponse] | None = None,
    invitations: QuerySet[SurveyInvitation] | None = None,
    answers_only: bool = False,
) -> Iterator[None]:
    """Around a change of some responses or their answers (or of their interactions) and of some invitations: lock them,
    count them before and after, and add the difference to the rollup. `answers_only`: only the responses' answers
    change. Use inside the change's transaction; the querysets are evaluated twice (rows they find only afterwards,
    e.g. a response made meanwhile, count as added)."""
    if responses is not None:
        list(responses.select_for_update().order_by("pk").values_list("pk"))
    if invitations is not None:
        list(invitations.select_for_update().order_by("pk").values_list("pk"))
    before = survey_rollup_counts(responses=responses, invitations=invitations, answers_only=answers_only)
    yield
    survey_rollup_add(survey_rollup_counts(responses=responses, invitations=invitations, answers_only=answers_only), before)


def survey_rollup_add(after: Counts, before: Counts | None = None) -> None:
    """Add `after` − `before` (level 1 counts) to the rollup, in the caller's transaction. On PostgreSQL as pending
    changes (`survey_rollup_fold` adds them to every level before the results are read): one INSERT of append-only
    rows, so no writer waits for another's shared per-day rows. On SQLite (writes take turns anyway) to the rollup
    rows at every level at once, as `survey_rollup_fold` would."""
    changed = {where: n for where, n in _minus(after, before or Counter()).items() if n}
    if not changed:
        return
    if connection.vendor == "postgresql":
        _pending_add(changed)
    else:
        _rollup_write(survey_rollup_both_levels(Counter(changed)))


def _pending_add(changed: dict[tuple[str, tuple[Any, ...], str], int]) -> None:
    """Append the level 1 changes as SurveyRollupPending rows: one per rollup row changed."""
    rows: dict[tuple[str, tuple[Any, ...]], list[int]] = defaultdict(lambda: [0, 0])
    for (table, key, figure), n in changed.items():
        rows[(table, key)][FIGURES[table].index(figure)] += n
    pending = []
    for (table, key), (n, m) in sorted(rows.items()):
        assert key[0] == ROLLUP_LEVEL_ALL, "pending changes are level 1 counts (the fold adds the other levels)"
        code, kind, item = key[len(ROLLUP_KEY) :] or ("", "", "")
        cell = dict(zip(ROLLUP_KEY[1:], key[1 : len(ROLLUP_KEY)], strict=True))
        pending.append(SurveyRollupPending(target=TARGETS[table], **cell, code=code, kind=kind, item=item, n=n, m=m))
    SurveyRollupPending.objects.bulk_create(pending, batch_size=500)


def _rollup_write(changed: Counts) -> None:
    """Add the changes (every level) to the stored rollup rows (an upsert per table, rows in key order); rows left at
    zero go."""
    delta: dict[str, dict[tuple[Any, ...], dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for (table, key, figure), n in changed.items():
        if n:
            delta[table][key][figure] = n
    quote = connection.ops.quote_name
    for table in sorted(delta):
        model, keys, figures = TABLES[table], KEYS[table], FIGURES[table]
        rows = sorted(delta[table].items())
        name = quote(model._meta.db_table)
        columns = ", ".join(quote(c) for c in (*keys, *figures))
        updates = ", ".join(f"{quote(f)} = {name}.{quote(f)} + excluded.{quote(f)}" for f in figures)
        placeholders = "(" + ", ".join(["%s"] * (len(keys) + len(figures))) + ")"
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            params = [v for key, values in chunk for v in (*key, *(values.get(f, 0) for f in figures))]
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {name} ({columns}) VALUES {', '.join([placeholders] * len(chunk))} "  # noqa: S608
                    f"ON CONFLICT ({', '.join(quote(c) for c in keys)}) DO UPDATE SET {updates}",
                    params,
                )
        lowered = [key for key, values in rows if any(n < 0 for n in values.values())]
        if lowered:
            cells = Q()
            for key in lowered:
                cells |= Q(**dict(zip(keys, key, strict=True)))
            model.objects.filter(cells, **dict.fromkeys(figures, 0)).delete()


def _levels_values() -> str:
    """Every rollup level as a VALUES row: its number and, per dimension, 1 when it keeps it (else 0: "none"), so SQL
    adds a level 1 change to the same cells as `survey_rollup_both_levels`."""
    kept = {ROLLUP_LEVEL_ALL: tuple(NONE), **DERIVED_LEVELS}
    rows = ", ".join(
        f"({level:d}, {', '.join(str(int(column in columns)) for column in NONE)})" for level, columns in sorted(kept.items())
    )
    return f"(VALUES {rows}) AS l(level, agent, team, site, channel, label, phase)"


@cache
def _fold_sql() -> str:
    """One statement: delete every pending change (those committed; each is deleted, so folded, once) and add them up
    per cell of every level into the three rollup tables (an upsert each). Returns how many were folded and the ids of
    the rollup rows left at zero."""
    pending = SurveyRollupPending._meta.db_table
    cell = f"target, {', '.join(ROLLUP_KEY[1:])}, code, kind, item"
    gone = f"gone AS (DELETE FROM {pending} RETURNING {cell}, n, m)"  # noqa: S608
    # Added up per level 1 cell first (a click's changes share their cell with the day's other clicks about the same
    # agent, channel…), then each cell to every level.
    cells = (
        "cells AS (SELECT g.target, l.level, g.survey_id, g.day, l.agent * g.agent_id AS agent_id, "  # noqa: S608
        "l.team * g.team_id AS team_id, l.site * g.site_id AS site_id, "
        "CASE WHEN l.channel = 1 THEN g.channel ELSE '' END AS channel, l.label * g.label_id AS label_id, "
        "CASE WHEN l.phase = 1 THEN g.phase ELSE '' END AS phase, g.code, g.kind, g.item, g.n, g.m "
        f"FROM (SELECT {cell}, SUM(n) AS n, SUM(m) AS m FROM gone GROUP BY {cell}) g CROSS JOIN {_levels_values()})"
    )
    parts = [gone, cells]
    emptied = []
    for table, model in TABLES.items():
        name = model._meta.db_table
        keys = ", ".join(KEYS[table])
        figures = FIGURES[table]
        sums = ", ".join(f"SUM({column})" for column in ("n", "m")[: len(figures)])
        nonzero = " OR ".join(f"SUM({column}) <> 0" for column in ("n", "m")[: len(figures)])
        updates = ", ".join(f"{f} = {name}.{f} + excluded.{f}" for f in figures)
        zero = " AND ".join(f"{f} = 0" for f in figures)
        parts.append(
            f"{table} AS (INSERT INTO {name} ({keys}, {', '.join(figures)}) "  # noqa: S608
            f"SELECT {keys}, {sums} FROM cells WHERE target = '{TARGETS[table]}' GROUP BY {keys} HAVING {nonzero} "
            f"ON CONFLICT ({keys}) DO UPDATE SET {updates} RETURNING id, {zero} AS emptied)"
        )
        emptied.append(f"ARRAY(SELECT id FROM {table} WHERE emptied)")  # noqa: S608
    return f"WITH {', '.join(parts)} SELECT (SELECT count(*) FROM gone), {', '.join(emptied)}"  # noqa: S608


def survey_rollup_fold() -> int:
    """Add the pending changes (SurveyRollupPending, PostgreSQL) to the rollup at every level and delete them, in one
    transaction; rows left at zero go. Readers fold before they read, so the results count every committed answer; the
    periodic job folds too, so the pending rows stay few. Folds (and rebuilds) take turns on an advisory lock; a pending
    row committed meanwhile is left to the next fold. Returns how many pending changes were folded."""
    if connection.vendor != "postgresql":
        return 0  # SQLite writes the rollup at once: nothing is ever pending
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {SurveyRollupPending._meta.db_table})")  # noqa: S608
        if not cursor.fetchone()[0]:
            return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FOLD_LOCK])
        cursor.execute(_fold_sql())
        folded, *emptied = cursor.fetchone()
        for (table, model), ids in zip(TABLES.items(), emptied, strict=True):
            if ids:
                zero = " AND ".join(f"{f} = 0" for f in FIGURES[table])
                cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE id = ANY(%s) AND {zero}", [ids])  # noqa: S608
    return int(folded)


def _minus(after: Counts, before: Counts) -> dict[tuple[str, tuple[Any, ...], str], int]:
    changed = dict(after)
    for where, n in before.items():
        changed[where] = changed.get(where, 0) - n
    return changed


@transaction.atomic
def survey_rollup_rebuild() -> dict[str, int]:
    """Empty the survey rollup and count it again from every response, answer and sent invitation; record that it was
    built (and for which time zone). Returns the rows written per table.

    Set-based: one INSERT … SELECT … GROUP BY per table for level 1 (the very GROUP BY queries a change counts with,
    `_response_groups`, `_answer_groups`, `_invitation_groups`, compiled by the ORM; an answer's items expanded in SQL as
    `answer_items` does in Python) and one per table and derived level, added up from level 1 (as
    `survey_rollup_both_levels`). `survey_rollup_verify` recounts in Python, and the tests compare both row for row."""
    quote = connection.ops.quote_name
    # Migrations 0005 and 0007 rebuild before 0008 makes the pending table: without it nothing is pending.
    pending = [SurveyRollupPending] if SurveyRollupPending._meta.db_table in connection.introspection.table_names() else []
    if connection.vendor == "postgresql":  # writers wait (their differences then add to the new counts); readers go on
        tables = ", ".join(quote(model._meta.db_table) for model in (*pending, *TABLES.values()))
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FOLD_LOCK])  # no fold between the lock and the recount
            cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
            cursor.execute("SET LOCAL work_mem = '256MB'")  # the GROUP BY over every answer stays in memory
    for model in (*pending, *TABLES.values()):  # pending changes are in the recount: they go too
        model.objects.all().delete()
    written: Counter[str] = Counter()
    cell = ", ".join(_ALIASES)
    with connection.cursor() as cursor:
        sql, params = _response_groups(SurveyResponse.objects.all()).query.sql_with_params()
        insert = f"SELECT {ROLLUP_LEVEL_ALL}, {cell}, n FROM ({sql}) g"  # noqa: S608
        written["surveyresponseday"] += _insert(cursor, "surveyresponseday", insert, params)
        sql, params = _answer_groups(SurveyAnswer.objects.all()).query.sql_with_params()
        written["surveyanswerday"] += _insert(cursor, "surveyanswerday", _answer_items_sql(sql, cell), params)
        sql, params = _invitation_groups(SurveyInvitation.objects.all()).query.sql_with_params()
        insert = f"SELECT {ROLLUP_LEVEL_ALL}, {cell}, n, answered FROM ({sql}) g"  # noqa: S608
        written["surveyinvitationday"] += _insert(cursor, "surveyinvitationday", insert, params)
        for table, model in TABLES.items():
            for level, kept in DERIVED_LEVELS.items():
                dimensions = ", ".join(quote(c) if c in kept else "%s" for c in NONE)
                extra = "".join(f", {quote(c)}" for c in KEYS[table][len(ROLLUP_KEY) :])
                sums = ", ".join(f"SUM({quote(f)})" for f in FIGURES[table])
                grouped = ", ".join(quote(c) for c in ("survey_id", "day", *kept)) + extra
                select = (
                    f"SELECT {level:d}, {quote('survey_id')}, {quote('day')}, {dimensions}{extra}, {sums} "  # noqa: S608
                    f"FROM {quote(model._meta.db_table)} WHERE {quote('level')} = {ROLLUP_LEVEL_ALL:d} GROUP BY {grouped}"
                )
                nones = [NONE[c] for c in NONE if c not in kept]
                written[table] += _insert(cursor, table, select, nones)
    SurveyRollupState.objects.all().delete()
    SurveyRollupState.objects.create(time_zone=settings.TIME_ZONE, built_at=timezone.now())
    return {table: written[table] for table in TABLES}


def _insert(cursor: Any, table: str, select: str, params: Iterable[Any]) -> int:
    """INSERT INTO the rollup table `table` the rows of `select` (its columns in KEYS then FIGURES order)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in (*KEYS[table], *FIGURES[table]))
    cursor.execute(
        f"INSERT INTO {quote(TABLES[table]._meta.db_table)} ({columns}) {select}",
        tuple(params),
    )
    return int(cursor.rowcount)


def _answer_items_sql(grouped: str, cell: str) -> str:
    """The level 1 SurveyAnswerDay rows of the answers grouped by `grouped` (`_answer_groups`' SQL): each group's items
    as `answer_items` makes them — a rating's value; a choice question's "" and each chosen code; a text question's ""
    when the text is not empty — added up per cell, code, kind and item."""
    rated = ", ".join(f"'{kind}'" for kind in RATED_KINDS)
    choice = ", ".join(f"'{kind}'" for kind in CHOICE_KINDS)
    if connection.vendor == "postgresql":
        chosen = (
            "CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(g.a_choices) = 'array' "
            "THEN g.a_choices ELSE '[]'::jsonb END) AS e(item)"
        )
        each = "e.item"
    else:  # SQLite's JSON1
        chosen = ", json_each(CASE WHEN json_type(g.a_choices) = 'array' THEN g.a_choices ELSE '[]' END) AS e"
        each = "CAST(e.value AS TEXT)"
    columns = f"{cell}, a_code, a_kind"
    return (
        f"WITH g AS ({grouped}) SELECT {ROLLUP_LEVEL_ALL:d}, {columns}, item, SUM(n) FROM ("  # noqa: S608
        f"SELECT {columns}, CAST(a_value AS TEXT) AS item, n FROM g WHERE a_kind IN ({rated}) AND a_value IS NOT NULL "
        f"UNION ALL SELECT {columns}, '' AS item, n FROM g WHERE a_kind IN ({choice}) "
        f"UNION ALL SELECT {', '.join('g.' + c for c in (*_ALIASES, 'a_code', 'a_kind'))}, {each} AS item, g.n FROM g {chosen} "
        f"WHERE g.a_kind IN ({choice}) "
        f"UNION ALL SELECT {columns}, '' AS item, n FROM g WHERE a_kind = 'text' AND a_text"
        f") AS items GROUP BY {columns}, item"
    )


def survey_rollup_usable() -> bool:
    """True when the rollup was built (and for today's time zone): the results then read it, else the answers."""
    return SurveyRollupState.objects.filter(time_zone=settings.TIME_ZONE).exists()


def survey_rollup_verify() -> list[Difference]:
    """Recount every rollup row from the responses, answers and invitations and list each difference from the stored
    rollup (empty: they agree)."""
    survey_rollup_fold()  # what a reader reads: the rollup with the pending changes added
    differences: list[Difference] = []
    state = SurveyRollupState.objects.first()
    if state is None or state.time_zone != settings.TIME_ZONE:
        differences.append(Difference("surveyrollupstate", (), "built for", state and state.time_zone, settings.TIME_ZONE))
    expected: dict[tuple[str, tuple[Any, ...]], dict[str, Any]] = defaultdict(dict)
    counted = survey_rollup_counts(responses=SurveyResponse.objects.all(), invitations=SurveyInvitation.objects.all())
    for (table, key, figure), n in survey_rollup_both_levels(counted).items():
        expected[(table, key)][figure] = n
    return differences + rollup_differences(dict(expected), _stored())


def _stored() -> Iterable[tuple[str, tuple[Any, ...], dict[str, Any]]]:
    for table, model in TABLES.items():
        for row in model.objects.values(*KEYS[table], *FIGURES[table]).iterator(chunk_size=BATCH):
            yield table, tuple(row[k] for k in KEYS[table]), {f: row[f] for f in FIGURES[table]}
