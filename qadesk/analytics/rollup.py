"""Keeping the quality report's rollup (analytics/models.py) equal to the reviews it sums.

The rollup is never patched with differences. Whatever changes a scored review — submitting, revising (a dispute's
decision, a change of credited agent), re-importing its interaction with another team, site, channel, label or phase —
names the (day, agent, reviewer) slices it touched, before and after, and `quality_rollup_refresh` recomputes those
slices from the reviews and ratings, in the caller's transaction, with the same aggregates the raw report uses. A
slice holds one reviewer's reviews of one agent on one day: a few dozen rows to read. Nothing can drift (no float sums
added and subtracted, no maximum to "un-max"), and `quality_rollup_verify` recomputes everything to prove it.

Concurrency: the refresh first locks the slices' agents (FOR NO KEY UPDATE, in id order). Two transactions refreshing
the same agent are serialised, and on PostgreSQL (read committed) each statement after the lock sees what the other
committed, so the second recomputes the slice with both changes. On SQLite the write transaction serialises anyway.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from qadesk.accounts.models import Agent, OrgSettings
from qadesk.analytics.models import KEY, LEVEL_ALL, LEVEL_DAY, QualityCriterionDay, QualityDay, QualityRootCauseDay, RollupState
from qadesk.core.days import day_start, next_day_start
from qadesk.reviews.models import Rating, Review

BATCH = 5000
SLICES_PER_QUERY = 200
TABLES = (QualityDay, QualityCriterionDay, QualityRootCauseDay)


@dataclass(frozen=True, order=True)
class Slice:
    """One reviewer's submitted reviews of one agent on one local day: the unit the rollup is recomputed in."""

    day: date
    agent_id: int
    reviewer_id: int


def review_slice(review: Review) -> Slice | None:
    """The slice a review counts in now; None while it is a draft (drafts count nowhere)."""
    if review.status != "submitted" or review.submitted_at is None:
        return None
    return Slice(timezone.localdate(review.submitted_at), review.agent_id, review.reviewer_id)


def slices_of(review_ids: Iterable[int]) -> set[Slice]:
    """The slices the given reviews count in now."""
    rows = Review.objects.filter(pk__in=list(review_ids), status="submitted").values_list(
        "submitted_at", "agent_id", "reviewer_id"
    )
    return {Slice(timezone.localdate(at), agent, reviewer) for at, agent, reviewer in rows if at is not None}


@contextmanager
def quality_rollup_kept(*, review_ids: Iterable[int]) -> Iterator[None]:
    """Around a change of some reviews (or of their interactions): refresh the slices they counted in before and count
    in after. Use inside the change's transaction."""
    ids = list(review_ids)
    before = slices_of(ids)
    yield
    quality_rollup_refresh(slices=before | slices_of(ids))


def quality_rollup_refresh(*, slices: Iterable[Slice | None]) -> None:
    """Recompute the rollup rows of these slices from the reviews (inside the caller's transaction); None is skipped."""
    wanted = sorted({s for s in slices if s is not None})
    if not wanted:
        return
    list(
        Agent.objects.select_for_update(no_key=True).filter(pk__in={s.agent_id for s in wanted}).order_by("pk").values_list("pk")
    )
    for start in range(0, len(wanted), SLICES_PER_QUERY):
        chunk = wanted[start : start + SLICES_PER_QUERY]
        cells = Q()
        reviews = Q()
        for s in chunk:
            cells |= Q(day=s.day, agent_id=s.agent_id, reviewer_id=s.reviewer_id)
            reviews |= Q(
                agent_id=s.agent_id,
                reviewer_id=s.reviewer_id,
                submitted_at__gte=day_start(s.day),
                submitted_at__lt=next_day_start(s.day),
            )
        for table in TABLES:
            table.objects.filter(cells).delete()
        _fill(_scored().filter(reviews), pass_mark=float(OrgSettings.load().pass_mark))


