"""The first click on a rating in an invitation e-mail (GET /s/TOKEN/?q=CODE&a=N), on PostgreSQL in ONE hand-written
statement: what `services.invitation_one_click` does for it, without the ORM.

Nearly every click is an invitation's first: the response is made with the rating as its one answer and the results'
rollup gains its counts. `invitation_first_click` does exactly that in one statement (its own transaction, so one round
trip and one commit): it locks the invitation (FOR UPDATE, as the service does), inserts the response — ON CONFLICT on
the invitation's unique response DO NOTHING, so the second request of a double click, which waited for the first's lock,
writes nothing — inserts the answer, appends the rollup's changes (a response, an answer, an answered invitation, at
level 1) as pending rows, which `rollup.survey_rollup_fold` adds to every level before the results are read (as
`rollup.survey_rollup_add` does for the service: no click waits for another's shared per-day rollup rows), and for a
low headline rating flags the response (owner: the team's first lead) and the interaction
(`services.response_close_loop`).

What the answer means depends only on the survey version's questions — which question the code names, whether the
rating is on its scale, whether its condition shows it, the next question shown, whether it closes the loop — and a
version never changes once made (a change is a new version), so it is worked out in Python with the service's own
functions (`answer_parse`, `condition_met`, `headline_question`, `answer_items`, `is_negative`) per version and kept
per process. The statement receives the outcome for every version known to the process and uses the one of the
invitation's current version; when it does not know that version yet, it writes nothing and says which, and is run
again once the version is read. Anything else — an unknown or expired link, a response that exists (a second click),
a question or a value the outcome does not cover, a team lead to notify — is left to the service (None is returned
before anything is written, or the notifications are sent in the statement's transaction).
"""

from __future__ import annotations

import re
import threading
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from qadesk.accounts.models import Role
from qadesk.surveys.figures import is_negative
from qadesk.surveys.models import Question, ResponseSource, SurveyVersion
from qadesk.surveys.rollup import answer_items
from qadesk.surveys.schemas import condition_met

RATED = ("csat", "nps", "ces", "yes_no")
RAW = re.compile(r"^[0-9]{1,3}$")  # the ratings a link carries; anything else goes the service's way (and is refused)


@dataclass(frozen=True)
class Outcome:
    """A first click's effect in one version: the answer kept, the next question shown (None: finished), whether a
    response about an interaction is flagged."""

    version_id: int
    question_id: int
    kind: str
    value: int
    following: str | None
    closes_loop: bool


