"""The import service: what it writes, what it creates on the fly, how it refuses broken input, and re-imports."""

import gzip
import json
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from qadesk.accounts.models import Agent, Site, Team
from qadesk.imports import services
from qadesk.imports.services import interactions_import, interactions_import_file
from qadesk.imports.tests.helpers import record, write_jsonl
from qadesk.interactions.models import Customer, Interaction, InteractionAgent, Label, Message, Sop
from qadesk.reviews.services import review_create
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


def _import(*records: dict[str, Any], **options: Any) -> services.ImportReport:
    return interactions_import(rows=enumerate(records, 1), **options)


def _counts() -> dict[str, int]:
    models = (Interaction, Message, InteractionAgent, Agent, Team, Site, Label, Customer)
    return {m.__name__: m.objects.count() for m in models}


def test_it_imports_an_interaction_with_its_transcript_and_handlers() -> None:
    Sop.objects.create(code="SOP-REF-01", title="Refunds")
    report = _import(
        record(1, sop="SOP-REF-01", agents=["a.rossi", "b.bianchi"], talk_seconds=120, abandoned=False, status=None),
    )
    assert (report.created, report.updated, report.skipped, report.committed) == (1, 0, 0, True)
    stored = Interaction.objects.get(source="zendesk", external_id="T-1001")
    assert stored.agent.username == "b.bianchi"  # the last handler
    assert [h.agent.username for h in stored.handlers.order_by("position")] == ["a.rossi", "b.bianchi"]
    assert (stored.channel, stored.language, stored.phase, stored.sop.code, stored.label.code) == (
        "email", "it", "reception", "SOP-REF-01", "refund_request"
    )  # fmt: skip
    assert stored.status == "resolved"  # no status given, but resolved_at is
    assert stored.created_at == datetime(2026, 10, 1, 9, tzinfo=UTC)
    assert (stored.talk_seconds, stored.message_count, stored.customer.segment) == (120, 2, "gold")
    messages = list(stored.messages.order_by("position"))
    assert [(m.position, m.author_role, m.agent and m.agent.username) for m in messages] == [
        (0, "customer", None),
        (1, "agent", "a.rossi"),
    ]
    assert messages[1].sent_at == datetime(2026, 10, 1, 9, 5, tzinfo=UTC)


def test_it_creates_unknown_agents_teams_sites_labels_and_customers_on_the_fly() -> None:
    existing = f.make_team("Lyon Livraisons", f.make_site("Lyon"))
    assert _import(
        record(1, agents=["a.rossi", "new.one"], team="Nuovo Team", site="Torino", label="new_label", customer="C-NEW")
    ).committed
    assert _import(record(2, agents=["lyon.agent"], team="Lyon Livraisons", site="Torino", messages=[])).committed
    team = Team.objects.get(name="Nuovo Team")
    assert team.site.name == "Torino"
    agent = Agent.objects.get(username="new.one")
    assert (agent.team, agent.site) == (team, team.site)
    assert Label.objects.filter(code="new_label").exists()
    assert Customer.objects.get(external_id="C-NEW").segment == "gold"
    existing.refresh_from_db()
    assert existing.site.name == "Lyon"  # an existing team is not moved by an import
    assert Agent.objects.get(username="lyon.agent").team == existing


def test_a_broken_file_changes_nothing_and_names_every_bad_line_and_field() -> None:
    before = _counts()
    bad_messages = [
        {"author": "robot", "body": "beep"},
        {"author": "agent", "agent": "ghost", "body": "hi"},
        {"author": "customer", "agent": "a.rossi", "body": "hm"},
    ]
    report = _import(
        record(1, team="Brand New Team", agents=["brand.new"]),  # valid, but must not be written
        record(2, channel="fax"),
        record(3, created_at="yesterday", phase="lunch"),
        {k: v for k, v in record(4).items() if k not in ("external_id", "source")},
        record(5, messages=bad_messages),
        record(6, sop="SOP-NOPE"),
        record(7, talk_seconds=-3, abandoned="maybe"),
    )
    assert not report.committed
    assert (report.created, report.updated, report.skipped, report.refused) == (0, 0, 0, 6)
    assert {(e.line, e.field) for e in report.errors} == {
        (2, "channel"),
        (3, "created_at"),
        (3, "phase"),
        (4, "external_id"),
        (4, "source"),
        (5, "messages[0].author"),
        (5, "messages[1].agent"),  # an unknown agent: looked up in the same pass, though the row has the wrong shape
        (5, "messages[2].agent"),
        (6, "sop"),
        (7, "talk_seconds"),
        (7, "abandoned"),
    }
    assert "fax" in next(e.message for e in report.errors if e.field == "channel")
    assert _counts() == before
    assert not Team.objects.filter(name="Brand New Team").exists()


