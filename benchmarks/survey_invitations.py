"""Benchmark: survey invitations rendered and handed to a local SMTP sink (aiosmtpd, started by this script) by the
batch sender (`invitation_emails_send`: claim due invitations a batch at a time, check the opt-outs, render each kind
of e-mail once and fill in every token, send the batch over one SMTP connection, mark the sent ones in one UPDATE and
count them in the results' rollup); with --one-by-one N, first N of them through the per-invitation job's path
(`invitation_email`) for comparison.

    .venv/bin/python benchmarks/survey_invitations.py [--invitations 2000] [--reference 500] [--batch 500]
                                                      [--one-by-one 0] [--db-name NAME] [--keep]

Creates a throwaway PostgreSQL database (qadesk_bench_invitations on 127.0.0.1:5432, user postgres; BENCH_PG_URL
overrides the server), migrates, installs the survey templates and writes --invitations due e-mail invitations to the
post-contact survey about as many interactions (INSERT … SELECT). References, in the same run: --reference sends of one
e-mail rendered once, a connection per message (what the per-invitation job opens), then over one connection (the
cost of the SMTP handoff alone).

Prints JSON: invitations/s, the references' messages/s and the ratios, the messages the sink received, the invitations
marked sent, the rollup's differences from the invitations (0), load averages. Goal (issue 8): 100,000 invitations at
≥ 1,000/s. Exit 1 when a message or a sent mark is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


class Sink:
    """Counts the messages handed over (and drops them)."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        return "250 OK"