@transaction.atomic
def quality_rollup_rebuild(*, pass_mark: Decimal | None = None) -> dict[str, int]:
    """Empty the rollup and fill it again from every submitted, scored review at the organisation's pass mark (or the
    one given: the data migration reads it from the historical model); record what it was built for."""
    list(Agent.objects.select_for_update(no_key=True).order_by("pk").values_list("pk"))  # no refresh runs meanwhile
    for table in TABLES:
        table.objects.all().delete()
    mark = Decimal(OrgSettings.load().pass_mark if pass_mark is None else pass_mark)
    counts = _fill(_scored(), pass_mark=float(mark))
    RollupState.objects.all().delete()
    RollupState.objects.create(pass_mark=mark, time_zone=settings.TIME_ZONE, built_at=timezone.now())
    return counts


def rollup_usable(*, pass_mark: Decimal) -> bool:
    """True when the rollup was built for this pass mark (the organisation's) and today's time zone; otherwise the
    report reads the reviews until the rollup is rebuilt."""
    state = RollupState.objects.first()
    return state is not None and _answers(state.pass_mark, state.time_zone, pass_mark)


def report_settings() -> tuple[OrgSettings, bool]:
    """The organisation's settings and whether the rollup answers for them (`rollup_usable`), in one query: a report's
    fixed cost is a few queries, and each costs as much as the rollup's GROUP BY (benchmarks/README.md)."""
    state = RollupState.objects.order_by("pk")
    org: Any = (
        OrgSettings.objects.filter(pk=1)
        .annotate(
            rollup_pass_mark=Subquery(state.values("pass_mark")[:1]), rollup_time_zone=Subquery(state.values("time_zone")[:1])
        )
        .first()
    )
    if org is None:  # not saved yet: made with its defaults
        made = OrgSettings.load()
        return made, rollup_usable(pass_mark=made.pass_mark)
    return org, _answers(org.rollup_pass_mark, org.rollup_time_zone, org.pass_mark)


def _answers(built_for: Decimal | None, time_zone: str | None, pass_mark: Decimal) -> bool:
    return built_for is not None and time_zone == settings.TIME_ZONE and Decimal(built_for) == Decimal(pass_mark)


def _scored() -> QuerySet[Review]:
    """The reviews the report counts: submitted, with a score (every review, whoever may see it)."""
    return Review.objects.filter(status="submitted", score__isnull=False)


def _keys(level: int, prefix: str = "") -> dict[str, Any]:
    """The cell key of a review (fields reached through `prefix`, "review__" from a rating)."""
    none = {"team_id": Value(0), "site_id": Value(0), "channel": Value(""), "label_id": Value(0), "phase": Value("")}
    every = {
        "team_id": Coalesce(f"{prefix}interaction__team_id", Value(0)),
        "site_id": Coalesce(f"{prefix}interaction__site_id", Value(0)),
        "channel": Coalesce(f"{prefix}interaction__channel", Value("")),
        "label_id": Coalesce(f"{prefix}interaction__label_id", Value(0)),
        "phase": Coalesce(f"{prefix}interaction__phase", Value("")),
    }
    return {
        "r_level": Value(level, output_field=IntegerField()),
        "r_day": TruncDate(f"{prefix}submitted_at", tzinfo=timezone.get_current_timezone()),
        "r_agent": Coalesce(f"{prefix}agent_id", Value(0)),
        "r_reviewer": Coalesce(f"{prefix}reviewer_id", Value(0)),
        **{f"r_{name}": value for name, value in (every if level == LEVEL_ALL else none).items()},
    }


_KEY_ALIASES = dict(
    zip(
        ["r_level", "r_day", "r_agent", "r_reviewer", "r_team_id", "r_site_id", "r_channel", "r_label_id", "r_phase"],
        KEY,
        strict=True,
    )
)


