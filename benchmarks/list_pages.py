"""Benchmark: the interaction and review lists (pages and API) at 1,000,000 interactions on PostgreSQL (issue 13).

    .venv/bin/python benchmarks/list_pages.py [--interactions 1000000] [--repeat 5] [--keep] [--reuse] [--db-name NAME]

Creates a throwaway database (qadesk_bench_lists on 127.0.0.1:5432, user postgres; BENCH_PG_URL overrides the server,
--db-name or BENCH_DB_NAME the name), migrates, installs the default scorecard, 2 sites, 10 teams, 200 agents, a QA lead
and 10 reviewers, then fills with `INSERT … SELECT generate_series`: the interactions (90 days, 5 channels, 2 languages,
a subject, a customer rating on a third, a complaint on 1 %), one handler each, a submitted review on every 20th
(50,000 at 1M) and an open assignment on every 100th not reviewed; then --messages messages per interaction (10 by
default; 0: none) in the interaction's language (a topic per interaction — refund, late parcel, address, damage — in
its first two messages, an order number in the first, small talk in the rest, every 50th interaction one English
message), with the search columns the trigger of migration interactions 0014 writes (computed in the INSERT, the
trigger off: each repeated body's vector made once; 3× faster than through the trigger at 100,000), the search index built
afterwards; then `VACUUM ANALYZE`.

The message search ("text=") is also timed as hand-written SQL: the page's 50 rows and its capped count, with the same
full-text condition (`HAND_SQL_TEXT`), measured in the same run; the JSON gives each page's ratio to it.

Then, in-process (Django's test client, no HTTP), as the QA lead (every interaction: the largest lists), each URL below
once to warm up and --repeat times: the median and the slowest wall time. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")

URLS = [
    "/interactions/",
    "/interactions/?page=150",
    "/interactions/?size=100&sort=external_id",
    "/interactions/?sort=-team",
    "/interactions/?sort=agent",
    "/interactions/?sort=-messages",
    "/interactions/?team={team}",
    "/interactions/?agent={agent}",
    "/interactions/?reviewed=no",
    "/interactions/?reviewed=yes",
    "/interactions/?assigned=yes",
    "/interactions/?customer_rating=negative&complaint=yes",
    "/interactions/?q=S-12345",
    "/interactions/?q=rimborso",
    "/interactions/?date_from={day}&date_to={day}",
    "/interactions/?text=rimborsi",
    "/interactions/?text=grazie",
    "/interactions/?text={order}",
    '/interactions/?text="ordine annullato"',
    "/interactions/?text=rimborso -annullato",
    "/interactions/?text=refunds",
    "/interactions/?text=zanzibar",
    "/interactions/?text=rimborsi&channel=chat",
    "/reviews/",
    "/reviews/?sort=-score",
    "/reviews/?sort=date",
    "/reviews/?score_max=60",
    "/reviews/?team={team}&sort=-score",
    "/reviews/?date_from={day}&date_to={day}",
    "/api/v1/interactions",
    "/api/v1/interactions?sort=-messages",
    "/api/v1/interactions?reviewed=false&team={team}",
    "/api/v1/interactions?text={order}",
    "/api/v1/interactions?text=rimborsi",
    "/api/v1/reviews",
    "/api/v1/reviews?sort=-score",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--db-name", default=os.environ.get("BENCH_DB_NAME", "qadesk_bench_lists"))
    parser.add_argument("--messages", type=int, default=10, help="messages per interaction (0: none, no text search)")
    args = parser.parse_args()
    name = args.db_name
    fill = None
    if not args.reuse:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _admin(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = f"{BASE_URL}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qadesk.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    try:
        if not args.reuse:
            fill = _fill(args.interactions, name, args.messages)
        else:
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
        results = _measure(args.repeat, with_messages=args.messages > 0)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    summary = {"benchmark": "list_pages", "interactions": args.interactions, "messages_per_interaction": args.messages}
    print(json.dumps({**summary, "fill_s": fill, **results}, indent=1))


def _admin(sql: str) -> None:
    with psycopg.connect(f"{BASE_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _fill(interactions: int, name: str, messages: int = 0) -> dict[str, float]:
    from django.core.management import call_command
    from django.db import connection

    from qadesk.accounts.models import Agent, Role, Site, Team, User
    from qadesk.scorecards.services import scorecard_install_default

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    version = scorecard_install_default()
    sites = [Site.objects.create(name=n) for n in ("Milano", "Lyon")]
    teams = [Team.objects.create(name=f"Team {i}", site=sites[i % 2]) for i in range(10)]
    agents = [
        Agent.objects.create(username=f"agent{i:03d}", display_name=f"Agent {i:03d}", team=teams[i % 10], site=teams[i % 10].site)
        for i in range(200)
    ]
    User.objects.create_user(username="lead", password="x", role=Role.QA_LEAD)  # noqa: S106
    reviewers = [
        User.objects.create_user(username=f"reviewer{i}", password="x", role=Role.REVIEWER, first_name=f"R{i}")  # noqa: S106
        for i in range(10)
    ]
    lead = User.objects.get(username="lead")
    agent_ids = ",".join(str(a.pk) for a in agents)
    team_ids = ",".join(str(a.team_id) for a in agents)
    site_ids = ",".join(str(a.site_id) for a in agents)
    reviewer_ids = ",".join(str(r.pk) for r in reviewers)
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO interactions_interaction (external_id, source, channel, language, subject, phase, status, created_at,
                abandoned, reopens, customer_rating, complaint, message_count, imported_at, agent_id, team_id, site_id,
                custom_fields, tags)
            SELECT 'S-' || i, 'bench', (ARRAY['phone','email','chat','social','self_service'])[1 + (i / 7) % 5],
                (ARRAY['it','fr'])[1 + (i / 270) % 2],  -- both languages every day (i / 3 made each day one language)
                (ARRAY['Richiesta di rimborso','Ordine in ritardo','Problème de livraison','Changement d''adresse'])[1 + i % 4]
                    || ' #' || i,
                (ARRAY['demand','purchase','delivery','reception','evaluation'])[1 + (i / 11) % 5], 'resolved',
                TIMESTAMPTZ '2026-09-01 08:00+02' + (i % 90) * INTERVAL '1 day' + (i * 37 % 36000) * INTERVAL '1 second',
                false, 0, (ARRAY['','','positive','neutral','negative',''])[1 + i % 6], i % 100 = 7, 1 + i % 12, now(),
                (ARRAY[{agent_ids}])[1 + i % 200], (ARRAY[{team_ids}])[1 + i % 200], (ARRAY[{site_ids}])[1 + i % 200],
                '{{}}', '[]'
            FROM generate_series(1, {interactions}) AS i
        """)
        cursor.execute("""
            INSERT INTO interactions_interactionagent (interaction_id, agent_id, position)
            SELECT id, agent_id, 0 FROM interactions_interaction
        """)
        cursor.execute(f"""
            INSERT INTO reviews_review (interaction_id, agent_id, reviewer_id, scorecard_version_id, status, comment, score,
                high_impact_errors, low_impact_errors, created_at, updated_at, submitted_at,
                revision, original_score, original_high_impact_errors, original_low_impact_errors, scores_locked)
            SELECT id, agent_id, (ARRAY[{reviewer_ids}])[1 + id % 10], {version.pk}, 'submitted', '', s.score,
                CASE WHEN s.score < 60 THEN 1 ELSE 0 END, CASE WHEN s.score < 85 THEN 1 ELSE 0 END,
                created_at, created_at, created_at + INTERVAL '1 day', 1, s.score, 0, 0, false
            FROM (SELECT id, agent_id, created_at, round((40 + (id * 7919 % 6000) / 100.0)::numeric, 2)::float8 AS score
                  FROM interactions_interaction WHERE id % 20 = 0) AS s
        """)
        cursor.execute(f"""
            INSERT INTO reviews_reviewassignment (interaction_id, reviewer_id, assigned_by_id, status, created_at)
            SELECT id, (ARRAY[{reviewer_ids}])[1 + id % 10], {lead.pk}, 'open', now()
            FROM interactions_interaction WHERE id % 100 = 3
        """)
    filled = time.perf_counter()
    if messages:
        _fill_messages(connection, messages)
    messages_done = time.perf_counter()
    connection.close()
    with psycopg.connect(f"{BASE_URL}/{name}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    ended = time.perf_counter()
    return {
        "total": round(ended - started, 1),
        "messages_with_index": round(messages_done - filled, 1),
        "vacuum_analyze": round(ended - messages_done, 1),
    }


# Messages by language: the topic's opening (customer) and answer (agent), then small talk. %s: the order number.
_TOPICS = {
    "it": [
        ("Vorrei un rimborso per l''ordine annullato n. ", "Le confermo che il rimborso è stato emesso oggi"),
        ("Il pacco dell''ordine n. ", "I pacchi in ritardo arrivano di solito in due giorni"),
        ("Posso cambiare l''indirizzo di consegna dell''ordine n. ", "Ho aggiornato l''indirizzo"),
        ("Ho ricevuto un prodotto danneggiato, ordine n. ", "Le spediamo subito la sostituzione"),
    ],
    "fr": [
        ("Je souhaite un remboursement pour la commande annulée n° ", "Je vous confirme que le remboursement est fait"),
        ("Le colis de la commande n° ", "Les colis en retard arrivent en général en deux jours"),
        ("Puis-je changer l''adresse de livraison de la commande n° ", "J''ai mis à jour l''adresse"),
        ("J''ai reçu un produit endommagé, commande n° ", "Nous vous envoyons un échange aujourd''hui"),
    ],
}
_SMALL_TALK = {
    "it": ["Buongiorno", "Grazie mille", "Un attimo, verifico", "Posso aiutarla in altro?", "No, è tutto", "Buona giornata"],
    "fr": ["Bonjour", "Merci beaucoup", "Un instant, je vérifie", "Puis-je vous aider ?", "Non, c''est tout", "Bonne journée"],
}


def _fill_messages(connection: Any, messages: int) -> None:
    """`messages` per interaction with the search columns the trigger of migration interactions 0014 would write
    (filled in the INSERT itself, the trigger off, each repeated body's vector made once), the index built afterwards
    (CREATE INDEX, as migration 0014 builds it on existing rows)."""

    def sql_array(texts: list[str]) -> str:
        return "ARRAY[" + ",".join(f"'{t}'" for t in texts) + "]"

    openings = {lang: sql_array([o for o, _a in topics]) for lang, topics in _TOPICS.items()}
    answers = {lang: sql_array([a for _o, a in topics]) for lang, topics in _TOPICS.items()}
    talk = {lang: sql_array(texts) for lang, texts in _SMALL_TALK.items()}

    def by_language(arrays: dict[str, str], index: str) -> str:
        return f"CASE i.language WHEN 'it' THEN ({arrays['it']})[{index}] ELSE ({arrays['fr']})[{index}] END"

    english = "Sorry, in English: the refunds were never received"
    constants = [(lang, text) for lang in ("it", "fr") for text in [a for _o, a in _TOPICS[lang]] + _SMALL_TALK[lang]]
    constants.append(("en", english.replace("'", "''")))
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS message_search")
        # The vectors of the bodies every interaction repeats (answers, small talk), made once each with the very
        # to_tsvector call the trigger makes; the opening (an order number: different in every interaction) is made per
        # row. The trigger is off meanwhile: the INSERT writes the same search_config and search_vector it would.
        cursor.execute("CREATE TEMPORARY TABLE bench_vectors (config regconfig, body text, vector tsvector)")
        cursor.execute(
            "INSERT INTO bench_vectors SELECT c, b, to_tsvector(c, b) FROM (VALUES "
            + ",".join(f"(interactions_search_config('{lang}'), '{text}')" for lang, text in constants)
            + ") AS v (c, b)"
        )
        cursor.execute("ALTER TABLE interactions_message DISABLE TRIGGER interactions_message_search")
        cursor.execute(f"""
            INSERT INTO interactions_message (interaction_id, position, author_role, agent_id, sent_at, body, body_format,
                is_public, language, event_name, translation, translation_language, search_config, search_vector)
            SELECT m.interaction_id, m.position, m.author_role, m.agent_id, m.sent_at, m.body, 'text', true, m.language,
                '', '', '', m.config, coalesce(k.vector, to_tsvector(m.config, m.body))
            FROM (
                SELECT i.id AS interaction_id, p AS position,
                    CASE WHEN p % 2 = 0 THEN 'customer' ELSE 'agent' END AS author_role,
                    CASE WHEN p % 2 = 1 THEN i.agent_id END AS agent_id, i.created_at + p * INTERVAL '1 minute' AS sent_at,
                    CASE
                        WHEN p = 0 THEN {by_language(openings, "1 + i.id % 4")} || (100000 + i.id * 7)
                        WHEN p = 1 THEN {by_language(answers, "1 + i.id % 4")}
                        WHEN p = 9 AND i.id % 50 = 0 THEN '{english}'
                        ELSE {by_language(talk, "1 + (i.id + p * 5) % 6")}
                    END AS body,
                    CASE WHEN p = 9 AND i.id % 50 = 0 THEN 'en' ELSE '' END AS language,
                    interactions_search_config(CASE WHEN p = 9 AND i.id % 50 = 0 THEN 'en' ELSE i.language END) AS config
                FROM interactions_interaction i CROSS JOIN generate_series(0, {messages - 1}) AS p
            ) AS m LEFT JOIN bench_vectors k ON k.config = m.config AND k.body = m.body
        """)
        cursor.execute("ALTER TABLE interactions_message ENABLE TRIGGER interactions_message_search")
        cursor.execute("CREATE INDEX message_search ON interactions_message USING gin (search_vector)")


# The message search written by hand: the first page (50 rows, newest first) and the capped count, with the same
# full-text condition the selector builds (one alternative per text search configuration).
_CONDITION = " OR ".join(
    f"(m.search_config = '{c}'::regconfig AND m.search_vector @@ websearch_to_tsquery('{c}', %(text)s))"
    for c in ("italian", "french", "english", "simple")
)
HAND_SQL_TEXT = [
    f"""SELECT i.id, i.external_id, i.subject, i.created_at, i.channel, i.language, i.status, i.message_count
        FROM interactions_interaction i
        WHERE EXISTS (SELECT 1 FROM interactions_message m WHERE m.interaction_id = i.id AND ({_CONDITION}))
        ORDER BY i.created_at DESC, i.id DESC LIMIT 50""",
    f"""SELECT count(*) FROM (SELECT 1 FROM interactions_interaction i
        WHERE EXISTS (SELECT 1 FROM interactions_message m WHERE m.interaction_id = i.id AND ({_CONDITION}))
        LIMIT 10001) AS capped""",
]
HAND_SQL_IDS = [
    f"SELECT m.interaction_id FROM interactions_message m WHERE ({_CONDITION}) LIMIT 20001",
    """SELECT i.id, i.external_id, i.subject, i.created_at, i.channel, i.language, i.status, i.message_count
        FROM interactions_interaction i WHERE i.id = ANY(%(ids)s)
        ORDER BY i.created_at + INTERVAL '0 s' DESC, i.id DESC LIMIT 50""",
    "SELECT count(*) FROM (SELECT 1 FROM interactions_interaction i WHERE i.id = ANY(%(ids)s) LIMIT 10001) AS capped",
]


def _hand_exists(connection: Any, text: str) -> list[Any]:
    """The page and its capped count, one EXISTS per interaction (the planner picks the join)."""
    with connection.cursor() as cursor:
        found = []
        for sql in HAND_SQL_TEXT:
            cursor.execute(sql, {"text": text})
            found.append(cursor.fetchall())
    return found


def _hand_ids_first(connection: Any, text: str) -> list[Any]:
    """The matching messages' interaction ids first (GIN index), then the page and the count by id; the EXISTS form
    when more than 20,000 messages match."""
    with connection.cursor() as cursor:
        cursor.execute(HAND_SQL_IDS[0], {"text": text})
        ids = sorted({row[0] for row in cursor.fetchall()})
        if len(ids) > 20000:
            return _hand_exists(connection, text)
        found = []
        for sql in HAND_SQL_IDS[1:]:
            cursor.execute(sql, {"ids": ids})
            found.append(cursor.fetchall())
    return found


def _time(repeat: int, run: Any, *args: Any) -> tuple[float, Any]:
    """The median wall time of `run(*args)` over `repeat` runs, and what it returned last."""
    times, found = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        found = run(*args)
        times.append(time.perf_counter() - began)
    return statistics.median(times), found


def _measure(repeat: int, *, with_messages: bool = True) -> dict[str, Any]:
    from urllib.parse import parse_qs, urlsplit

    from django.db import connection
    from django.test import Client

    from qadesk.accounts.models import Agent, Team, User
    from qadesk.accounts.services import api_token_create
    from qadesk.interactions.models import Interaction

    lead = User.objects.get(username="lead")
    page = Client()
    page.force_login(lead)
    _token, key = api_token_create(user=lead, name="bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    day = Interaction.objects.order_by("-created_at").values_list("created_at", flat=True).first()
    values = {
        "team": Team.objects.order_by("pk").first().pk,  # type: ignore[union-attr]
        "agent": Agent.objects.order_by("pk").first().pk,  # type: ignore[union-attr]
        "day": day.date().isoformat() if day else "2026-11-01",
        "order": 100000 + 7 * ((Interaction.objects.order_by("pk").values_list("pk", flat=True).first() or 1) + 123),
    }
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    timings: dict[str, Any] = {}
    for template in URLS:
        url = template.format(**values)
        query = parse_qs(urlsplit(url).query)
        if "text" in query and not with_messages:
            continue
        client = api if url.startswith("/api/") else page
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - began)
        timing: dict[str, Any] = {"median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3)}
        if "text" in query and len(query) == 1 and not url.startswith("/api/"):
            text = query["text"][0]
            hand, found = _time(repeat, _hand_exists, connection, text)
            by_ids, _found = _time(repeat, _hand_ids_first, connection, text)
            best = min(hand, by_ids)
            timing["hand_sql_exists_median_s"] = round(hand, 3)
            timing["hand_sql_ids_first_median_s"] = round(by_ids, 3)
            timing["ratio_to_hand_sql"] = round(statistics.median(times) / max(best, 1e-6), 2)
            timing["rows_on_page"], timing["matching_capped"] = len(found[0]), found[1][0][0]
        timings[template] = timing
    load = Path("/proc/loadavg").read_text().split()[:3]
    return {
        "load_average_before": load_before,
        "load_average": load,
        "python": platform.python_version(),
        "repeat": repeat,
        "timings": timings,
    }


if __name__ == "__main__":
    main()
