"""Benchmark: a Zendesk connector sync of N tickets from a local stand-in, end to end, into PostgreSQL.

    .venv/bin/python benchmarks/connector_sync.py [--n 100000] [--per-page 1000] [--keep]

Starts a stand-in Zendesk in a separate process (127.0.0.1, a free port) that answers the cursor-based
incremental ticket export (`per-page` tickets a page, with the `users` and `metric_sets` side-loads) and each
ticket's comments (2–6 comments, public and private, customer and agent), generated deterministically from the
ticket id, in the documented shapes of qadesk/connectors/tests/fixtures. Creates a throwaway database
(qadesk_bench_connectors on 127.0.0.1:5432, user postgres; BENCH_PG_URL overrides the server), migrates it, then
times `connector_sync()` — the code path of `qadesk connectors sync NAME` and of the scheduled job: HTTP
requests, JSON decoding, mapping, the import service, the cursor saved per page. Prints JSON with tickets/s,
messages/s, requests/s and the machine's load. The database is dropped afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from bench_pg import django_on, machine

DB_NAME = os.environ.get("BENCH_DB", "qadesk_bench_connectors")  # another name when several runs share a server
START = datetime(2026, 7, 1, tzinfo=UTC)
CHANNELS = ["email", "web", "chat", "voice", "twitter"]
STATUSES = ["new", "open", "pending", "solved", "closed"]
LINES = [
    "Buongiorno, il mio ordine #{id} non è ancora arrivato.",
    "Bonjour, le colis {id} est arrivé abîmé, je voudrais un remboursement.",
    "Thanks for reaching out! I've refunded the duplicate charge on {id}; you'll see it in 3-5 days.",
    "Ho registrato la richiesta di sostituzione, riceverà un'etichetta di reso via e-mail.",
]


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _ticket(tid: int) -> dict[str, Any]:
    created = START + timedelta(seconds=tid * 37)
    return {
        "url": f"https://acme.zendesk.com/api/v2/tickets/{tid}.json", "id": tid, "external_id": None,
        "via": {"channel": CHANNELS[tid % 5], "source": {"from": {}, "to": {}, "rel": None}},
        "created_at": _iso(created), "updated_at": _iso(created + timedelta(hours=1)), "type": "question",
        "subject": f"Order #{tid}", "raw_subject": f"Order #{tid}", "description": LINES[tid % 4].format(id=tid),
        "priority": "normal", "status": STATUSES[tid % 5], "requester_id": 10_000_000 + tid // 3,
        "submitter_id": 10_000_000 + tid // 3, "assignee_id": 900 + tid % 40, "organization_id": None, "group_id": 1,
        "collaborator_ids": [], "follower_ids": [], "has_incidents": False, "is_public": True, "due_at": None,
        "tags": ["refund_request"] if tid % 7 == 0 else ["vip"], "custom_fields": [],
        "satisfaction_rating": {"score": ["good", "bad", "offered", "unoffered"][tid % 4]},
    }  # fmt: skip


def _comments(tid: int) -> dict[str, Any]:
    created = START + timedelta(seconds=tid * 37)
    comments = []
    for k in range(2 + tid % 5):
        author = 10_000_000 + tid // 3 if k % 2 == 0 else 900 + tid % 40
        body = LINES[(tid + k) % 4].format(id=tid)
        comments.append({
            "id": tid * 10 + k, "type": "Comment", "author_id": author, "body": body, "html_body": f"<p>{body}</p>",
            "plain_body": body, "public": k != 3, "attachments": [], "audit_id": tid * 10 + k,
            "via": {"channel": "web"}, "created_at": _iso(created + timedelta(minutes=5 * k)), "metadata": {},
        })  # fmt: skip
    return {"comments": comments, "next_page": None, "previous_page": None, "count": len(comments)}


def _page(n: int, per_page: int, start: int) -> dict[str, Any]:
    ids = range(start + 1, min(n, start + per_page) + 1)
    users = [{"id": 900 + a, "name": f"Agent {a}", "role": "agent"} for a in range(40)]
    users += [{"id": 10_000_000 + t // 3, "name": "Customer", "role": "end-user"} for t in ids]
    end = start + per_page >= n
    after = str(start + per_page)
    return {
        "tickets": [_ticket(t) for t in ids], "users": users,
        "metric_sets": [{"ticket_id": t, "solved_at": None, "reopens": t % 3} for t in ids],
        "after_cursor": after, "after_url": f"https://acme.zendesk.com/api/v2/incremental/tickets/cursor.json?cursor={after}",
        "before_cursor": None, "before_url": None, "end_of_stream": end,
    }  # fmt: skip


def _answer(body: bytes) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def serve(n: int, per_page: int, port_out: Any) -> None:
    """The stand-in Zendesk (run in its own process). Every answer is made before the port is given out — the export's
    pages and each ticket's comments as whole HTTP responses, keyed by request path — and a small asyncio server
    writes them out, one write each, on keep-alive connections: what a remote helpdesk costs this machine is then
    little more than its sockets, and the sync's own work is what the run measures (the stand-in's CPU is reported)."""
    pages = {start: _answer(json.dumps(_page(n, per_page, start)).encode()) for start in range(0, max(n, 1), per_page)}
    comments = {
        f"/api/v2/tickets/{t}/comments.json".encode(): _answer(json.dumps(_comments(t)).encode()) for t in range(1, n + 1)
    }
    missing = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"

    def answer(target: bytes) -> bytes:
        path, _, query = target.partition(b"?")
        if path == b"/api/v2/incremental/tickets/cursor.json":
            return pages.get(int(dict(parse_qsl(query.decode())).get("cursor") or 0), missing)
        return comments.get(path, missing)

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")  # GET only: no body follows
                writer.write(answer(head.split(b" ", 2)[1]))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(connection, "127.0.0.1", 0)
        port_out.put(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    asyncio.run(main())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="Tickets the stand-in serves.")
    parser.add_argument("--per-page", type=int, default=1000, help="Tickets per export page (Zendesk: up to 1,000).")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    args = parser.parse_args()

    ports: Any = multiprocessing.Queue()
    standin = multiprocessing.Process(target=serve, args=(args.n, args.per_page, ports), daemon=True)
    standin.start()
    port = ports.get(timeout=900)  # after the stand-in has made every answer

    os.environ.setdefault("QADESK_DATA_DIR", tempfile.mkdtemp(prefix="qadesk-bench-conn-"))
    try:
        with django_on(DB_NAME, keep=args.keep):
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            result: dict[str, Any] = {"machine": machine(), "n": args.n, "per_page": args.per_page}
            result.update(_measure(port, standin.pid))
    finally:
        standin.terminate()
    print(json.dumps(result, indent=2))


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure(port: int, standin_pid: int) -> dict[str, Any]:
    from qadesk.accounts.models import Role, User
    from qadesk.connectors.models import Connector, Vendor
    from qadesk.connectors.services import client_for, connector_save, connector_sync
    from qadesk.interactions.models import Interaction, Label, Message

    admin = User.objects.create_user(username="bench-admin", password="x", role=Role.ADMIN)  # noqa: S106
    Label.objects.create(code="refund_request")
    connector = Connector(name="zendesk", vendor=Vendor.ZENDESK, base_url=f"http://127.0.0.1:{port}", login="qa@acme.example")
    connector_save(connector=connector, secret="token", actor=admin)  # noqa: S106 (the stand-in takes any)
    client = client_for(connector)
    from django.db import connection

    connection.ensure_connection()
    backend = connection.connection.info.backend_pid  # the import writes through this one connection
    load_before = os.getloadavg()
    cpu_before, standin_before, backend_before = time.process_time(), _cpu_seconds(standin_pid), _cpu_seconds(backend)
    began = time.perf_counter()
    sync = connector_sync(connector=connector, client=client)
    seconds = time.perf_counter() - began
    cpu, standin_cpu = time.process_time() - cpu_before, _cpu_seconds(standin_pid) - standin_before
    database_cpu = _cpu_seconds(backend) - backend_before
    messages = Message.objects.count()
    return {
        "status": sync.status, "log": sync.log, "seconds": round(seconds, 2),
        "tickets": Interaction.objects.count(), "messages": messages, "requests": client.requests,
        "tickets_per_s": round(sync.created / seconds), "messages_per_s": round(messages / seconds),
        "requests_per_s": round(client.requests / seconds),
        "sync_cpu_seconds": round(cpu, 2), "tickets_per_sync_cpu_s": round(sync.created / cpu),
        "standin_cpu_seconds": round(standin_cpu, 2), "database_cpu_seconds": round(database_cpu, 2),
        "load_before": [round(x, 1) for x in load_before], "load_after": [round(x, 1) for x in os.getloadavg()],
        "goal_2000_per_s_met": sync.created / seconds >= 2000,
    }  # fmt: skip


if __name__ == "__main__":
    main()
