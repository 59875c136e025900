"""Benchmark: a survey's results (CSAT, NPS, CES with their intervals and the response rate, by team) over 10,000 (or
--responses) responses on PostgreSQL, against one hand-written SQL query computing the same group table.

    .venv/bin/python benchmarks/survey_results.py [--responses 10000] [--repeat 5] [--keep] [--reuse [--rebuild]]
        [--db-name NAME]

Creates a throwaway database (qadesk_bench_surveys on 127.0.0.1:5432, user postgres; override the server with
BENCH_PG_URL and the name with --db-name or BENCH_DB_NAME), migrates it, creates a survey with a CSAT, an NPS, a CES and
a free-text question (`survey_version_create`), 40 agents in 4 teams, then fills with INSERT … SELECT generate_series
four interactions per response, each with a sent invitation (a 25 % response rate) and its own day of 90, agent of 40,
channel, contact reason (8) and journey phase drawn independently, one response per fourth invitation and three rated
answers per response (teams rate a little differently), then VACUUM ANALYZE. The big tables' secondary indexes are
dropped for the fill and made again after it.

The rows are written past the services that keep the survey results' rollup (surveys/rollup.py), so the rollup is
then rebuilt once (`survey_rollup_rebuild`, as the migration does on an existing install; timed; `--reuse --rebuild`
rebuilds a kept database's).

Times, as the median of --repeat runs after one warm-up: `survey_results(by="team")` as the page, API and CLI run it
(overall and per-team figures, the headline questions, each question's distribution: read from the rollup), its counts
alone, the overall figures, by agent, the monthly trend; the same by team read from the answers (as before the rollup,
and as for an agent's own customers); and two hand-written queries computing the per-team group table in one
statement: over the answers (what one would write without the rollup) and over the rollup. Prints JSON with the
ratios (goal from issue 8: under 0.5 s and within 2× the hand-written query); fails if the selector's figures differ
from either hand-written query's, or if the figures from the rollup differ from the figures from the answers (by team,
agent, channel, overall, weekly trend). Dropped afterwards unless --keep; --reuse skips the fill when a kept database
is there. Sizes from 1,000 to 1,000,000 responses.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from bench_pg import BASE_URL, database_exists, drop_database, machine, recreate_database

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = os.environ.get("BENCH_DB_NAME", "qadesk_bench_surveys")
START = date(2026, 9, 1)
DAYS = 90
INVITED_PER_RESPONSE = 4
DEFINITION = {
    "code": "bench",
    "name": {"en": "Benchmark survey"},
    "kind": "post_contact",
    "questions": [
        {"code": "csat", "kind": "csat", "text": {"en": "Overall, how satisfied are you?"}, "required": True},
        {"code": "nps", "kind": "nps", "text": {"en": "Would you recommend us?"}},
        {"code": "ces", "kind": "ces", "text": {"en": "It was easy to handle my issue."}},
        {"code": "comment", "kind": "text", "text": {"en": "Anything else?"}},
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=10_000, help="Responses to create (1,000 to 1,000,000).")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--reuse", action="store_true", help="Reuse a kept database instead of filling a new one.")
    parser.add_argument("--db-name", default=DB_NAME, help="Database to create (default qadesk_bench_surveys).")
    parser.add_argument("--rebuild", action="store_true", help="With --reuse: rebuild the rollup (timed) before measuring.")
    args = parser.parse_args()
    if not 1_000 <= args.responses <= 1_000_000:
        parser.error("--responses: from 1000 to 1000000")
    globals()["DB_NAME"] = args.db_name

    reuse = args.reuse and database_exists(DB_NAME)
    if not reuse:
        recreate_database(DB_NAME)
    os.environ["DATABASE_URL"] = f"{BASE_URL}/{DB_NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qadesk.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    result: dict[str, Any] = {"machine": machine(), "load_average_before": _load()}
    try:
        if not reuse:
            result["fill_seconds"] = _fill(args.responses)
        if not reuse or args.rebuild:
            result["rollup_rebuild_seconds"] = _rebuild()
        result.update(_measure(args.repeat))
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(DB_NAME)
    result["load_average_after"] = _load()
    print(json.dumps(result, indent=2))


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# The spread of the interactions answered about: every one drawn on its own (a day of the 90, an agent of the 40, a
# channel, a contact reason, a journey phase), so (day, agent, channel, label, phase) cells fill as a real centre's do.
CHANNELS = ("email", 0.45), ("chat", 0.35), ("phone", 0.20)
LABELS = 8  # contact reasons, a few common and a long tail: label k drawn as floor(8 · u²)
PHASES = ("demand", "purchase", "delivery", "reception", "evaluation")  # skewed to the first ones: floor(5 · u^1.5)


def _fill(responses: int) -> float:
    """Organisation and survey through the ORM (small), then interactions, invitations, responses, answers in SQL: the
    four big tables' secondary indexes are dropped first and made again afterwards (one sort each instead of millions
    of inserts into them); keys, unique constraints, foreign keys and triggers stay."""
    from django.core.management import call_command
    from django.db import connection

    from qadesk.accounts.models import Agent, Site, Team
    from qadesk.interactions.models import Label
    from qadesk.surveys.services import survey_version_create

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    version = survey_version_create(data=DEFINITION, publish=True)
    questions = {q.code: q.pk for q in version.questions.all()}
    sites = [Site.objects.create(name=name) for name in ("Milano", "Lyon")]
    teams = [Team.objects.create(name=f"Team {i}", site=sites[i // 2]) for i in range(4)]
    agents = [
        Agent.objects.create(
            username=f"agent{i:02d}", display_name=f"Agent {i:02d}", team=teams[i // 10], site=teams[i // 10].site
        )
        for i in range(40)
    ]
    labels = [Label.objects.create(code=f"reason_{k}", name=f"Reason {k}") for k in range(LABELS)]
    agent_ids = ",".join(str(a.pk) for a in agents)
    team_ids = ",".join(str(a.team_id) for a in agents)
    site_ids = ",".join(str(a.site_id) for a in agents)
    label_ids = ",".join(str(label.pk) for label in labels)
    phases = ",".join(f"'{p}'" for p in PHASES)
    channel = (
        "CASE "
        + "".join(
            f"WHEN r.c < {sum(w for _n, w in CHANNELS[: k + 1]):.2f} THEN '{name}' " for k, (name, _w) in enumerate(CHANNELS[:-1])
        )
        + f"ELSE '{CHANNELS[-1][0]}' END"
    )
    # Team t (0–3) rates a little lower than team t - 1: the skew is (agent index / 10) * 0.15.
    skew = f"((array_position(ARRAY[{team_ids}], i.team_id) - 1) / 10) * 0.15"
    tables = ("interactions_interaction", "surveys_surveyinvitation", "surveys_surveyresponse", "surveys_surveyanswer")
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute(
            """
            SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
            JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class c ON c.oid = x.indexrelid
            WHERE t.relname = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
            """,
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(f"""
            INSERT INTO interactions_interaction (external_id, source, channel, language, subject, phase, status, created_at,
                abandoned, message_count, imported_at, agent_id, team_id, site_id, label_id, custom_fields, tags)
            SELECT 'S-' || i, 'bench', {channel}, 'it', '', (ARRAY[{phases}])[1 + floor(5 * power(r.p, 1.5))::int],
                'resolved', TIMESTAMPTZ '{START.isoformat()} 08:00+01'
                    + floor(r.d * {DAYS}) * INTERVAL '1 day' + floor(r.t * 36000) * INTERVAL '1 second',
                false, 6, now(), (ARRAY[{agent_ids}])[1 + r.a], (ARRAY[{team_ids}])[1 + r.a], (ARRAY[{site_ids}])[1 + r.a],
                (ARRAY[{label_ids}])[1 + floor({LABELS} * r.l * r.l)::int], '{{}}', '[]'
            FROM generate_series(1, {responses * INVITED_PER_RESPONSE}) AS i
            -- Each interaction's day, time, agent, channel, label and phase drawn independently (i keeps it per row).
            CROSS JOIN LATERAL (
                SELECT random() AS d, random() AS t, floor(random() * 40)::int AS a, random() AS c, random() AS l,
                    random() AS p, i AS n
            ) AS r
        """)
        cursor.execute(f"""
            INSERT INTO surveys_surveyinvitation (survey_id, interaction_id, token, language, email, created_at, sent_at,
                expires_at, email_attempts, email_error)
            SELECT {version.survey_id}, id, md5('bench' || id), 'it', '', created_at, created_at,
                created_at + INTERVAL '30 days', 1, ''
            FROM interactions_interaction WHERE source = 'bench'
        """)
        cursor.execute(f"""
            INSERT INTO surveys_surveyresponse (survey_id, version_id, invitation_id, interaction_id, source, key, language,
                page_url, started_at, updated_at, completed_at, followup_note)
            SELECT survey_id, {version.pk}, id, interaction_id, 'invitation', '', 'it', '',
                created_at + INTERVAL '3 hours', created_at + INTERVAL '3 hours', created_at + INTERVAL '3 hours', ''
            FROM surveys_surveyinvitation WHERE id % {INVITED_PER_RESPONSE} = 0
        """)
        cursor.execute(f"""
            INSERT INTO surveys_surveyanswer (response_id, question_id, value, choices, text, answered_at)
            SELECT r.id, q.question_id,
                CASE q.code
                    WHEN 'csat' THEN least(5, 1 + floor(power(random(), 0.55 + s.skew) * 5))
                    WHEN 'nps' THEN least(10, floor(power(random(), 0.5 + s.skew) * 11))
                    ELSE least(7, 1 + floor(power(random(), 0.7 + s.skew) * 7))
                END, '[]', '', r.started_at
            FROM surveys_surveyresponse r
            JOIN interactions_interaction i ON i.id = r.interaction_id
            CROSS JOIN LATERAL (SELECT {skew} AS skew) AS s
            CROSS JOIN (VALUES ('csat', {questions["csat"]}), ('nps', {questions["nps"]}), ('ces', {questions["ces"]}))
                AS q (code, question_id)
        """)
        for _name, definition in indexes:
            cursor.execute(definition)
    connection.close()
    with psycopg.connect(f"{BASE_URL}/{DB_NAME}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return round(time.perf_counter() - started, 1)


def _rebuild() -> float:
    """The rows were written in SQL, past the services that keep the rollup: count it once, as the migration does."""
    from django.db import connection

    from qadesk.surveys.rollup import survey_rollup_rebuild

    started = time.perf_counter()
    survey_rollup_rebuild()
    connection.close()
    with psycopg.connect(f"{BASE_URL}/{DB_NAME}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE surveys_surveyresponseday, surveys_surveyanswerday, surveys_surveyinvitationday")
    return round(time.perf_counter() - started, 1)


# The group table by team in one statement: responses, the headline questions' counts (CSAT top two, NPS promoters
# and detractors, CES sum and sum of squares) and invitations sent and answered, per team.
HAND_SQL = """
    WITH r AS (
        SELECT r.id, i.team_id FROM surveys_surveyresponse r JOIN interactions_interaction i ON i.id = r.interaction_id
        WHERE r.survey_id = %(survey)s
    ), rated AS (
        SELECT r.team_id,
            count(*) FILTER (WHERE q.kind = 'csat') AS csat_n,
            count(*) FILTER (WHERE q.kind = 'csat' AND a.value >= 4) AS csat_top,
            count(*) FILTER (WHERE q.kind = 'nps') AS nps_n,
            count(*) FILTER (WHERE q.kind = 'nps' AND a.value >= 9) AS promoters,
            count(*) FILTER (WHERE q.kind = 'nps' AND a.value <= 6) AS detractors,
            count(*) FILTER (WHERE q.kind = 'ces') AS ces_n,
            sum(a.value) FILTER (WHERE q.kind = 'ces') AS ces_sum,
            sum(a.value * a.value) FILTER (WHERE q.kind = 'ces') AS ces_squares
        FROM surveys_surveyanswer a JOIN r ON r.id = a.response_id JOIN surveys_question q ON q.id = a.question_id
        WHERE q.code IN ('csat', 'nps', 'ces') AND a.value IS NOT NULL
        GROUP BY r.team_id
    ), counted AS (
        SELECT team_id, count(*) AS responses FROM r GROUP BY team_id
    ), sent AS (
        SELECT i.team_id, count(*) AS sent, count(answer.id) AS answered
        FROM surveys_surveyinvitation v
        JOIN interactions_interaction i ON i.id = v.interaction_id
        LEFT JOIN surveys_surveyresponse answer ON answer.invitation_id = v.id
        WHERE v.survey_id = %(survey)s AND v.sent_at IS NOT NULL
        GROUP BY i.team_id
    )
    SELECT counted.team_id, counted.responses, rated.csat_n, rated.csat_top, rated.nps_n, rated.promoters,
        rated.detractors, rated.ces_n, rated.ces_sum, rated.ces_squares, sent.sent, sent.answered
    FROM counted LEFT JOIN rated USING (team_id) LEFT JOIN sent USING (team_id)
    ORDER BY counted.team_id