def test_a_message_by_an_unknown_agent_who_is_not_listed_is_an_error() -> None:
    report = _import(record(1, agents=["a.rossi"], messages=[{"author": "agent", "agent": "ghost", "body": "hi"}]))
    assert [(e.line, e.field) for e in report.errors] == [(1, "messages[0].agent")]
    f.make_agent("ghost")  # once the agent exists, the message may name them without listing them
    assert _import(record(1, agents=["a.rossi"], messages=[{"author": "agent", "agent": "ghost", "body": "hi"}])).committed


def test_skip_invalid_commits_exactly_the_valid_rows() -> None:
    report = _import(record(1), record(2, channel="fax", team="Ghost Team"), record(3), skip_invalid=True)
    assert report.committed
    assert (report.created, report.skipped) == (2, 1)
    assert [(e.line, e.field) for e in report.errors] == [(2, "channel")]
    assert set(Interaction.objects.values_list("external_id", flat=True)) == {"T-1001", "T-1003"}
    assert not Team.objects.filter(name="Ghost Team").exists()


def test_skip_invalid_leaves_out_rows_whose_references_are_wrong_without_their_new_names() -> None:
    report = _import(record(1), record(2, sop="SOP-NOPE", team="Ghost Team", agents=["ghost"]), skip_invalid=True)
    assert (report.created, report.skipped) == (1, 1)
    assert not Team.objects.filter(name="Ghost Team").exists()
    assert not Agent.objects.filter(username="ghost").exists()


def test_a_reimport_updates_and_never_duplicates() -> None:
    _import(record(1), record(2))
    first_ids = set(Interaction.objects.values_list("pk", flat=True))
    changed = record(1, subject="Nuovo oggetto", agents=["x.verdi"], messages=[{"author": "customer", "body": "solo io"}])
    report = _import(changed, record(2))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert report.ids == {"created": [], "updated": ["T-1001"], "unchanged": ["T-1002"], "refused": []}
    assert report.changes[0].changed == ["subject", "agents", "messages"]
    assert set(Interaction.objects.values_list("pk", flat=True)) == first_ids
    stored = Interaction.objects.get(external_id="T-1001")
    assert (stored.subject, stored.agent.username, stored.message_count) == ("Nuovo oggetto", "x.verdi", 1)
    assert list(stored.messages.values_list("body", flat=True)) == ["solo io"]
    assert list(stored.handlers.values_list("agent__username", flat=True)) == ["x.verdi"]
    assert Message.objects.count() == 1 + 2
    assert InteractionAgent.objects.count() == 2


def test_the_later_of_two_rows_for_the_same_interaction_wins_when_asked() -> None:
    report = _import(record(1, subject="first"), record(2), record(1, subject="second"), batch_size=2, last_wins=True)
    assert (report.created, report.updated) == (2, 1)
    assert Interaction.objects.get(external_id="T-1001").subject == "second"
    report = _import(record(7, subject="a"), record(7, subject="b"), last_wins=True)  # both in one batch
    assert (report.created, report.updated) == (1, 0)
    assert Interaction.objects.get(external_id="T-1007").subject == "b"


def test_the_same_id_twice_in_one_file_is_an_error_of_the_later_line() -> None:
    report = _import(record(1, subject="first"), record(2), record(1, subject="second"), batch_size=2)
    assert not report.committed and Interaction.objects.count() == 0
    assert [(e.line, e.field) for e in report.errors] == [(3, "external_id")]
    assert "line 1" in report.errors[0].message and "--last-wins" in report.errors[0].message
    report = _import(record(1, subject="first"), record(1, subject="second"), skip_invalid=True)
    assert (report.created, report.skipped, report.ids["refused"]) == (1, 1, ["T-1001"])
    assert Interaction.objects.get().subject == "first"


def test_a_reimport_keeps_reviewed_messages_and_refuses_to_drop_them(default_scorecard, reviewer) -> None:
    _import(record(1))
    interaction = Interaction.objects.get(external_id="T-1001")
    message = interaction.messages.get(position=1)
    review = review_create(interaction=interaction, actor=reviewer, message=message)
    edited = record(1)
    edited["messages"][1]["body"] = "Rimborso fatto."
    assert _import(edited).committed
    review.refresh_from_db()
    assert review.message_id == message.pk
    assert Message.objects.get(pk=message.pk).body == "Rimborso fatto."
    report = _import(record(1, messages=[{"author": "customer", "body": "only one"}]))
    assert [(e.line, e.field) for e in report.errors] == [(1, "messages")]
    assert interaction.messages.count() == 2


