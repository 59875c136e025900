"""Benchmark: calibration agreement statistics for 20 reviewers x 50 interactions x 15 criteria.

    .venv/bin/python benchmarks/calibration_stats.py [--reviewers 20] [--items 50] [--criteria 15] [--repeat 7] [--pure-only]

Two measurements:
- pure: `qadesk/calibration/stats.py` on plain data, the work the results page does — Krippendorff's alpha and
  percent agreement per criterion (level by scale) and overall (interval, on 0-100 criterion scores over all
  750 cells), then each reviewer's mean deviation, leniency and review alignment against a benchmark reviewer.
- selector: `calibration_results` over the same session stored in a throwaway PostgreSQL database
  (qadesk_bench_calibration on 127.0.0.1:5432, user postgres; BENCH_PG_URL overrides), default scorecard plus
  copies of its criteria up to 15; 15,000 ratings, 3 % N/A. The database is dropped afterwards.
Ratings: a true value per cell, each reviewer off by one step with probability 0.2 (0.35 for a lenient
third of them). Prints JSON with medians after one warm-up; goal: under 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "qadesk_bench_calibration"
sys.path.insert(0, str(ROOT))

from bench_pg import django_on  # noqa: E402

from qadesk.calibration import stats  # noqa: E402  (pure module: no Django needed)
from qadesk.scorecards.scoring import SCALE_RANGES, criterion_score  # noqa: E402

SCALES = ("binary", "three", "five", "ten", "four")


def synthetic(reviewers: int, items: int, scales: list[str], seed: int = 7) -> list[list[list[int | None]]]:
    """ratings[reviewer][item][criterion]: a true value per cell, noise per reviewer, 3 % N/A."""
    rng = random.Random(seed)
    truth = [[rng.randint(*SCALE_RANGES[s]) for s in scales] for _ in range(items)]
    data = []
    for r in range(reviewers):
        noise = 0.35 if r % 3 == 0 else 0.2
        rows = []
        for i in range(items):
            row: list[int | None] = []
            for c, scale in enumerate(scales):
                low, high = SCALE_RANGES[scale]
                value = truth[i][c]
                if rng.random() < noise:
                    value = min(high, max(low, value + rng.choice((-1, 1)) + (1 if r % 3 == 0 else 0)))
                row.append(None if rng.random() < 0.03 else value)
            rows.append(row)
        data.append(rows)
    return data


def pure(data: list[list[list[int | None]]], scales: list[str], weights: list[float]) -> dict[str, Any]:
    """What the results selector computes, on plain lists."""
    n_items, n_criteria = len(data[0]), len(scales)
    per_criterion = []
    for c, scale in enumerate(scales):
        matrix = [[data[r][i][c] for i in range(n_items)] for r in range(len(data))]
        per_criterion.append(
            (
                stats.krippendorff_alpha(matrix, level=stats.level_for_scale(scale)),
                stats.percent_agreement(zip(*matrix, strict=True)),
            )
        )

    def points(c: int, v: int | None) -> float | None:
        return None if v is None else criterion_score(scales[c], v)

    overall_data = [[points(c, rows[i][c]) for i in range(n_items) for c in range(n_criteria)] for rows in data]
    raw = [[rows[i][c] for i in range(n_items) for c in range(n_criteria)] for rows in data]
    overall = (stats.krippendorff_alpha(overall_data, level=stats.SCORE_LEVEL), stats.percent_agreement(zip(*raw, strict=True)))
    benchmark = overall_data[0]
    reviewers = []
    for own in overall_data[1:]:
        pairs = list(zip(own, benchmark, strict=True))
        alignments = []
        for i in range(n_items):
            cells = range(i * n_criteria, (i + 1) * n_criteria)
            scaled = [
                (
                    None if own[k] is None else own[k] / 100 * weights[k % n_criteria],  # type: ignore[operator]
                    None if benchmark[k] is None else benchmark[k] / 100 * weights[k % n_criteria],  # type: ignore[operator]
                    weights[k % n_criteria],
                )
                for k in cells
            ]
            alignments.append(stats.review_alignment(scaled))
        kept = [a for a in alignments if a is not None]
        reviewers.append((stats.mean_deviation(pairs), stats.leniency(pairs), sum(kept) / len(kept) if kept else None))
    return {"criteria": per_criterion, "overall": overall, "reviewers": reviewers}


def _median(fn: Any, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--criteria", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--pure-only", action="store_true", help="Skip the database measurement.")
    args = parser.parse_args()
    scales = [SCALES[i % len(SCALES)] for i in range(args.criteria)]
    weights = [float(1 + i % 4) for i in range(args.criteria)]
    data = synthetic(args.reviewers, args.items, scales)
    figures = pure(data, scales, weights)
    result: dict[str, Any] = {
        "machine": {
            "cores": os.cpu_count(),
            "load": Path("/proc/loadavg").read_text().split()[:3],
            "python": platform.python_version(),
        },
        "shape": {"reviewers": args.reviewers, "items": args.items, "criteria": args.criteria},
        "overall_alpha": round(figures["overall"][0], 3),
        "seconds_median": {"pure_stats": _median(lambda: pure(data, scales, weights), args.repeat)},
        "goal_seconds": 1,
    }
    if not args.pure_only:
        result["seconds_median"].update(_selector(data, args.repeat))
    print(json.dumps(result, indent=2))


def _selector(data: list[list[list[int | None]]], repeat: int) -> dict[str, Any]:
    with django_on(DB_NAME):
        session, actor = _store(data)
        from qadesk.calibration.selectors import calibration_results

        return {"calibration_results_selector": _median(lambda: calibration_results(session=session, actor=actor), repeat)}


def _store(data: list[list[list[int | None]]]) -> tuple[Any, Any]:
    """The same ratings as a closed session (default scorecard, criteria copied up to the count needed)."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from qadesk.accounts.models import Agent, Role, User
    from qadesk.calibration.models import CalibrationItem, CalibrationRating, CalibrationScore, CalibrationSession
    from qadesk.interactions.models import Interaction
    from qadesk.scorecards.models import Criterion
    from qadesk.scorecards.services import scorecard_install_default

    call_command("migrate", verbosity=0)
    version = scorecard_install_default()
    criteria = list(Criterion.objects.filter(section__version=version).order_by("section__position", "position"))
    n_criteria = len(data[0][0])
    for k in range(n_criteria - len(criteria)):
        copy = Criterion.objects.get(pk=criteria[k % len(criteria)].pk)
        copy.pk, copy.code, copy.position = None, f"{copy.code}-copy{k}", 100 + k
        copy.save()
        criteria.append(copy)
    criteria = criteria[:n_criteria]
    lead = User.objects.create_user(username="lead", password="x", role=Role.QA_LEAD)  # noqa: S106
    reviewers = [User.objects.create_user(username=f"rev{r:02d}", password="x", role=Role.REVIEWER) for r in range(len(data))]  # noqa: S106
    agent = Agent.objects.create(username="agent", display_name="Agent")
    now = timezone.now()
    session = CalibrationSession.objects.create(
        title="bench",
        scorecard_version=version,
        created_by=lead,
        deadline=now + timedelta(days=1),
        blind=False,
        benchmark_reviewer=reviewers[0],
        status="closed",
    )
    session.participants.set(reviewers)
    items = [
        CalibrationItem.objects.create(
            session=session,
            position=i,
            interaction=Interaction.objects.create(
                external_id=f"C-{i}", source="bench", channel="email", created_at=now, agent=agent
            ),
        )
        for i in range(len(data[0]))
    ]
    scores = CalibrationScore.objects.bulk_create(
        CalibrationScore(session=session, item=item, reviewer=rev) for rev in reviewers for item in items
    )
    ratings = []
    for score in scores:
        r, i = reviewers.index(score.reviewer), items.index(score.item)
        for c, criterion in enumerate(criteria):
            low, high = min(criterion.rating_choices()), max(criterion.rating_choices())
            value = data[r][i][c]
            ratings.append(
                CalibrationRating(score=score, criterion=criterion, value=None if value is None else min(high, max(low, value)))
            )
    CalibrationRating.objects.bulk_create(ratings, batch_size=5000)
    return session, lead


if __name__ == "__main__":
    main()