"""


# The same group table by team in one statement over the rollup: over its rows per day and team (level 2, what the
# selector reads: the fastest a hand-written query reads these figures now) and over its rows with every dimension
# (level 1, what the selector read before those levels).
HAND_SQL_ROLLUP = """
    WITH rated AS (
        SELECT team_id,
            sum(count) FILTER (WHERE code = 'csat') AS csat_n,
            sum(count) FILTER (WHERE code = 'csat' AND item IN ('4', '5')) AS csat_top,
            sum(count) FILTER (WHERE code = 'nps') AS nps_n,
            sum(count) FILTER (WHERE code = 'nps' AND item IN ('9', '10')) AS promoters,
            sum(count) FILTER (WHERE code = 'nps' AND item IN ('0', '1', '2', '3', '4', '5', '6')) AS detractors,
            sum(count) FILTER (WHERE code = 'ces') AS ces_n,
            sum(count * item::int) FILTER (WHERE code = 'ces') AS ces_sum,
            sum(count * item::int * item::int) FILTER (WHERE code = 'ces') AS ces_squares
        FROM surveys_surveyanswerday
        WHERE survey_id = %(survey)s AND level = %(level)s AND (code, kind) IN (('csat', 'csat'), ('nps', 'nps'), ('ces', 'ces'))
        GROUP BY team_id
    ), counted AS (
        SELECT team_id, sum(responses) AS responses FROM surveys_surveyresponseday
        WHERE survey_id = %(survey)s AND level = %(level)s GROUP BY team_id
    ), sent AS (
        SELECT team_id, sum(sent) AS sent, sum(answered) AS answered FROM surveys_surveyinvitationday
        WHERE survey_id = %(survey)s AND level = %(level)s GROUP BY team_id
    )
    SELECT counted.team_id, counted.responses, rated.csat_n, rated.csat_top, rated.nps_n, rated.promoters,
        rated.detractors, rated.ces_n, rated.ces_sum, rated.ces_squares, sent.sent, sent.answered
    FROM counted LEFT JOIN rated USING (team_id) LEFT JOIN sent USING (team_id)
    ORDER BY counted.team_id