class _Versions:
    """Each version's questions in order, read once per process (versions never change); outcomes per (code, raw)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.questions: dict[int, list[Question]] = {}
        self.outcomes: dict[tuple[str, str], list[Outcome]] = {}

    def clear(self, **_kwargs: Any) -> None:
        with self.lock:
            self.questions.clear()
            self.outcomes.clear()

    def load(self, version_id: int) -> None:
        questions = list(Question.objects.filter(version_id=version_id).select_related("version").order_by("position"))
        with self.lock:
            self.questions[version_id] = questions
            self.outcomes.clear()

    def for_click(self, code: str, raw: str) -> list[Outcome]:
        found = self.outcomes.get((code, raw))
        if found is None:
            with self.lock:
                found = [o for questions in self.questions.values() if (o := click_outcome(questions, code, raw))]
                if len(self.outcomes) > 10_000:  # codes and ratings are few; never grow without bound
                    self.outcomes.clear()
                self.outcomes[(code, raw)] = found
        return found


VERSIONS = _Versions()
post_save.connect(VERSIONS.clear, sender=Question, dispatch_uid="one_click_questions_saved")
post_delete.connect(VERSIONS.clear, sender=Question, dispatch_uid="one_click_questions_deleted")
post_delete.connect(VERSIONS.clear, sender=SurveyVersion, dispatch_uid="one_click_versions_deleted")


def click_outcome(questions: list[Question], code: str, raw: str) -> Outcome | None:
    """What `invitation_one_click` does on a first click of (code, raw) for a version with these questions (in order),
    when it makes a response with one rating kept; None for every other case (the service handles those)."""
    from qadesk.core.errors import ApplicationError
    from qadesk.surveys.services import answer_parse, headline_question

    question = next((q for q in questions if q.code == code), None)
    if question is None or question.kind not in RATED or not RAW.match(raw):
        return None
    try:
        parsed = answer_parse(question=question, raw=raw)
    except ApplicationError:
        return None
    if parsed is None or parsed[0] is None:
        return None
    value, choices, text = parsed[0], parsed[1], parsed[2]
    answers = {question.code: value}
    if not condition_met(question.condition, answers):  # the service would drop the answer: not this statement's case
        return None
    if answer_items(question.kind, value, choices, bool(text)) != [str(value)]:
        return None
    following = next((q for q in questions if q.position > question.position and condition_met(q.condition, answers)), None)
    headline = headline_question(question.version, questions)
    closes = is_negative(question.kind, value) and headline is not None and headline.pk == question.pk
    return Outcome(question.version_id, question.pk, question.kind, value, following.code if following else None, closes)


# One statement, its own transaction. $-parameters by name; PostgreSQL plans it once per connection (prepared).
FIRST_CLICK = """
WITH inv AS (
    SELECT i.id, i.survey_id, i.sent_at, i.language, s.anonymous, n.id AS interaction_id,
           COALESCE(n.agent_id, 0) AS agent_id, COALESCE(n.team_id, 0) AS team_id, COALESCE(n.site_id, 0) AS site_id,
           COALESCE(n.channel, '') AS channel, COALESCE(n.label_id, 0) AS label_id, COALESCE(n.phase, '') AS phase,
           (SELECT v.id FROM surveys_surveyversion v WHERE v.survey_id = i.survey_id AND v.status = 'published'
            ORDER BY v.number DESC LIMIT 1) AS version_id
    FROM surveys_surveyinvitation i
    JOIN surveys_survey s ON s.id = i.survey_id
    LEFT JOIN interactions_interaction n ON n.id = i.interaction_id
    WHERE i.token = %(token)s AND (i.expires_at IS NULL OR i.expires_at > now())
    FOR UPDATE OF i
), click AS (
    SELECT inv.*, o.question_id, o.kind, o.value, o.completed,
           o.closes AND NOT inv.anonymous AND inv.interaction_id IS NOT NULL AS flagged,
           (now() AT TIME ZONE %(tz)s)::date AS day, (inv.sent_at AT TIME ZONE %(tz)s)::date AS sent_day,
           -- the response's cell: an anonymous survey's response has no interaction
           CASE WHEN inv.anonymous THEN 0 ELSE inv.agent_id END AS r_agent,
           CASE WHEN inv.anonymous THEN 0 ELSE inv.team_id END AS r_team,
           CASE WHEN inv.anonymous THEN 0 ELSE inv.site_id END AS r_site,
           CASE WHEN inv.anonymous THEN '' ELSE inv.channel END AS r_channel,
           CASE WHEN inv.anonymous THEN 0 ELSE inv.label_id END AS r_label,
           CASE WHEN inv.anonymous THEN '' ELSE inv.phase END AS r_phase
    FROM inv
    JOIN unnest(%(versions)s::bigint[], %(questions)s::bigint[], %(kinds)s::text[], %(values)s::int[],
                %(completed)s::bool[], %(closes)s::bool[])
         AS o(version_id, question_id, kind, value, completed, closes) ON o.version_id = inv.version_id
), response AS (
    INSERT INTO surveys_surveyresponse (survey_id, version_id, invitation_id, interaction_id, source, key, language,
        page_url, started_at, updated_at, completed_at, flagged_at, followup_owner_id, followed_up_at, followed_up_by_id,
        followup_note)
    SELECT c.survey_id, c.version_id, c.id, CASE WHEN c.anonymous THEN NULL ELSE c.interaction_id END, %(source)s, '',
           c.language, '', now(), now(), CASE WHEN c.completed THEN now() END, CASE WHEN c.flagged THEN now() END,
           CASE WHEN c.flagged AND c.team_id <> 0 THEN (
               SELECT u.id FROM accounts_user u WHERE u.role = %(lead)s AND u.team_id = c.team_id AND u.is_active
               ORDER BY u.id LIMIT 1) END,
           NULL, NULL, ''
    FROM click c
    ON CONFLICT (invitation_id) DO NOTHING
    RETURNING id, followup_owner_id
), answer AS (
    INSERT INTO surveys_surveyanswer (response_id, question_id, value, choices, text, answered_at)
    SELECT r.id, c.question_id, c.value, '[]'::jsonb, '', now() FROM response r, click c
    RETURNING id
), pending AS (  -- the rollup's changes, at level 1: `rollup.survey_rollup_fold` adds them to every level
    INSERT INTO surveys_surveyrolluppending (target, survey_id, day, agent_id, team_id, site_id, channel, label_id,
        phase, code, kind, item, n, m)
    SELECT 'a', c.survey_id, c.day, c.r_agent, c.r_team, c.r_site, c.r_channel, c.r_label, c.r_phase, %(code)s, c.kind,
           c.value::text, 1, 0
    FROM response r, click c WHERE (SELECT count(*) FROM answer) > 0
    UNION ALL
    SELECT 'r', c.survey_id, c.day, c.r_agent, c.r_team, c.r_site, c.r_channel, c.r_label, c.r_phase, '', '', '', 1, 0
    FROM response r, click c
    UNION ALL
    SELECT 'i', c.survey_id, c.sent_day, c.agent_id, c.team_id, c.site_id, c.channel, c.label_id, c.phase, '', '', '',
           0, 1
    FROM response r, click c WHERE c.sent_at IS NOT NULL
    RETURNING 1
)
SELECT inv.version_id, r.id, r.followup_owner_id FROM inv LEFT JOIN response r ON true
"""
# A low headline rating also flags the interaction. Only then: an UPDATE of the interactions, even of no row, fires their
# statement triggers (operations' contact links), which a click that cannot close the loop need not pay for.
FIRST_CLICK_FLAGGING = FIRST_CLICK.replace(
    "\n)\nSELECT inv.version_id,",
    """
), flag AS (
    UPDATE interactions_interaction SET customer_rating = %(negative)s
    WHERE id = (SELECT c.interaction_id FROM response r, click c WHERE c.flagged) AND (SELECT count(*) FROM pending) >= 0
    RETURNING 1
)
SELECT (SELECT count(*) FROM flag), inv.version_id,""",
)


class _Missing:
    """The statement did not know the invitation's version: read it, then run the statement again."""