def _fill(reviews: QuerySet[Review], *, pass_mark: float) -> dict[str, int]:
    """Insert the cells of `reviews` at both levels (their rows must not be in the rollup); rows written per table.

    The review and criterion cells go straight from the GROUP BY into the table (INSERT … SELECT of the very query
    `_cells` reads); root causes are unpacked from their JSON lists in Python, as the report does."""
    counts: Counter[str] = Counter()
    for model, query, extra in _grouped_queries(reviews, pass_mark=pass_mark):
        counts[str(model._meta.model_name)] += _insert_select(model, query, extra)
    batch: list[Any] = []
    for row in _all_root_causes(reviews):
        batch.append(row)
        if len(batch) >= BATCH:
            _write(batch, counts)
            batch = []
    _write(batch, counts)
    return dict(counts)


def _insert_select(model: Any, query: QuerySet[Any], extra: tuple[str, ...]) -> int:
    sql, params = query.query.sql_with_params()
    sums = [name for name in query.query.annotation_select if name not in _KEY_ALIASES]
    quote = connection.ops.quote_name
    targets = ", ".join(quote(name) for name in (*KEY, *extra, *sums))
    sources = ", ".join(
        [f"sub.{quote(alias)}" for alias in (*_KEY_ALIASES, *extra)]
        + [f"sub.{quote(name)}" if name.endswith("max_score") else f"COALESCE(sub.{quote(name)}, 0)" for name in sums]
    )
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({targets}) SELECT {sources} FROM ({sql}) sub", params)  # noqa: S608
        return int(cursor.rowcount)


def _write(rows: list[Any], counts: Counter[str]) -> None:
    by_model: dict[Any, list[Any]] = {}
    for row in rows:
        by_model.setdefault(type(row), []).append(row)
    for model, objs in by_model.items():
        counts[model._meta.model_name] += len(model.objects.bulk_create(objs))


def _cells(reviews: QuerySet[Review], *, pass_mark: float) -> Iterator[Any]:
    """Every rollup row (unsaved) of `reviews`, at both levels, from the aggregates the raw report uses."""
    for model, query, _extra in _grouped_queries(reviews, pass_mark=pass_mark):
        for row in query.iterator(chunk_size=BATCH):
            values = {field: row[alias] for alias, field in _KEY_ALIASES.items()}
            values.update({name: _zero(name, value) for name, value in row.items() if name not in _KEY_ALIASES})
            yield model(**values)
    yield from _all_root_causes(reviews)


def _all_root_causes(reviews: QuerySet[Review]) -> Iterator[QualityRootCauseDay]:
    ratings = Rating.objects.filter(review__in=reviews)
    for level in (LEVEL_DAY, LEVEL_ALL):
        yield from _root_causes(ratings.annotate(**_keys(level, "review__")))


def _grouped_queries(reviews: QuerySet[Review], *, pass_mark: float) -> Iterator[tuple[Any, QuerySet[Any], tuple[str, ...]]]:
    """The GROUP BY queries of review and criterion cells, at both levels: (table, query, key fields past the cell)."""
    from qadesk.analytics.selectors.quality import CRITERION_UNITS, _sums, _units

    current, original = _sums(pass_mark, units=True), _sums(pass_mark, original=True, units=True)
    review_sums = {**current, **{f"original_{name}": value for name, value in original.items() if name != "n"}}
    rating_sums = {
        "ratings": Count("id"),
        "n": Count("score"),
        "total": Sum(_units(F("score"), CRITERION_UNITS)),
        "failures": Sum(Case(When(failed=True, then=1), default=0, output_field=IntegerField())),
    }
    ratings = Rating.objects.filter(review__in=reviews)
    for level in (LEVEL_DAY, LEVEL_ALL):
        yield QualityDay, reviews.annotate(**_keys(level)).values(*_KEY_ALIASES).annotate(**review_sums).order_by(), ()
        criterion_rows = ratings.annotate(**_keys(level, "review__")).values(*_KEY_ALIASES, "criterion_id")
        yield QualityCriterionDay, criterion_rows.annotate(**rating_sums).order_by(), ("criterion_id",)


def _zero(name: str, value: Any) -> Any:
    """Sums over no value are NULL in SQL; the rollup stores 0 (a maximum stays NULL: there is none)."""
    return value if value is not None or name.endswith("max_score") else 0