"""


def _measure(repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.db.models import Count

    from qadesk.analytics.management.commands.qreport import system_actor
    from qadesk.surveys import selectors
    from qadesk.surveys.models import (
        ROLLUP_LEVEL_ALL,
        ROLLUP_LEVEL_BY,
        Survey,
        SurveyAnswer,
        SurveyAnswerDay,
        SurveyInvitation,
        SurveyInvitationDay,
        SurveyResponse,
        SurveyResponseDay,
    )

    actor = system_actor()
    survey = Survey.objects.get(code="bench")

    def hand(sql: str = HAND_SQL, level: int = ROLLUP_LEVEL_BY["team"]) -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(sql, {"survey": survey.pk, "level": level})
            return cursor.fetchall()

    def raw(func: Callable[..., Any], **kwargs: Any) -> Callable[[], Any]:
        """The selector reading the answers, as before the rollup (and as for an agent's own customers)."""

        def call() -> Any:
            real = selectors._rollup_cells
            selectors._rollup_cells = lambda **arguments: None  # type: ignore[assignment]
            try:
                return func(actor=actor, survey=survey, **kwargs)
            finally:
                selectors._rollup_cells = real  # type: ignore[assignment]

        return call

    headline = selectors.headline_questions(survey)

    def before_levels(**kwargs: Any) -> Callable[[], Any]:
        """The selector reading the rollup's levels 1 (by team) and 0 (overall) as before its per-dimension and per-day
        levels (branch w-results8)."""
        from qadesk.surveys import models

        def call() -> Any:
            team, day = models.ROLLUP_LEVEL_BY["team"], models.ROLLUP_LEVEL_DAY
            models.ROLLUP_LEVEL_BY["team"], models.ROLLUP_LEVEL_DAY = models.ROLLUP_LEVEL_ALL, models.ROLLUP_LEVEL_AGENT
            try:
                return selectors.survey_results(actor=actor, survey=survey, **kwargs)
            finally:
                models.ROLLUP_LEVEL_BY["team"], models.ROLLUP_LEVEL_DAY = team, day

        return call

    def groups_only() -> Any:
        cells = selectors._rollup_cells(actor=actor, survey=survey, by="team", date_from=None, date_to=None, usable=True)
        assert cells is not None
        return selectors._rollup_tallies(cells=cells, by="team", headline=headline)

    timings = {
        "hand_sql_by_team": _median(hand, repeat),
        "hand_sql_over_rollup_by_team": _median(lambda: hand(HAND_SQL_ROLLUP), repeat),
        "hand_sql_over_rollup_level_1_by_team": _median(lambda: hand(HAND_SQL_ROLLUP, ROLLUP_LEVEL_ALL), repeat),
        "results_by_team": _median(lambda: selectors.survey_results(actor=actor, survey=survey, by="team"), repeat),
        "results_counts_by_team": _median(groups_only, repeat),
        "results_overall": _median(lambda: selectors.survey_results(actor=actor, survey=survey), repeat),
        "results_by_agent": _median(lambda: selectors.survey_results(actor=actor, survey=survey, by="agent"), repeat),
        "trend_by_month": _median(lambda: selectors.survey_trend(actor=actor, survey=survey, period="month"), repeat),
        "results_by_team_from_answers": _median(raw(selectors.survey_results, by="team"), max(1, repeat // 2)),
        "results_by_team_from_level_1": _median(before_levels(by="team"), repeat),
        "results_overall_from_level_0": _median(before_levels(), repeat),
    }
    from_rollup = selectors.survey_results(actor=actor, survey=survey, by="team")
    _check(from_rollup, hand())
    _check(from_rollup, hand(HAND_SQL_ROLLUP))
    _check(from_rollup, hand(HAND_SQL_ROLLUP, ROLLUP_LEVEL_ALL))
    assert from_rollup == raw(selectors.survey_results, by="team")(), "the rollup's figures differ from the answers'"
    assert from_rollup == before_levels(by="team")(), "the rollup's levels 1 and 2 differ"
    assert selectors.survey_results(actor=actor, survey=survey) == before_levels()(), "levels 0 and 7 differ"
    for by in (None, "agent", "channel"):
        assert selectors.survey_results(actor=actor, survey=survey, by=by) == raw(selectors.survey_results, by=by)()
    trend = selectors.survey_trend(actor=actor, survey=survey, period="week")
    assert trend == raw(selectors.survey_trend, period="week")()
    t = timings
    return {
        "responses": SurveyResponse.objects.count(),
        "invitations": SurveyInvitation.objects.count(),
        "answers": SurveyAnswer.objects.count(),
        "rollup_rows": {
            "responses": SurveyResponseDay.objects.count(),
            "answers": SurveyAnswerDay.objects.count(),
            "invitations": SurveyInvitationDay.objects.count(),
        },
        "answer_rollup_rows_per_level": dict(
            SurveyAnswerDay.objects.values_list("level").annotate(n=Count("id")).order_by("level").values_list("level", "n")
        ),
        "median_seconds": {k: round(v, 4) for k, v in t.items()},
        "ratio_results_by_team_to_hand_sql": round(t["results_by_team"] / t["hand_sql_by_team"], 3),
        "ratio_results_by_team_to_hand_sql_over_rollup": round(t["results_by_team"] / t["hand_sql_over_rollup_by_team"], 2),
        "ratio_counts_by_team_to_hand_sql_over_rollup": round(t["results_counts_by_team"] / t["hand_sql_over_rollup_by_team"], 2),
        "ratio_results_by_team_to_hand_sql_over_rollup_level_1": round(
            t["results_by_team"] / t["hand_sql_over_rollup_level_1_by_team"], 3
        ),
        "figures_identical": True,
        "goal_met": t["results_by_team"] < 0.5 and t["results_by_team"] / t["hand_sql_by_team"] <= 2,
    }


def _check(results: Any, rows: list[Any]) -> None:
    """The selector's per-team figures are the hand-written query's (counts, CSAT, NPS, CES mean, response rate)."""
    by_team = {g.key: g for g in results.groups}
    # Every team with responses, and no other (a small fill may not reach all four teams).
    assert rows and set(by_team) == {str(row[0]) for row in rows}, (len(rows), sorted(by_team))
    for team, responses, csat_n, csat_top, nps_n, promoters, detractors, ces_n, ces_sum, _sq, sent, answered in rows:
        group = by_team[str(team)]
        assert group.responses == responses
        assert group.csat.n == csat_n and abs(group.csat.value - round(csat_top / csat_n * 100, 2)) < 0.01
        assert group.nps.n == nps_n and abs(group.nps.value - round((promoters - detractors) / nps_n * 100, 2)) < 0.01
        assert group.ces.n == ces_n and abs(group.ces.value - round(ces_sum / ces_n, 2)) < 0.01
        assert group.response_rate.n == sent and abs(group.response_rate.value - round(answered / sent * 100, 2)) < 0.01


def _median(func: Callable[[], Any], repeat: int) -> float:
    func()  # warm caches and connections
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


if __name__ == "__main__":
    main()