def invitation_first_click(*, token: str, code: str, raw: str) -> tuple[bool, str | None]:
    """Record a first click in one statement (PostgreSQL). Returns (True, next question's code or None when the survey
    is finished) when it did, (False, None) when the service must handle the click (nothing was written)."""
    for _attempt in range(2):
        done = _run(token, code, raw)
        if not isinstance(done, _Missing):
            return done
    return False, None


def _run(token: str, code: str, raw: str) -> tuple[bool, str | None] | _Missing:
    outcomes = VERSIONS.for_click(code, raw)
    params = {
        "token": token,
        "tz": timezone.get_current_timezone_name(),
        "versions": [o.version_id for o in outcomes],
        "questions": [o.question_id for o in outcomes],
        "kinds": [o.kind for o in outcomes],
        "values": [o.value for o in outcomes],
        "completed": [o.following is None for o in outcomes],
        "closes": [o.closes_loop for o in outcomes],
        "source": ResponseSource.INVITATION.value,
        "lead": Role.TEAM_LEAD.value,
        "negative": "negative",
        "code": code,
    }
    closes = any(o.closes_loop for o in outcomes)
    # A flagged response may have team leads to notify, in the same transaction as the answer (as the service does).
    with transaction.atomic() if closes else nullcontext():
        row = _execute(FIRST_CLICK_FLAGGING if closes else FIRST_CLICK, params)
        if row is None:  # unknown or expired link: the service's page says so
            return False, None
        version_id, response_id, owner_id = row[-3:]
        if response_id is None:
            if version_id is None or any(o.version_id == version_id for o in outcomes):
                return False, None  # a response exists (a second click)
            if version_id not in VERSIONS.questions:  # (another thread may have read it since `outcomes` was made)
                VERSIONS.load(version_id)
            if click_outcome(VERSIONS.questions[version_id], code, raw) is None:
                return False, None  # a click the statement does not make: the service's
            return _Missing()
        outcome = next(o for o in outcomes if o.version_id == version_id)
        if owner_id is not None:
            _notify_leads(response_id, outcome)
    return True, outcome.following


def _execute(statement: str, params: dict[str, Any]) -> tuple[Any, ...] | None:
    """Run the statement on Django's connection. In a transaction (a click that may notify leads), after Django's health
    check as its own cursors do. Alone (its own transaction), without it — the check is a round trip per click: a
    connection broken meanwhile (the database restarted) fails the statement, and it is run once more on a new one.
    Nothing was kept if it failed before its commit; if only the answer to the commit was lost, the second run finds the
    response and writes nothing (the service then takes it as a second click of the same rating)."""
    if connection.in_atomic_block:
        connection.close_if_health_check_failed()
        return _fetch(statement, params)
    try:
        return _fetch(statement, params)
    except psycopg.OperationalError:
        if connection.is_usable():
            raise  # the statement failed, not the connection
        connection.close()
        return _fetch(statement, params)


def _fetch(statement: str, params: dict[str, Any]) -> tuple[Any, ...] | None:
    connection.ensure_connection()
    raw = connection.connection
    # Django turns psycopg's prepared statements off (prepare_threshold None) for transaction-mode poolers, and then
    # psycopg ignores prepare=True: the statement was parsed and planned at every click (~0.3 ms of the server's CPU).
    # A kept connection (CONN_MAX_AGE not 0: no such pooler, see settings) prepares it once; Django's own cursors bind
    # on the client and never prepare, and no other query reaches a count that would prepare it.
    if raw.prepare_threshold is None and connection.settings_dict["CONN_MAX_AGE"] != 0:
        raw.prepare_threshold = PREPARED_ONLY_WHEN_ASKED
    with psycopg.Cursor(raw) as cursor:  # server-side parameters, so the statement can be prepared
        cursor.execute(statement, params, prepare=raw.prepare_threshold is not None)  # type: ignore[arg-type]
        return cursor.fetchone()


PREPARED_ONLY_WHEN_ASKED = 2**31  # executions before psycopg would prepare a statement by itself: never in practice


def _notify_leads(response_id: int, outcome: Outcome) -> None:
    """The team leads' notifications of a flagged response (`services.response_leads_notify`, as
    `response_close_loop` sends them)."""
    from qadesk.surveys.models import SurveyResponse
    from qadesk.surveys.services import response_leads_notify, team_leads_of

    response = SurveyResponse.objects.select_related("survey", "interaction").get(pk=response_id)
    interaction = response.interaction
    assert interaction is not None and interaction.team_id is not None  # the statement found a lead of its team
    response_leads_notify(response=response, leads=team_leads_of(interaction), value=outcome.value)
