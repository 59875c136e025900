"""Benchmark: the competence figures of every agent on PostgreSQL against one hand-written SQL query.

    .venv/bin/python benchmarks/competence_page.py [--agents 1000] [--interactions 100000] [--reviews 30000]
        [--responses 10000] [--repeat 5] [--keep] [--reuse] [--db-name NAME]

Creates a throwaway database (qadesk_bench_competence on 127.0.0.1:5432, user postgres; BENCH_PG_URL overrides the
server), migrates it, fills it (agents in 20 teams on 2 sites; interactions by INSERT … SELECT generate_series; the
default scorecard with three criteria flagged competence; --reviews submitted reviews with 4 ratings each, 3 of them
competence; --responses survey answers to `agent_skill`; 5 required courses, one a certification, and about 3.6
completions per agent, some expired), then times `competence_report()` as an administrator over the 90-day period
against one hand-written query giving the same training score, competence-criteria mean, survey mean and rating per
agent (benchmarks 80/80). Prints JSON with median latencies and their ratio (goal: < 0.5 s at 1M interactions and
<= 2x the hand-written SQL) and fails if the two disagree on any rating. The database is dropped unless --keep;
--reuse measures a database kept by an earlier run with the same sizes instead of filling a new one (implies --keep).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
from bench_pg import BASE_URL, ROOT, django_on, machine

DB_NAME = os.environ.get("BENCH_DB_NAME", "qadesk_bench_competence")
END = date(2026, 11, 30)
DAYS = 90
COMPETENCE = ("right_sop", "right_tools", "workflow")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--interactions", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=30_000)
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--reuse", action="store_true", help="Measure the kept database of an earlier run with these sizes.")
    parser.add_argument(
        "--before",
        metavar="REV",
        help="Also time the report with qadesk/competence/selectors.py as of this git revision (interleaved) and check "
        "that both reports are equal, field by field.",
    )
    parser.add_argument("--db-name", default=DB_NAME)
    args = parser.parse_args()
    globals()["DB_NAME"] = args.db_name
    reuse = args.reuse and _filled(args.interactions)
    sizes = {k: getattr(args, k) for k in ("agents", "interactions", "reviews", "responses")}
    with django_on(DB_NAME, fresh=not reuse, keep=args.keep or args.reuse):
        result: dict[str, Any] = {"machine": machine(), **sizes}
        result["fill_seconds"] = "reused" if reuse else _fill(**sizes)
        result.update(_measure(args.repeat, _before_module(args.before) if args.before else None))
    print(json.dumps(result, indent=2))
    if not result["agree"]:
        sys.exit("the report and the hand-written SQL disagree")


def _before_module(rev: str) -> Any:
    """qadesk/competence/selectors.py as of a git revision, imported beside the current one."""
    import subprocess
    import types

    path = "qadesk/competence/selectors.py"
    source = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    module = types.ModuleType("selectors_before")
    module.__file__ = f"{rev}:{path}"
    sys.modules[module.__name__] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102 — the repository's own code
    return module


def _filled(interactions: int) -> bool:
    """Whether a kept database of this name holds a finished fill of this size (the fill ends with the completions)."""
    try:
        with psycopg.connect(f"{BASE_URL}/{DB_NAME}") as conn:
            count = conn.execute("SELECT count(*) FROM interactions_interaction").fetchone()[0]  # type: ignore[index]
            done = conn.execute("SELECT count(*) FROM competence_completion").fetchone()[0]  # type: ignore[index]
    except psycopg.Error:
        return False
    return bool(count == interactions and done)


def _fill(*, agents: int, interactions: int, reviews: int, responses: int) -> float:
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection

    from qadesk.accounts.models import Agent, Role, Site, Team, User
    from qadesk.competence.models import Completion, Course
    from qadesk.reviews.models import Rating, Review
    from qadesk.scorecards.models import Criterion
    from qadesk.scorecards.services import scorecard_install_default
    from qadesk.surveys.models import Question, Survey, SurveyAnswer, SurveyResponse, SurveyVersion

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    sites = [Site.objects.create(name=name) for name in ("Milano", "Lyon")]
    teams = [Team.objects.create(name=f"Team {i}", site=sites[i % 2]) for i in range(20)]
    Agent.objects.bulk_create(Agent(username=f"agent{i:04d}", team=teams[i % 20], site=teams[i % 20].site) for i in range(agents))
    agent_ids = list(Agent.objects.order_by("pk").values_list("pk", flat=True))
    first = END - timedelta(days=DAYS - 1)
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO interactions_interaction (external_id, source, channel, language, subject, phase, status,
                created_at, abandoned, reopens, customer_rating, complaint, message_count, imported_at, agent_id,
                team_id, site_id, handlers_hash, transcript_hash, row_hash, custom_fields, tags)
            SELECT 'B-' || i, 'bench', 'email', 'it', '', 'delivery', 'closed',
                TIMESTAMPTZ '{first.isoformat()} 08:00+01' + (i % {DAYS}) * INTERVAL '1 day'
                    + (i * 37 % 36000) * INTERVAL '1 second',
                false, 0, '', false, 2, now(), a.id, a.team_id, a.site_id, '', '', '', '{{}}', '[]'
            FROM generate_series(1, {interactions}) AS i
            JOIN accounts_agent a ON a.id = (SELECT min(id) FROM accounts_agent) + i % {agents}
        """)
    version = scorecard_install_default()
    Criterion.objects.filter(section__version=version, code__in=COMPETENCE).update(competence=True)
    criteria = list(Criterion.objects.filter(section__version=version, code__in=(*COMPETENCE, "empathy")).order_by("code"))
    reviewer = User.objects.create(username="reviewer", role=Role.REVIEWER)
    rows = list(_interaction_rows(reviews))
    batch: list[Review] = []
    for n, (interaction_id, agent_id, created) in enumerate(rows):
        batch.append(
            Review(
                interaction_id=interaction_id,
                scorecard_version=version,
                reviewer=reviewer,
                agent_id=agent_id,
                status="submitted",
                score=float(50 + n * 7 % 51),
                submitted_at=created + timedelta(hours=2),
            )
        )
    Review.objects.bulk_create(batch, batch_size=5000)
    ratings = []
    for (review_id,) in Review.objects.values_list("pk"):
        for k, criterion in enumerate(criteria):
            score = 0.0 if (review_id * (k + 3)) % 7 == 0 else 100.0
            ratings.append(Rating(review_id=review_id, criterion=criterion, value=int(score > 0), score=score, failed=score == 0))
    Rating.objects.bulk_create(ratings, batch_size=10_000)
    survey = Survey.objects.create(code="post", name={"en": "Post"})
    survey_version = SurveyVersion.objects.create(survey=survey, number=1, status="published")
    question = Question.objects.create(version=survey_version, code="agent_skill", position=1, kind="csat", text={"en": "Skill"})
    picked = rows[:responses] if responses <= len(rows) else list(_interaction_rows(responses))
    SurveyResponse.objects.bulk_create(
        (
            SurveyResponse(survey=survey, version=survey_version, interaction_id=i, source="import", started_at=created)
            for i, _agent, created in picked
        ),
        batch_size=5000,
    )
    SurveyAnswer.objects.bulk_create(
        (
            SurveyAnswer(response_id=pk, question=question, value=1 + pk % 5)
            for pk in SurveyResponse.objects.values_list("pk", flat=True)
        ),
        batch_size=5000,
    )
    courses = [
        Course.objects.create(
            code=f"c{k}", name=f"Course {k}", skill="s", days=Decimal(days), required_roles=["agent"], validity_days=validity
        )
        for k, (days, validity) in enumerate((("3", None), ("2", 365), ("2", None), ("1.5", None), ("1", None)))
    ]
    completions = []
    for agent_id in agent_ids:
        for k, course in enumerate(courses):
            if (agent_id + k) % 4:
                done = END - timedelta(days=(agent_id * 31 + k * 97) % 500)
                expires = done + timedelta(days=365) if course.validity_days else None
                completions.append(Completion(agent_id=agent_id, course=course, completed_on=done, expires_on=expires))
    Completion.objects.bulk_create(completions)
    connection.close()
    with psycopg.connect(f"{BASE_URL}/{DB_NAME}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return round(time.perf_counter() - started, 1)


def _interaction_rows(n: int) -> list[tuple[int, int, datetime]]:
    from qadesk.interactions.models import Interaction

    rows = Interaction.objects.order_by("pk").values_list("pk", "agent_id", "created_at")[:n]
    return [(pk, agent_id, created) for pk, agent_id, created in rows]


HAND_WRITTEN = """
WITH agents AS (
    SELECT a.id, a.team_id FROM accounts_agent a WHERE a.is_active AND NOT a.is_bot
), required AS (
    SELECT ag.id AS agent_id, c.id AS course_id, c.days
    FROM agents ag JOIN competence_course c ON c.is_active AND (
        c.required_roles @> '["agent"]'::jsonb
        OR EXISTS (SELECT 1 FROM competence_course_required_teams t WHERE t.course_id = c.id AND t.team_id = ag.team_id))
), training AS (
    SELECT r.agent_id, 100.0 * sum(r.days) FILTER (WHERE EXISTS (
            SELECT 1 FROM competence_completion x WHERE x.agent_id = r.agent_id AND x.course_id = r.course_id
              AND x.completed_on <= %(last)s AND (x.expires_on IS NULL OR x.expires_on >= %(last)s))) / sum(r.days) AS score
    FROM required r GROUP BY r.agent_id
), criteria AS (
    SELECT rv.agent_id, sum(rt.score) / count(*) AS mean
    FROM reviews_rating rt JOIN reviews_review rv ON rv.id = rt.review_id
    JOIN scorecards_criterion cr ON cr.id = rt.criterion_id
    WHERE cr.competence AND rt.score IS NOT NULL AND rv.status = 'submitted'
      AND rv.submitted_at >= %(start)s AND rv.submitted_at < %(end)s
    GROUP BY rv.agent_id
), survey AS (
    SELECT i.agent_id, (avg(sa.value) - 1) / 4 * 100 AS score
    FROM surveys_surveyanswer sa JOIN surveys_question q ON q.id = sa.question_id
    JOIN surveys_surveyresponse sr ON sr.id = sa.response_id JOIN interactions_interaction i ON i.id = sr.interaction_id
    WHERE q.code = 'agent_skill' AND sa.value IS NOT NULL AND i.agent_id IS NOT NULL
      AND sr.started_at >= %(start)s AND sr.started_at < %(end)s
    GROUP BY i.agent_id
)
SELECT ag.id, t.score, 50 * t.score / 80 + 50 * (
        CASE WHEN c.mean IS NULL THEN s.score WHEN s.score IS NULL THEN c.mean ELSE (c.mean + s.score) / 2 END) / 80
FROM agents ag LEFT JOIN training t ON t.agent_id = ag.id LEFT JOIN criteria c ON c.agent_id = ag.id
LEFT JOIN survey s ON s.agent_id = ag.id
"""


def _measure(repeat: int, before: Any = None) -> dict[str, Any]:
    from django.db import connection

    from qadesk.accounts.models import Role, User
    from qadesk.competence.selectors import competence_report
    from qadesk.core.days import day_start, next_day_start

    actor = User(username="system", role=Role.ADMIN, is_superuser=True)
    first = END - timedelta(days=DAYS - 1)
    params = {"start": day_start(first), "end": next_day_start(END), "last": END}

    def report() -> Any:
        return competence_report(actor=actor, date_from=first, date_to=END)

    def hand_written() -> Any:
        with connection.cursor() as cursor:
            cursor.execute(HAND_WRITTEN, params)
            return cursor.fetchall()

    found, by_hand = report(), hand_written()
    ours = {a.agent_id: a.rating.value for a in found.agents}
    theirs = {agent_id: (float(value) if value is not None else None) for agent_id, _t, value in by_hand}
    agree = len(ours) == len(theirs) and all(
        (ours[k] is None and theirs.get(k) is None) or (ours[k] is not None and abs(ours[k] - (theirs.get(k) or -1)) < 1e-6)
        for k in ours
    )
    same: dict[str, Any] = {}
    runs = [report, hand_written]
    if before is not None:

        def report_before() -> Any:
            return before.competence_report(actor=actor, date_from=first, date_to=END)

        same["same_report_as_before"] = repr(report_before()) == repr(found)
        agree = agree and same["same_report_as_before"]
        runs.append(report_before)
    report_s, hand_s, *before_s = _medians(runs, repeat)
    if before_s:
        same["report_before_seconds"] = round(before_s[0], 4)
        same["ratio_before"] = round(before_s[0] / hand_s, 2)
    return {
        **same,
        "agree": agree,
        "rated_agents": sum(1 for v in ours.values() if v is not None),
        "report_seconds": round(report_s, 4),
        "hand_written_seconds": round(hand_s, 4),
        "ratio": round(report_s / hand_s, 2) if hand_s else None,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _medians(fns: list[Callable[[], Any]], repeat: int) -> list[float]:
    """The median time of each function, run in turn (one of each per round), so that a change of load on a shared
    machine falls on all of them alike."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(max(1, repeat)):
        for fn, laps in zip(fns, times, strict=True):
            started = time.perf_counter()
            fn()
            laps.append(time.perf_counter() - started)
    return [statistics.median(laps) for laps in times]


if __name__ == "__main__":
    main()
