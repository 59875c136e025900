"""Unit level: secrets at rest, the HTTP client's waits, the vendors' field mappings, the schedule."""

from __future__ import annotations

import json
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone

from qadesk.connectors.client import ConnectorError, HttpClient, _retry_after
from qadesk.connectors.crypto import decrypt, encrypt
from qadesk.connectors.models import Connector, Vendor
from qadesk.connectors.services import JOB_KIND, connectors_due
from qadesk.connectors.tests.conftest import make_connector
from qadesk.connectors.tests.standin import Answer, StandIn
from qadesk.connectors.vendors import freshdesk, intercom, zendesk
from qadesk.connectors.vendors.common import Context, agents_in_order
from qadesk.core.errors import ApplicationError
from qadesk.core.models import JobRun

FIXTURES = Path(__file__).parent / "fixtures"


def _load(name: str) -> object:
    return json.loads((FIXTURES / name).read_text())


class TestSecrets:
    def test_a_secret_round_trips_and_is_not_stored_in_clear(self) -> None:
        token = encrypt("tok-123")
        assert "tok-123" not in token and decrypt(token) == "tok-123"
        assert encrypt("tok-123") != token  # a fresh IV each time

    def test_the_key_comes_from_the_environment_and_rotates(self, monkeypatch: pytest.MonkeyPatch) -> None:
        old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        monkeypatch.setenv("QADESK_CONNECTOR_KEY", old)
        token = encrypt("tok-123")
        assert Fernet(old.encode()).decrypt(token.encode()) == b"tok-123"
        monkeypatch.setenv("QADESK_CONNECTOR_KEY", f"{new},{old}")
        assert decrypt(token) == "tok-123"  # the old key still reads
        assert Fernet(new.encode()).decrypt(encrypt("x").encode()) == b"x"  # the first key writes
        monkeypatch.setenv("QADESK_CONNECTOR_KEY", new)
        with pytest.raises(ApplicationError, match="enter the secret again"):
            decrypt(token)

    def test_a_key_file_is_read(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        key = Fernet.generate_key()
        (tmp_path / "key").write_bytes(key + b"\n")
        monkeypatch.setenv("QADESK_CONNECTOR_KEY_FILE", str(tmp_path / "key"))
        assert Fernet(key).decrypt(encrypt("s").encode()) == b"s"

    def test_a_bad_key_is_named(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("QADESK_CONNECTOR_KEY", "not-a-key")
        with pytest.raises(ApplicationError, match="QADESK_CONNECTOR_KEY"):
            encrypt("s")


class TestClient:
    def test_retry_after_reads_seconds_and_http_dates(self) -> None:
        assert _retry_after("7") == 7.0
        later = _retry_after(format_datetime(timezone.now() + timedelta(seconds=30), usegmt=True))
        assert later is not None and 25 <= later <= 31
        assert _retry_after("soon") is None and _retry_after(None) is None

    def test_plain_http_is_only_for_this_machine(self) -> None:
        with pytest.raises(ConnectorError, match="https"):
            HttpClient(base_url="http://helpdesk.example.com", headers={})
        HttpClient(base_url="http://127.0.0.1:9", headers={})

    def test_it_gives_up_after_its_attempts_with_the_status(self, standin: StandIn) -> None:
        standin.route("GET", "/x", Answer(status=429, body=b"{}", headers={"Retry-After": "0"}))
        client = HttpClient(base_url=standin.url, headers={}, attempts=3)
        with pytest.raises(ConnectorError, match="429 3 times"):
            client.get("/x")
        assert len(standin.requests_to("/x")) == 3

    def test_a_next_link_to_another_host_is_refused(self, standin: StandIn) -> None:
        client = HttpClient(base_url=standin.url, headers={"Authorization": "Bearer t"})
        with pytest.raises(ConnectorError, match="another host"):
            client.get("https://evil.example.com/api/v2/tickets")
        assert standin.log == []

    def test_an_unreachable_helpdesk_is_an_error_after_back_off(self, settings: object) -> None:
        settings.CONNECTOR_MAX_WAIT = 0.01  # type: ignore[attr-defined]
        client = HttpClient(base_url="http://127.0.0.1:9", headers={}, attempts=2, timeout=2)
        with pytest.raises(ConnectorError, match="Cannot reach"):
            client.get("/")
        assert client.waited == pytest.approx(0.01)


CTX = Context(client=None, source="helpdesk", labels=frozenset({"refund_request", "billing"}))  # type: ignore[arg-type]


class TestMappings:
    def test_the_assignee_is_the_last_agent_and_each_writer_is_listed_once(self) -> None:
        assert agents_in_order(["a", None, "b", "a"], "a") == ["b", "a"]
        assert agents_in_order(["a", "b"], None) == ["a", "b"]
        assert agents_in_order([], "c") == ["c"]

    @pytest.mark.parametrize(
        ("status", "expected"), [("new", "open"), ("hold", "pending"), ("solved", "resolved"), ("closed", "closed")]
    )
    def test_zendesk_statuses(self, status: str, expected: str) -> None:
        ticket = dict(_load("zendesk/incremental_page1.json")["tickets"][0], status=status)  # type: ignore[index]
        assert zendesk.ticket_row(ticket, [], {}, None, CTX)["status"] == expected

    def test_zendesk_unknown_authors_are_the_customer_when_they_requested(self) -> None:
        ticket = _load("zendesk/incremental_page1.json")["tickets"][0]  # type: ignore[index]
        comments = _load("zendesk/comments_1001.json")["comments"]  # type: ignore[index]
        row = zendesk.ticket_row(ticket, comments, {}, None, CTX)
        assert [m["author"] for m in row["messages"]] == ["customer", "agent", "agent"]
        assert row["agents"] == ["zendesk-902", "zendesk-901"] and row["label"] == "refund_request"
        assert row["customer_rating"] == "positive"

    @pytest.mark.parametrize(
        ("value", "expected"), [(103, "positive"), (101, "positive"), (100, "neutral"), (-101, "negative"), (None, None)]
    )
    def test_freshdesk_ratings(self, value: int | None, expected: str | None) -> None:
        assert freshdesk.rating_of(value) == expected

    @pytest.mark.parametrize(
        ("stars", "expected"), [(5, "positive"), (4, "positive"), (3, "neutral"), (1, "negative"), (0, None)]
    )
    def test_intercom_ratings(self, stars: int, expected: str | None) -> None:
        assert intercom.rating_of(stars) == expected

    def test_freshdesk_sources_are_channels(self) -> None:
        ticket = _load("freshdesk/tickets_page1.json")[0]  # type: ignore[index]
        for source, channel in ((1, "email"), (3, "phone"), (7, "chat"), (2, "self_service"), (42, "email")):
            assert freshdesk.ticket_row(dict(ticket, source=source), [], None, CTX)["channel"] == channel

    def test_intercom_parts_without_text_are_not_messages(self) -> None:
        conv = _load("intercom/conversation_3001.json")
        row = intercom.conversation_row(conv, CTX)  # type: ignore[arg-type]
        assert len(row["messages"]) == 4  # the assignment and the close have no body
        assert row["created_at"] == "2026-10-01T09:00:00+00:00" and row["reopens"] == 0


@pytest.mark.django_db
class TestSchedule:
    def test_due_connectors_are_the_scheduled_ones_past_their_interval(self, standin: StandIn) -> None:
        now = timezone.now()
        fresh = make_connector(standin, Vendor.ZENDESK, name="fresh", last_sync_at=now - timedelta(minutes=5))
        stale = make_connector(standin, Vendor.ZENDESK, name="stale", last_sync_at=now - timedelta(minutes=20))
        never = make_connector(standin, Vendor.FRESHDESK, name="never")
        make_connector(standin, Vendor.INTERCOM, name="off", enabled=False)
        busy = make_connector(standin, Vendor.INTERCOM, name="busy")
        Connector.objects.filter(pk=busy.pk).update(running_since=now)
        assert {c.name for c in connectors_due(now=now)} == {stale.name, never.name}
        assert fresh.name not in {c.name for c in connectors_due(now=now)}

    def test_the_periodic_job_queues_a_sync_of_each_due_connector(self, standin: StandIn, settings: object) -> None:
        from qadesk.connectors.tasks import enqueue_due_connector_syncs
        from qadesk.core.schedule import periodic_jobs

        assert enqueue_due_connector_syncs.module_path in {job.name for job in periodic_jobs()}
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # type: ignore[attr-defined]
        make_connector(standin, Vendor.ZENDESK)
        assert enqueue_due_connector_syncs.call() == 1
        job = JobRun.objects.get(kind=JOB_KIND)
        assert job.task_path.endswith("sync_connector") and job.created_by is None


@pytest.mark.django_db
def test_a_page_goes_to_the_import_as_json_lines_with_the_same_checks() -> None:
    """A helpdesk's text that no database can hold is refused by field, the other rows of the page imported; the rows
    reach the import as JSON text, so a repeated page is recognised by its bytes (unchanged, not validated again)."""
    from qadesk.connectors.services import _as_json_lines
    from qadesk.imports.services import interactions_import
    from qadesk.imports.tests.helpers import record

    rows = [record(1, subject="nul \x00 here"), record(2, subject="lone \ud800"), record(3)]
    lines = list(_as_json_lines(rows))
    assert [line for line, _text in lines] == [1, 2, 3] and all(isinstance(text, bytes) for _line, text in lines)
    report = interactions_import(rows=lines, skip_invalid=True)
    assert [(e.line, e.field) for e in report.errors] == [(1, "subject"), (2, "subject")]
    assert report.ids["created"] == ["T-1003"]
    again = interactions_import(rows=_as_json_lines(rows[2:]), skip_invalid=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