def _root_causes(ratings: QuerySet[Rating]) -> Iterator[QualityRootCauseDay]:
    """The database groups failed ratings by cell, criterion and list of causes; each list is unpacked here."""
    combos = (
        ratings.filter(failed=True)
        .exclude(root_causes=[])
        .values(*_KEY_ALIASES, "criterion_id", "root_causes")
        .annotate(count=Count("id"))
        .order_by()
    )
    counts: Counter[tuple[Any, ...]] = Counter()
    for combo in combos.iterator(chunk_size=BATCH):
        key = (*(combo[alias] for alias in _KEY_ALIASES), combo["criterion_id"])
        for code in combo["root_causes"] or []:
            counts[(*key, code)] += combo["count"]
    for key, count in counts.items():
        yield QualityRootCauseDay(**dict(zip((*KEY, "criterion_id", "code"), key, strict=True)), count=count)


@dataclass(frozen=True)
class Difference:
    """A rollup row that disagrees with the rows it sums (reviews, survey answers): missing, extra, or one figure off."""

    table: str
    key: tuple[Any, ...]
    field: str
    stored: Any
    expected: Any

    def __str__(self) -> str:
        return f"{self.table} {self.key}: {self.field} stored {self.stored!r}, expected {self.expected!r}"


def quality_rollup_verify() -> list[Difference]:
    """Recompute every rollup row from the reviews and list each difference from the stored rollup (empty: they agree).

    Counts must be equal; sums of scores equal to 1e-9 (the database may add a cell's scores in another order)."""
    differences: list[Difference] = []
    state = RollupState.objects.first()
    org_pass_mark = OrgSettings.load().pass_mark
    if state is None or state.time_zone != settings.TIME_ZONE or Decimal(state.pass_mark) != Decimal(org_pass_mark):
        built_for = None if state is None else (str(state.pass_mark), state.time_zone)
        differences.append(Difference("state", (), "built for", built_for, (str(org_pass_mark), settings.TIME_ZONE)))
    expected: dict[tuple[str, tuple[Any, ...]], dict[str, Any]] = {}
    for obj in _cells(_scored(), pass_mark=float(org_pass_mark)):
        key, values = _split(obj)
        expected[(str(obj._meta.model_name), key)] = values
    stored = (
        (str(obj._meta.model_name), *_split(obj)) for table in TABLES for obj in table.objects.all().iterator(chunk_size=BATCH)
    )
    return differences + rollup_differences(expected, stored)


def rollup_differences(
    expected: dict[tuple[str, tuple[Any, ...]], dict[str, Any]], stored: Iterable[tuple[str, tuple[Any, ...], dict[str, Any]]]
) -> list[Difference]:
    """Each difference between a rollup's rows recomputed from its source rows (`expected`, by table name and key; it is
    emptied) and the rows stored (table name, key, figures): a row missing, a row extra, or a figure off. Shared by the
    quality report's rollup and the survey results' (surveys/rollup.py)."""
    differences: list[Difference] = []
    for name, key, values in stored:
        wanted = expected.pop((name, key), None)
        if wanted is None:
            differences.append(Difference(name, key, "row", "present", "absent"))
            continue
        differences.extend(
            Difference(name, key, field, values[field], wanted[field])
            for field in values
            if not _same(values[field], wanted[field])
        )
    differences.extend(Difference(name, key, "row", "absent", "present") for (name, key) in expected)
    return differences


def _split(obj: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """A rollup row's key and its figures."""
    extra = {"qualitycriterionday": ("criterion_id",), "qualityrootcauseday": ("criterion_id", "code")}.get(
        obj._meta.model_name, ()
    )
    key_fields = (*KEY, *extra)
    key = tuple(getattr(obj, name) for name in key_fields)
    fields = [f.attname for f in obj._meta.concrete_fields if f.attname not in key_fields and f.attname != "id"]
    return key, {name: getattr(obj, name) for name in fields}


def _same(stored: Any, expected: Any) -> bool:
    if isinstance(stored, float) and isinstance(expected, float):
        return math.isclose(stored, expected, rel_tol=1e-9, abs_tol=1e-9)
    return bool(stored == expected)
