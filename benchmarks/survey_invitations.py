"""Benchmark: survey invitations rendered and handed to a local SMTP sink (started by this script) by the batch sender
(`invitation_emails_send`: claim due invitations a batch at a time, check the opt-outs, render and build each kind of
e-mail once and copy it for every token, send the batch over --connections SMTP connections at once, mark the sent ones
in one UPDATE and count them in the results' rollup); with --one-by-one N, first N of them through the per-invitation
job's path (`invitation_email`) for comparison.

    .venv/bin/python benchmarks/survey_invitations.py [--invitations 2000] [--reference 500] [--batch 500]
        [--connections 4] [--sink aiosmtpd|minimal] [--sink-processes 0] [--code DIR]
        [--one-by-one 0] [--db-name NAME] [--keep]

The sink: aiosmtpd in a thread of this process (--sink-processes 0, the default, as before), or --sink-processes N
processes sharing one port (SO_REUSEPORT) running aiosmtpd or a minimal asyncio SMTP server (--sink minimal: answers
each command and counts the messages, nothing else) — so the sink does not share this process's interpreter lock.
--code DIR imports qadesk from DIR (e.g. a `git archive` of an older commit) to measure older code with this script.

Creates a throwaway PostgreSQL database (qadesk_bench_invitations on 127.0.0.1:5432, user postgres; BENCH_PG_URL
overrides the server), migrates, installs the survey templates and writes --invitations due e-mail invitations to the
post-contact survey about as many interactions (INSERT … SELECT). References, in the same run and to the same sink:
--reference sends with smtplib's `sendmail` of one invitation's e-mail built beforehand as bytes, over one connection,
then over --connections connections at once (threads) — the cost of the SMTP hand-off alone.

Prints JSON: invitations/s, the references' messages/s and the ratios, the messages the sink received, the invitations
marked sent, the rollup's differences from the invitations (0), load averages. Goal (issue 8): 100,000 invitations at
≥ 1,000/s. Exit 1 when a message or a sent mark is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import smtplib
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


class Sink:
    """Counts the messages handed over (and drops them)."""

    def __init__(self, counter: Any = None) -> None:
        self.received = 0
        self.counter = counter

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        if self.counter is not None:
            with self.counter.get_lock():
                self.counter.value += 1
        return "250 OK"


class MinimalSMTP(asyncio.Protocol):
    """Just enough SMTP for smtplib's sendmail: answers every command, counts each message after DATA, keeps nothing."""

    def __init__(self, counter: Any) -> None:
        self.counter = counter
        self.buffer = b""
        self.in_data = False

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        transport.write(b"220 sink ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    return
                self.buffer, self.in_data = self.buffer[end + 5 :], False
                with self.counter.get_lock():
                    self.counter.value += 1
                self.transport.write(b"250 OK\r\n")
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                return
            verb, self.buffer = self.buffer[:4].upper(), self.buffer[end + 2 :]
            if verb == b"EHLO":
                self.transport.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                self.in_data = True
                self.transport.write(b"354 go on\r\n")
            elif verb == b"QUIT":
                self.transport.write(b"221 bye\r\n")
                self.transport.close()
                return
            else:
                self.transport.write(b"250 OK\r\n")


def _sink_process(kind: str, port: int, counter: Any, ready: Any) -> None:
    async def serve() -> None:
        loop = asyncio.get_running_loop()
        if kind == "minimal":
            factory: Any = lambda: MinimalSMTP(counter)  # noqa: E731
        else:
            from aiosmtpd.smtp import SMTP

            handler = Sink(counter)
            factory = lambda: SMTP(handler)  # noqa: E731
        server = await loop.create_server(factory, "127.0.0.1", port, reuse_port=True)
        ready.release()
        await server.serve_forever()

    asyncio.run(serve())


class SinkProcesses:
    """N sink processes listening on one port (the kernel spreads the connections)."""

    def __init__(self, kind: str, processes: int, port: int) -> None:
        context = multiprocessing.get_context("fork")
        self.counter = context.Value("q", 0)
        ready = context.Semaphore(0)
        self.processes = [
            context.Process(target=_sink_process, args=(kind, port, self.counter, ready), daemon=True) for _ in range(processes)
        ]
        for process in self.processes:
            process.start()
        for _ in self.processes:
            ready.acquire()

    @property
    def received(self) -> int:
        return int(self.counter.value)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
            process.join()


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
    parser.add_argument("--reference", type=int, default=500, help="Sends of the pre-built e-mail (reference).")
    parser.add_argument("--one-by-one", type=int, default=0, help="Of the invitations, send this many the old way first.")
    parser.add_argument("--batch", type=int, default=500, help="The batch sender's batch size.")
    parser.add_argument("--connections", type=int, default=4, help="SMTP connections at once (QADESK_SMTP_CONNECTIONS).")
    parser.add_argument("--sink", choices=("aiosmtpd", "minimal"), default="aiosmtpd")
    parser.add_argument("--sink-processes", type=int, default=0, help="0: aiosmtpd in a thread of this process.")
    parser.add_argument("--code", type=Path, default=ROOT, help="Import qadesk from here (an older commit's files).")
    parser.add_argument("--db-name", default=os.environ.get("BENCH_DB_NAME", "qadesk_bench_invitations"))
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    port = _free_port()
    sink: Any
    if args.sink_processes:
        sink = SinkProcesses(args.sink, args.sink_processes, port)
    else:
        from aiosmtpd.controller import Controller

        sink = Sink()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        sink.stop = controller.stop
    _admin(f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{args.db_name}"')
    os.environ.update(
        DATABASE_URL=f"{BASE_URL}/{args.db_name}",
        DJANGO_SETTINGS_MODULE="qadesk.settings",
        QADESK_SMTP_HOST="127.0.0.1",
        QADESK_SMTP_PORT=str(port),
    )
    sys.path.insert(0, str(args.code.resolve()))
    import django

    django.setup()
    from django.conf import settings

    import qadesk

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.QADESK_SMTP_CONNECTIONS = args.connections
    report: dict[str, Any] = {
        "benchmark": "survey_invitations",
        "code": str(Path(qadesk.__file__).resolve().parent.parent),
        "sink": f"{args.sink} in {args.sink_processes} processes" if args.sink_processes else "aiosmtpd in this process",
        "connections": args.connections,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        ids = _setup(args.invitations)
        report.update(_measure(ids, args.reference, sink, args.one_by_one, args.batch, args.connections))
    finally:
        from django.db import connections

        connections.close_all()
        sink.stop()
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


def _reference(data: bytes, count: int, connections: int) -> float:
    """Messages/s: smtplib's sendmail of ready bytes, `count` times over `connections` connections at once."""
    from django.conf import settings

    share = [count // connections + (n < count % connections) for n in range(connections)]

    def send(n: int) -> None:
        smtp = smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT)
        for i in range(n):
            smtp.sendmail("qadesk@localhost", [f"reference{i}@example.com"], data)
        smtp.quit()

    started = time.perf_counter()
    threads = [threading.Thread(target=send, args=(n,)) for n in share]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count / (time.perf_counter() - started)


def _measure(ids: list[int], reference: int, sink: Any, one_by_one: int, batch: int, connections: int) -> dict[str, Any]:
    from django.core.mail import EmailMultiAlternatives

    from qadesk.surveys.emails import invitation_email, invitation_email_content, invitation_emails_send
    from qadesk.surveys.models import SurveyInvitation
    from qadesk.surveys.rollup import survey_rollup_rebuild, survey_rollup_verify

    survey_rollup_rebuild()  # the invitations were written in SQL: none is sent yet, so the rollup is empty
    first = SurveyInvitation.objects.select_related("survey").get(pk=ids[0])
    subject, text, html = invitation_email_content(invitation=first)
    made = EmailMultiAlternatives(subject, text, None, [first.email])
    made.attach_alternative(html, "text/html")
    data = made.message().as_bytes(linesep="\r\n")
    reference_one = _reference(data, reference, 1) if reference else None
    reference_parallel = _reference(data, reference, connections) if reference else None
    report: dict[str, Any] = {"invitations": len(ids), "batch": batch, "message_bytes": len(data)}
    if one_by_one:
        started = time.perf_counter()
        old_sent = sum(invitation_email(invitation_id=pk) for pk in ids[:one_by_one])
        old_seconds = time.perf_counter() - started
        report["one_by_one"] = {"invitations": one_by_one, "sent": old_sent, "per_second": round(one_by_one / old_seconds, 1)}
    rest = len(ids) - one_by_one
    cpu = time.process_time()
    started = time.perf_counter()
    sent = invitation_emails_send(batch=batch)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    time.sleep(0.5)  # the sink's last message
    per_second = rest / seconds
    report.update(
        {
            "batched": rest,
            "seconds": round(seconds, 2),
            "per_second": round(per_second, 1),
            "sender_cpu_ms_per_invitation": round(1000 * cpu / rest, 3),
            "reference_messages": reference,
            "reference_one_connection_per_second": round(reference_one, 1) if reference_one else None,
            "reference_parallel_per_second": round(reference_parallel, 1) if reference_parallel else None,
            "ratio_to_one_connection_reference": round(per_second / reference_one, 3) if reference_one else None,
            "ratio_to_parallel_reference": round(per_second / reference_parallel, 3) if reference_parallel else None,
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