def test_html_and_scripts_in_bodies_are_stored_verbatim() -> None:
    body = '<script>alert("x")</script><b>grazie</b> & \\N \t tab\nnewline'
    _import(record(1, subject="<i>hi</i>", messages=[{"author": "customer", "body": body}]))
    assert Message.objects.get().body == body
    assert Interaction.objects.get().subject == "<i>hi</i>"


def test_it_reads_json_lines_files_plain_and_gzipped(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "export.jsonl", [record(1), record(2)])
    path.write_text(path.read_text() + "\nnot json\n", encoding="utf-8")
    report = interactions_import_file(path_or_stream=path)
    assert [(e.line, e.field) for e in report.errors] == [(4, "")]
    assert not report.committed
    gz = tmp_path / "export.jsonl.gz"
    gz.write_bytes(gzip.compress(json.dumps(record(3)).encode()))
    assert interactions_import_file(path_or_stream=gz).created == 1
    with open(path, "rb") as stream:
        assert interactions_import_file(path_or_stream=stream, skip_invalid=True).created == 2


def test_it_reads_csv_with_separated_agents_and_json_messages(tmp_path: Path) -> None:
    messages = json.dumps(
        [{"author": "customer", "body": 'Line one\nline "two"'}, {"author": "agent", "agent": "b", "body": "ok"}]
    )
    path = tmp_path / "export.csv"
    path.write_text(
        "external_id,source,channel,created_at,agents,team,talk_seconds,abandoned,messages\n"
        f'T-1,zendesk,phone,2026-10-01T09:00:00+02:00,a;b,Milano Ordini,30,true,"{messages.replace(chr(34), chr(34) * 2)}"\n'
        "T-2,zendesk,fax,2026-10-01T09:00:00Z,,,,,\n",
        encoding="utf-8",
    )
    report = interactions_import_file(path_or_stream=path, skip_invalid=True)
    assert (report.created, [(e.line, e.field) for e in report.errors]) == (1, [(3, "channel")])
    stored = Interaction.objects.get()
    assert (stored.agent.username, stored.talk_seconds, stored.abandoned) == ("b", 30, True)
    assert stored.created_at == datetime(2026, 10, 1, 7, tzinfo=UTC)
    assert list(stored.messages.values_list("body", flat=True)) == ['Line one\nline "two"', "ok"]


def _generated(n: int) -> Iterator[tuple[int, dict[str, Any]]]:
    for i in range(n):
        yield (
            i + 1,
            record(
                i,
                source=f"memory{n}",
                customer=f"C-{i}",
                agents=[f"agent{i % 20}"],
                messages=[{"author": "customer", "body": "x" * 200}],
            ),
        )


def _peak_bytes(n: int) -> int:
    tracemalloc.start()
    try:
        report = interactions_import(rows=_generated(n), batch_size=100)
        assert report.created == n
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_as_the_input_grows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "CACHE_LIMIT", 200)  # a customer per row: the caches must stay bounded too
    # Ten times the rows must not need anywhere near ten times the memory (allocator noise aside).
    small, large = _peak_bytes(300), _peak_bytes(3000)
    assert large < small * 2, (small, large)


def test_it_imports_how_often_a_contact_was_reopened_and_refuses_a_negative_count() -> None:
    report = _import(record(1, reopens=2), record(2, reopens=""), record(3, reopens=-1), skip_invalid=True)
    assert [(e.line, e.field) for e in report.errors] == [(3, "reopens")]
    assert dict(Interaction.objects.values_list("external_id", "reopens")) == {"T-1001": 2, "T-1002": 0}


def test_it_imports_the_customers_rating_and_complaint_and_refuses_an_unknown_rating() -> None:
    report = _import(
        record(1, customer_rating="negative", complaint=True),
        record(2, customer_rating="", complaint=""),
        record(3, customer_rating="furious"),
        skip_invalid=True,
    )
    assert [(e.line, e.field) for e in report.errors] == [(3, "customer_rating")]
    stored = {i.external_id: (i.customer_rating, i.complaint) for i in Interaction.objects.all()}
    assert stored == {"T-1001": ("negative", True), "T-1002": ("", False)}