def _admin(sql: str) -> None:
    with psycopg.connect(f"{BASE_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invitations", type=int, default=2000)
    parser.add_argument("--reference", type=int, default=500, help="Sends of the pre-rendered e-mail (reference).")
    parser.add_argument("--one-by-one", type=int, default=0, help="Of the invitations, send this many the old way first.")
    parser.add_argument("--batch", type=int, default=500, help="The batch sender's batch size.")
    parser.add_argument("--db-name", default=os.environ.get("BENCH_DB_NAME", "qadesk_bench_invitations"))
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    from aiosmtpd.controller import Controller

    sink = Sink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    _admin(f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{args.db_name}"')
    os.environ.update(
        DATABASE_URL=f"{BASE_URL}/{args.db_name}",
        DJANGO_SETTINGS_MODULE="qadesk.settings",
        QADESK_SMTP_HOST="127.0.0.1",
        QADESK_SMTP_PORT=str(port),
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    report: dict[str, Any] = {
        "benchmark": "survey_invitations",
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        ids = _setup(args.invitations)
        report.update(_measure(ids, args.reference, sink, args.one_by_one, args.batch))
    finally:
        from django.db import connections

        connections.close_all()
        controller.stop()
        if not args.keep:
            _admin(f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=2))
    if report["sink_received"] != args.invitations + 2 * args.reference or report["marked_sent"] != args.invitations:
        sys.exit("a message or a sent mark is missing")


def _setup(n: int) -> list[int]:
    from django.core.management import call_command
    from django.db import connection

    from qadesk.accounts.models import Agent, Site, Team
    from qadesk.surveys.models import Survey
    from qadesk.surveys.services import survey_templates_install

    call_command("migrate", verbosity=0)
    survey_templates_install()
    survey = Survey.objects.get(kind="post_contact")
    site = Site.objects.create(name="Milano")
    teams = [Team.objects.create(name=f"Team {i}", site=site) for i in range(4)]
    agents = [
        Agent.objects.create(username=f"agent{i:02d}", display_name=f"Agent {i:02d}", team=teams[i // 10], site=site)
        for i in range(40)
    ]
    agent_ids = ",".join(str(a.pk) for a in agents)
    team_ids = ",".join(str(a.team_id) for a in agents)
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO interactions_interaction (external_id, source, channel, language, subject, phase, status,
                created_at, abandoned, message_count, imported_at, agent_id, team_id, site_id, custom_fields, tags)
            SELECT 'I-' || i, 'bench', 'email', (ARRAY['it','fr','en'])[1 + i % 3], '', 'evaluation', 'resolved',
                now() - INTERVAL '1 day', false, 2, now(), (ARRAY[{agent_ids}])[1 + i % 40],
                (ARRAY[{team_ids}])[1 + i % 40], {site.pk}, '{{}}', '[]'
            FROM generate_series(1, {n}) AS i
        """)
        cursor.execute(f"""
            INSERT INTO surveys_surveyinvitation (survey_id, interaction_id, token, language, email, created_at,
                expires_at, email_attempts, email_error, email_retry_at)
            SELECT {survey.pk}, id, md5(random()::text || id) || md5(id::text || random()::text), language,
                'customer' || id || '@example.com', now(), now() + INTERVAL '30 days', 0, '', now()
            FROM interactions_interaction WHERE source = 'bench' ORDER BY id
        """)
        cursor.execute("SELECT id FROM surveys_surveyinvitation ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def _measure(ids: list[int], reference: int, sink: Sink, one_by_one: int, batch: int) -> dict[str, Any]:
    from django.core.mail import EmailMultiAlternatives, get_connection

    from qadesk.surveys.emails import invitation_email, invitation_email_content, invitation_emails_send
    from qadesk.surveys.models import SurveyInvitation
    from qadesk.surveys.rollup import survey_rollup_rebuild, survey_rollup_verify

    survey_rollup_rebuild()  # the invitations were written in SQL: none is sent yet, so the rollup is empty
    subject, text, html = invitation_email_content(invitation=SurveyInvitation.objects.select_related("survey").get(pk=ids[0]))

    def message() -> EmailMultiAlternatives:
        made = EmailMultiAlternatives(subject, text, None, ["customer@example.com"])
        made.attach_alternative(html, "text/html")
        return made

    started = time.perf_counter()
    for _ in range(reference):
        message().send()
    reference_seconds = time.perf_counter() - started
    started = time.perf_counter()
    smtp = get_connection()
    smtp.open()
    for _ in range(reference):
        smtp.send_messages([message()])
    smtp.close()
    reference_one_seconds = time.perf_counter() - started
    report: dict[str, Any] = {"invitations": len(ids), "batch": batch}
    if one_by_one:
        started = time.perf_counter()
        old_sent = sum(invitation_email(invitation_id=pk) for pk in ids[:one_by_one])
        old_seconds = time.perf_counter() - started
        report["one_by_one"] = {"invitations": one_by_one, "sent": old_sent, "per_second": round(one_by_one / old_seconds, 1)}
    rest = len(ids) - one_by_one
    started = time.perf_counter()
    sent = invitation_emails_send(batch=batch)
    seconds = time.perf_counter() - started
    time.sleep(0.5)  # the sink's last message
    per_second = rest / seconds
    reference_per_second = reference / reference_seconds if reference else None
    reference_one = reference / reference_one_seconds if reference else None
    report.update(
        {
            "batched": rest,
            "seconds": round(seconds, 2),
            "per_second": round(per_second, 1),
            "reference_messages": reference,
            "reference_per_second": round(reference_per_second, 1) if reference_per_second else None,
            "reference_one_connection_per_second": round(reference_one, 1) if reference_one else None,
            "ratio_to_reference": round(per_second / reference_per_second, 3) if reference_per_second else None,
            "ratio_to_one_connection_reference": round(per_second / reference_one, 3) if reference_one else None,
            "sent_by_job": sent,
            "sink_received": sink.received,
            "marked_sent": SurveyInvitation.objects.filter(sent_at__isnull=False).count(),
            "rollup_differences": len(survey_rollup_verify()),
            "goal_met": per_second >= 1000 and sent == rest,
        }
    )
    return report


if __name__ == "__main__":
    main()
