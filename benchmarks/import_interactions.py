"""Benchmark: import N interactions (about 8 messages each) from JSON Lines into PostgreSQL.

    .venv/bin/python benchmarks/import_interactions.py [--n 100000] [--batch-size 2000] [--keep] [--db NAME] [--sqlite]
        [--rich] [--first-only]

Writes a deterministic JSON Lines file (and the same rows as flat tab-separated files) to a temporary
directory, creates a throwaway database (qadesk_bench on 127.0.0.1:5432, user postgres; override the server
with BENCH_PG_URL), migrates it, then measures in the same run:

- `interactions_import_file()` — the code path of `qadesk import interactions FILE` — in interactions/s,
  with the peak RSS of the process (resource.getrusage) and the RSS it had before the import, and the CPU time of
  this process (Python, both threads) and of the import's PostgreSQL backend (/proc, same machine) during it;
- on PostgreSQL, right after it, the job that fills the imported messages' text search vectors (queued by the import
  after its commit: `messages_search_index`), run here in this process: its time, its server CPU, and the import's
  time plus its;
- re-imports of the same file (every row unchanged) and of a file where every row changed (subject, status,
  a milestone, the last message's body, one message more): interactions/s and the ratio to the first import;
- the reference: a plain `COPY … FROM STDIN` of the same rows (interactions, messages, handlers) into
  flat tables without constraints or indexes.

Prints JSON with the timings and their ratios, and the load average (/proc/loadavg, as `uptime` shows it) before
and after: the machine may be shared, so compare the ratios to the COPY of the same run rather than raw figures.
With --sqlite the import and re-imports run on a SQLite file instead (no COPY reference). The database is dropped
afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import psycopg
from bench_pg import BASE_URL, ROOT, drop_database, machine, recreate_database

DB_NAME = os.environ.get("BENCH_DB", "qadesk_bench")
START = datetime(2026, 7, 1, tzinfo=UTC)

SITES = {"Milano": ["Milano Ordini", "Milano Resi"], "Lyon": ["Lyon Livraisons", "Lyon Facturation"]}
LABELS = ["refund_request", "late_delivery", "damaged_item", "order_change", "invoice_copy", "product_info"]
PHASES = ["demand", "purchase", "delivery", "reception", "evaluation"]
CHANNELS = ["email", "chat", "phone", "social", "self_service"]
SOPS = ["SOP-REF-01", "SOP-DEL-02", "SOP-INV-03"]
SEGMENTS = ["gold", "silver", "bronze"]
CUSTOMER_LINES = [
    "Buongiorno, il mio ordine {order} non è ancora arrivato.",
    "Bonjour, le colis {order} est arrivé abîmé, je voudrais un remboursement.",
    "Hello, I was charged twice for order {order}. <b>Please</b> fix it!",
    "Il prodotto non funziona, posso cambiarlo? Ordine {order}.",
    "Merci, mais je n'ai toujours pas reçu la facture pour {order}.",
]
AGENT_LINES = [
    "Gentile cliente, mi dispiace per il disagio: ho verificato l'ordine {order} e la spedizione è in consegna oggi.",
    "Bonjour, je comprends votre frustration. J'ai lancé le remboursement de la commande {order}.",
    "Thanks for reaching out! I've refunded the duplicate charge on {order}; you'll see it in 3-5 days.",
    "Ho registrato la richiesta di sostituzione, riceverà un'etichetta di reso via e-mail.",
    "Je vous envoie la facture par e-mail dans quelques minutes. Bonne journée !",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="Interactions to generate and import.")
    parser.add_argument("--batch-size", type=int, default=2000, help="As `qadesk import` (its default).")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--db", default=DB_NAME, help="Throwaway PostgreSQL database name (default qadesk_bench).")
    parser.add_argument("--sqlite", action="store_true", help="Measure the import and re-imports on a SQLite file.")
    parser.add_argument(
        "--rich",
        action="store_true",
        help="Rows carry what real exports do: an action event, a translation, tags and custom fields (not in the COPY"
        " reference but the event, a message there).",
    )
    parser.add_argument(
        "--first-only", action="store_true", help="Measure the first import and the COPY reference only (no re-imports)."
    )
    args = parser.parse_args()
    RICH[0] = args.rich
    _use_database(args.db)

    workdir = Path(tempfile.mkdtemp(prefix="qadesk-bench-"))
    started = time.perf_counter()
    counts = generate(args.n, workdir)
    result: dict[str, Any] = {"machine": machine(), "load_before": _load(), "n": args.n, "rich": args.rich, **counts}
    result["generate_seconds"] = round(time.perf_counter() - started, 2)
    result["file_mb"] = round((workdir / "interactions.jsonl").stat().st_size / 1e6, 1)

    if args.sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        recreate_database(DB_NAME)
        os.environ["DATABASE_URL"] = f"{BASE_URL}/{DB_NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qadesk.settings")
    os.environ.setdefault("QADESK_DATA_DIR", str(workdir))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    try:
        result.update(_measure_import(workdir, args.batch_size))
        if not args.first_only:
            result.update(_measure_reimports(workdir, args.batch_size, result["import_seconds"]))
        if not args.sqlite:
            result.update(_measure_copy(workdir))
            copy = result["copy_seconds"]
            result["ratio_import_to_copy"] = round(result["import_seconds"] / copy, 2)
            if "import_and_search_index_seconds" in result:
                result["ratio_import_and_search_index_to_copy"] = round(result["import_and_search_index_seconds"] / copy, 2)
            if not args.first_only:
                result["ratio_reimport_unchanged_to_copy"] = round(result["reimport_unchanged_seconds"] / copy, 2)
                result["ratio_reimport_changed_to_copy"] = round(result["reimport_changed_seconds"] / copy, 2)
            result["goal_5000_per_s_met"] = result["interactions_per_s"] >= 5000
        result["load_after"] = _load()
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep and not args.sqlite:
            drop_database(DB_NAME)
        for path in workdir.iterdir():
            path.unlink()
        workdir.rmdir()
    print(json.dumps(result, indent=2))


def generate(n: int, workdir: Path) -> dict[str, int]:
    """Write n interactions as JSON Lines plus the same rows as three flat COPY files; return row counts."""
    rnd = random.Random(20261001)
    teams = [(site, team) for site, names in SITES.items() for team in names]
    agents = {f"agent{i:02d}": teams[i % len(teams)] for i in range(40)}
    names = list(agents)
    messages = handlers = 0
    with (
        open(workdir / "interactions.jsonl", "w", encoding="utf-8") as jsonl,
        open(workdir / "interactions.tsv", "w", encoding="utf-8") as t_int,
        open(workdir / "messages.tsv", "w", encoding="utf-8") as t_msg,
        open(workdir / "handlers.tsv", "w", encoding="utf-8") as t_hdl,
        open(workdir / "changed.jsonl", "w", encoding="utf-8") as changed,
    ):
        for i in range(n):
            record = _record(i, rnd, agents, names)
            jsonl.write(json.dumps(record, ensure_ascii=False))
            jsonl.write("\n")
            changed.write(json.dumps(_changed(record), ensure_ascii=False))
            changed.write("\n")
            _flat(record, t_int, t_msg, t_hdl)
            messages += len(record["messages"])
            handlers += len(record["agents"])
    return {"messages": messages, "handlers": handlers}


def _record(i: int, rnd: random.Random, agents: dict[str, tuple[str, str]], names: list[str]) -> dict[str, Any]:
    handled = [rnd.choice(names)] + ([rnd.choice(names)] if rnd.random() < 0.15 else [])
    site, team = agents[handled[0]]
    created = START + timedelta(seconds=rnd.randrange(90 * 86400))
    order = f"#{rnd.randrange(10**6, 10**7)}"
    at = created
    msgs: list[dict[str, Any]] = []
    for position in range(rnd.choice((6, 7, 8, 8, 9, 10))):
        at += timedelta(minutes=rnd.randrange(1, 30))
        if position % 2 == 0:
            msgs.append({"author": "customer", "at": _iso(at), "body": rnd.choice(CUSTOMER_LINES).format(order=order)})
        else:
            name = handled[-1] if position > 4 else handled[0]
            body = rnd.choice(AGENT_LINES).format(order=order)
            msgs.append({"author": "agent", "agent": name, "at": _iso(at), "body": body, "public": rnd.random() > 0.05})
    channel = rnd.choice(CHANNELS)
    customer = rnd.randrange(max(n_customers(i), 1))
    record: dict[str, Any] = {
        "external_id": f"T-{i + 1}",
        "source": "bench",
        "channel": channel,
        "language": rnd.choice(("it", "fr", "en")),
        "subject": f"Ordine {order}",
        "created_at": _iso(created),
        "first_reply_at": msgs[1]["at"],
        "resolved_at": _iso(at),
        "status": "resolved",
        "customer": f"C-{customer}",
        "customer_segment": SEGMENTS[customer % len(SEGMENTS)],  # a customer's segment, the same on each of their rows
        "agents": handled,
        "team": team,
        "site": site,
        "label": rnd.choice(LABELS),
        "sop": rnd.choice(SOPS) if rnd.random() < 0.5 else None,
        "phase": rnd.choice(PHASES),
        "messages": msgs,
    }
    if channel == "phone":
        record.update(talk_seconds=rnd.randrange(60, 900), hold_seconds=rnd.randrange(0, 120), acw_seconds=rnd.randrange(0, 90))
    if RICH[0]:
        _rich(record, rnd)
    return record


RICH = [False]  # --rich: see _rich
EVENTS = ("account-lookup", "refund-issued", "order-status", "transferred")


def _rich(record: dict[str, Any], rnd: random.Random) -> None:
    """An action event after the first agent message, a translation of the first customer message, 1-2 tags and two
    custom fields (undeclared: stored as given)."""
    first = record["messages"][1]
    event = {"author": "event", "name": rnd.choice(EVENTS), "agent": first["agent"], "at": first["at"], "body": ""}
    event["parameters"] = {"order": record["subject"], "amount": rnd.randrange(5, 200)}
    record["messages"].insert(2, event)
    record["messages"][0] = {**record["messages"][0], "translation": "My parcel arrived broken.", "translation_language": "en"}
    record["tags"] = rnd.sample(["vip", "refund", "escalated", "repeat"], rnd.choice((1, 2)))
    record["custom_fields"] = {"plan": record["customer_segment"], "order_value": rnd.randrange(10, 500)}


def _changed(record: dict[str, Any]) -> dict[str, Any]:
    """The record as a later export has it: a new subject, closed, the last message edited, one message more."""
    messages = [dict(m) for m in record["messages"]]
    messages[-1]["body"] += " (edited)"
    messages.append({"author": "customer", "at": record["resolved_at"], "body": "Grazie, tutto risolto."})
    return {
        **record,
        "subject": record["subject"] + " (bis)",
        "status": "closed",
        "closed_at": record["resolved_at"],
        "messages": messages,
    }


def n_customers(i: int) -> int:
    """About one customer for every three interactions, growing with the file like a real customer base."""
    return i // 3 + 10


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _flat(record: dict[str, Any], t_int: TextIO, t_msg: TextIO, t_hdl: TextIO) -> None:
    key = record["external_id"]
    fields = [record.get(name) for name in INTERACTION_FIELDS]
    t_int.write("\t".join(_copy_text(v) for v in fields) + "\n")
    for position, name in enumerate(record["agents"]):
        t_hdl.write(f"{key}\t{_copy_text(name)}\t{position}\n")
    for position, m in enumerate(record["messages"]):
        values = [key, position, m["author"], m.get("agent"), m["at"], m["body"], m.get("public", True)]
        t_msg.write("\t".join(_copy_text(v) for v in values) + "\n")


INTERACTION_FIELDS = [
    "external_id", "source", "channel", "language", "subject", "customer", "customer_segment", "team", "site",
    "label", "sop", "phase", "status", "created_at", "first_reply_at", "resolved_at", "talk_seconds",
    "hold_seconds", "acw_seconds",
]  # fmt: skip
REFERENCE_TABLES = {
    "interactions.tsv": "CREATE TABLE ref_interaction (external_id text, source text, channel text, language text, "
    "subject text, customer text, customer_segment text, team text, site text, label text, sop text, phase text, "
    "status text, created_at timestamptz, first_reply_at timestamptz, resolved_at timestamptz, talk_seconds int, "
    "hold_seconds int, acw_seconds int)",
    "messages.tsv": "CREATE TABLE ref_message (interaction text, position int, author text, agent text, "
    "sent_at timestamptz, body text, is_public boolean)",
    "handlers.tsv": "CREATE TABLE ref_handler (interaction text, agent text, position int)",
}


def _measure_import(workdir: Path, batch_size: int) -> dict[str, Any]:
    from django.core.management import call_command

    from qadesk.imports.services import interactions_import_file
    from qadesk.interactions.models import Interaction, Message, Sop

    call_command("migrate", verbosity=0)
    for code in SOPS:  # SOPs are a catalogue: an import may only name existing ones
        Sop.objects.create(code=code, title=code)
    rss_before = _current_rss_mb()
    server = _server_pid()
    python_cpu, server_cpu = _python_cpu(), _process_cpu(server)
    started = time.perf_counter()
    report = interactions_import_file(path_or_stream=workdir / "interactions.jsonl", batch_size=batch_size)
    seconds = time.perf_counter() - started
    python_cpu, server_cpu = _python_cpu() - python_cpu, _process_cpu(server) - server_cpu
    assert report.committed and report.error_count == 0, report.errors[:5]
    result: dict[str, Any] = {}
    try:
        from qadesk.interactions.services import messages_search_index
    except ImportError:  # before the vectors were left to a job (a run of an older commit, for comparison)
        messages_search_index = None
    if server is not None and messages_search_index is not None:  # PostgreSQL: the job the import queued, right after
        index_cpu = _process_cpu(server)
        index_started = time.perf_counter()
        indexed = messages_search_index()
        index_seconds = time.perf_counter() - index_started
        result = {
            "search_index_seconds": round(index_seconds, 2),
            "search_index_server_cpu_seconds": round(_process_cpu(server) - index_cpu, 2),
            "search_indexed": indexed,
            "import_and_search_index_seconds": round(seconds + index_seconds, 2),
        }
    stored = Interaction.objects.count()
    return {
        **result,
        "import_python_cpu_seconds": round(python_cpu, 2),
        "import_server_cpu_seconds": round(server_cpu, 2) if server is not None else None,
        "import_seconds": round(seconds, 2),
        "interactions_per_s": round(report.created / seconds),
        "messages_per_s": round(Message.objects.count() / seconds),
        "created": report.created,
        "stored": stored,
        "rss_before_import_mb": rss_before,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _measure_reimports(workdir: Path, batch_size: int, first_seconds: float) -> dict[str, Any]:
    """The same file again (nothing changes), then every row changed: the time of each and its ratio to the first."""
    from qadesk.imports.services import interactions_import_file

    result: dict[str, Any] = {}
    for name, filename, expected in (("unchanged", "interactions.jsonl", "unchanged"), ("changed", "changed.jsonl", "updated")):
        started = time.perf_counter()
        report = interactions_import_file(path_or_stream=workdir / filename, batch_size=batch_size)
        seconds = time.perf_counter() - started
        assert report.committed and report.error_count == 0 and report.created == 0, report.errors[:5]
        count = getattr(report, expected)
        result[f"reimport_{name}_seconds"] = round(seconds, 2)
        result[f"reimport_{name}_per_s"] = round(count / seconds)
        result[f"reimport_{name}_{expected}"] = count
        result[f"ratio_reimport_{name}_to_import"] = round(seconds / first_seconds, 2)
    result["goal_unchanged_10000_per_s_met"] = result["reimport_unchanged_per_s"] >= 10_000
    result["goal_changed_within_2x_import_met"] = result["ratio_reimport_changed_to_import"] <= 2
    return result


def _load() -> str:
    """The load averages over 1, 5 and 15 minutes (as `uptime` prints them)."""
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


def _use_database(name: str) -> None:
    global DB_NAME
    DB_NAME = name


def _measure_copy(workdir: Path) -> dict[str, Any]:
    """The same rows as flat tables, loaded with nothing but COPY in one transaction: the floor to compare with."""
    with psycopg.connect(f"{BASE_URL}/{DB_NAME}") as conn:
        with conn.cursor() as cur:
            for ddl in REFERENCE_TABLES.values():
                cur.execute(ddl)
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cur:
            for filename, ddl in REFERENCE_TABLES.items():
                table = ddl.split()[2]
                with open(workdir / filename, "rb") as source, cur.copy(f"COPY {table} FROM STDIN") as copy:
                    while block := source.read(1 << 20):
                        copy.write(block)
        conn.commit()
        return {"copy_seconds": round(time.perf_counter() - started, 2)}


def _server_pid() -> int | None:
    """The PostgreSQL backend process of the import's connection (None on SQLite)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _process_cpu(pid: int | None) -> float:
    """User + system CPU seconds of a process on this machine (/proc/PID/stat), 0 without one."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _python_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return round(int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6 / 1.048576, 1)


if __name__ == "__main__":
    main()
