"""Each connector against the local stand-in: pagination, cursors, 429 with Retry-After, edits, deletions, bad pages."""

from __future__ import annotations

import time

import pytest
from django.core.management import CommandError, call_command

from qadesk.connectors.models import Connector, ConnectorSync, Vendor
from qadesk.connectors.services import connector_sync
from qadesk.connectors.tests.conftest import make_connector
from qadesk.connectors.tests.standin import Answer, StandIn, ok
from qadesk.core.models import JobRun, JobStatus
from qadesk.interactions.models import Interaction, Label
from qadesk.reviews.models import Review
from qadesk.testing.factories import make_user

pytestmark = pytest.mark.django_db(transaction=False)

Z_INC = "/api/v2/incremental/tickets/cursor.json"
Z_C2 = "MTU4MDc1Mzc5OC4wfHwxMDAyfA=="
Z_C3 = "MTU4MDc1Mzg5OC4wfHwxMDAzfA=="


def zendesk_routes(standin: StandIn) -> None:
    standin.route("GET", Z_INC, ok("zendesk/incremental_page1.json"), start_time="0")
    standin.route("GET", Z_INC, ok("zendesk/incremental_page2.json"), cursor=Z_C2)
    standin.route("GET", Z_INC, ok("zendesk/incremental_page3_edit_delete.json"), cursor=Z_C3)
    standin.route("GET", "/api/v2/tickets/1001/comments.json", ok("zendesk/comments_1001.json"))
    standin.route("GET", "/api/v2/tickets/1002/comments.json", ok("zendesk/comments_1002_page1.json"))
    standin.route("GET", "/api/v2/tickets/1002/comments.json", ok("zendesk/comments_1002_page2.json"), page="2")
    standin.route("GET", "/api/v2/tickets/1003/comments.json", ok("zendesk/comments_1003.json"))


def transcript(interaction: Interaction) -> list[tuple[str, str, bool, str | None]]:
    return [
        (m.author_role, m.body, m.is_public, m.agent.username if m.agent else None)
        for m in interaction.messages.select_related("agent").order_by("position")
    ]


class TestZendesk:
    def test_it_imports_every_page_with_comments_and_keeps_the_cursor(self, standin: StandIn) -> None:
        Label.objects.create(code="refund_request")
        zendesk_routes(standin)
        connector = make_connector(standin, Vendor.ZENDESK)

        sync = connector_sync(connector=connector)

        assert (sync.status, sync.pages, sync.created, sync.error_count) == (JobStatus.SUCCEEDED, 2, 3, 0), sync.errors
        ticket = Interaction.objects.select_related("customer", "agent", "label").get(source="zendesk", external_id="1001")
        assert (ticket.channel, ticket.status, ticket.customer_rating) == ("email", "resolved", "positive")
        assert (ticket.customer.external_id, ticket.agent.username, ticket.label.code) == (
            "zendesk-501",
            "zendesk-901",
            "refund_request",
        )
        assert ticket.resolved_at is not None
        assert transcript(ticket) == [
            ("customer", "Il pacco è arrivato rotto.", True, None),
            ("agent", "Mi dispiace! Avvio il rimborso.", True, "zendesk-901"),
            ("agent", "Rimborso approvato dal reparto.", False, "zendesk-902"),
        ]
        chat = Interaction.objects.get(source="zendesk", external_id="1002")
        assert (chat.channel, chat.status, chat.customer_rating, chat.label_id) == ("chat", "open", "", None)
        assert [body for _r, body, _p, _a in transcript(chat)] == ["Bonjour, où est ma commande ?", "Elle arrive demain."]
        connector.refresh_from_db()
        assert connector.cursor == {"cursor": Z_C3}
        assert connector.running_since is None and connector.last_sync_at is not None
        assert standin.server.auth[0].startswith("Basic ")  # type: ignore[attr-defined]

    def test_a_later_sync_applies_edits_and_deletions_from_the_cursor(self, standin: StandIn) -> None:
        zendesk_routes(standin)
        connector = make_connector(standin, Vendor.ZENDESK)
        connector_sync(connector=connector)
        standin.route("GET", "/api/v2/tickets/1001/comments.json", ok("zendesk/comments_1001_edited.json"))
        standin.log.clear()

        sync = connector_sync(connector=connector)

        assert standin.requests_to(Z_INC) == [{"cursor": Z_C3, "include": "users,metric_sets"}]
        assert (sync.status, sync.updated, sync.deleted, sync.created) == (JobStatus.SUCCEEDED, 1, 1, 0)
        edited = Interaction.objects.get(source="zendesk", external_id="1001")
        assert (edited.subject, edited.status, edited.customer_rating, edited.reopens) == (
            "Rimborso ordine #4411 (chiuso)", "closed", "negative", 1)  # fmt: skip
        assert transcript(edited)[-1] == ("customer", "Grazie, ma ci avete messo troppo.", True, None)
        assert not Interaction.objects.filter(source="zendesk", external_id="1002").exists()

    def test_a_deleted_ticket_under_review_is_kept_and_reported(self, standin: StandIn, default_scorecard: object) -> None:
        zendesk_routes(standin)
        connector = make_connector(standin, Vendor.ZENDESK)
        connector_sync(connector=connector)
        reviewed = Interaction.objects.get(source="zendesk", external_id="1002")
        Review.objects.create(interaction=reviewed, scorecard_version=default_scorecard, reviewer=make_user(role="reviewer"),
                              agent=reviewed.agent)  # fmt: skip

        sync = connector_sync(connector=connector)

        assert Interaction.objects.filter(pk=reviewed.pk).exists()
        assert (sync.deleted, sync.kept) == (0, 1)
        assert sync.errors[-1]["id"] == "1002" and "reviewed" in sync.errors[-1]["message"]

    def test_it_waits_as_a_429_says_then_goes_on(self, standin: StandIn) -> None:
        zendesk_routes(standin)
        limited = Answer(status=429, fixture="zendesk/rate_limited.json", headers={"Retry-After": "1"})
        standin.route("GET", Z_INC, limited, ok("zendesk/incremental_page2.json"), cursor=Z_C2)
        connector = make_connector(standin, Vendor.ZENDESK)

        began = time.monotonic()
        sync = connector_sync(connector=connector)

        assert time.monotonic() - began >= 1.0
        assert (sync.status, sync.created) == (JobStatus.SUCCEEDED, 3)
        assert len(standin.requests_to(Z_INC)) == 3  # page 1, the 429, page 2 again

    def test_a_retry_after_longer_than_the_cap_is_cut_to_the_cap(self, standin: StandIn, settings: object) -> None:
        settings.CONNECTOR_MAX_WAIT = 0.3  # type: ignore[attr-defined]
        zendesk_routes(standin)
        limited = Answer(status=429, body=b"{}", headers={"Retry-After": "3600"})
        standin.route("GET", Z_INC, limited, ok("zendesk/incremental_page1.json"), start_time="0")
        connector = make_connector(standin, Vendor.ZENDESK)

        began = time.monotonic()
        sync = connector_sync(connector=connector)

        assert 0.3 <= time.monotonic() - began < 30
        assert sync.status == JobStatus.SUCCEEDED

    def test_a_malformed_page_stops_the_sync_and_the_next_resumes_after_the_last_committed_page(self, standin: StandIn) -> None:
        zendesk_routes(standin)
        standin.route("GET", Z_INC, Answer(body=b'{"tickets": [{"id": 1003, '), cursor=Z_C2)
        connector = make_connector(standin, Vendor.ZENDESK)

        failed = connector_sync(connector=connector)

        assert failed.status == JobStatus.FAILED and "malformed" in failed.log
        assert (failed.pages, failed.created) == (1, 2)
        connector.refresh_from_db()
        assert connector.cursor == {"cursor": Z_C2} and connector.running_since is None
        assert JobRun.objects.get(pk=failed.job_id).status == JobStatus.FAILED

        standin.route("GET", Z_INC, ok("zendesk/incremental_page2.json"), cursor=Z_C2)
        standin.log.clear()
        resumed = connector_sync(connector=connector)

        assert resumed.status == JobStatus.SUCCEEDED and resumed.created == 1
        assert [params.get("cursor") for params in standin.requests_to(Z_INC)] == [Z_C2]
        assert Interaction.objects.filter(source="zendesk").count() == 3

    def test_a_page_that_is_not_the_documented_shape_is_malformed(self, standin: StandIn) -> None:
        standin.route("GET", Z_INC, Answer(body=b'{"results": []}'), start_time="0")
        sync = connector_sync(connector=make_connector(standin, Vendor.ZENDESK))
        assert sync.status == JobStatus.FAILED and "tickets" in sync.log

    def test_a_ticket_the_import_refuses_is_listed_and_the_rest_imported(self, standin: StandIn) -> None:
        zendesk_routes(standin)
        standin.route(
            "GET",
            "/api/v2/tickets/1003/comments.json",
            Answer(body=b'{"comments": [{"author_id": 501, "body": null, "public": true, "created_at": "never"}]}'),
        )
        sync = connector_sync(connector=make_connector(standin, Vendor.ZENDESK))
        assert (sync.status, sync.created, sync.refused) == (JobStatus.SUCCEEDED, 2, 1)
        assert sync.errors[0]["id"] == "1003" and sync.errors[0]["field"].startswith("messages[0]")

    def test_refused_credentials_fail_the_sync_with_the_reason(self, standin: StandIn) -> None:
        standin.route("GET", Z_INC, Answer(status=401, body=b'{"error": "Couldn\'t authenticate you"}'))
        sync = connector_sync(connector=make_connector(standin, Vendor.ZENDESK))
        assert sync.status == JobStatus.FAILED and "401" in sync.log


F_TICKETS = "/api/v2/tickets"


def freshdesk_routes(standin: StandIn) -> None:
    epoch = "1970-01-01T00:00:00Z"
    standin.route("GET", F_TICKETS, ok("freshdesk/deleted_none.json"), filter="deleted")
    standin.route(
        "GET",
        F_TICKETS,
        ok("freshdesk/tickets_page1.json", Link='<{url}/api/v2/tickets?page=2>; rel="next"'),
        updated_since=epoch,
        page="1",
    )
    standin.route("GET", F_TICKETS, ok("freshdesk/tickets_page2.json"), updated_since="2026-10-02T08:30:00Z", page="1")
    standin.route("GET", "/api/v2/surveys/satisfaction_ratings", ok("freshdesk/satisfaction_ratings.json"))
    for ticket in (2001, 2002, 2003):
        standin.route("GET", f"/api/v2/tickets/{ticket}/conversations", ok(f"freshdesk/conversations_{ticket}.json"))


class TestFreshdesk:
    def test_it_imports_tickets_with_conversations_and_ratings(self, standin: StandIn) -> None:
        freshdesk_routes(standin)
        connector = make_connector(standin, Vendor.FRESHDESK)

        sync = connector_sync(connector=connector)

        # Ticket 2002 comes again, the same, on page 2: the import counts it unchanged, not updated.
        assert (sync.status, sync.created, sync.updated, sync.error_count) == (JobStatus.SUCCEEDED, 3, 0, 0), sync.errors
        ticket = Interaction.objects.select_related("agent", "customer").get(source="freshdesk", external_id="2001")
        assert (ticket.channel, ticket.status, ticket.customer_rating) == ("email", "resolved", "positive")
        assert (ticket.agent.username, ticket.customer.external_id) == ("freshdesk-43101", "freshdesk-43001")
        assert transcript(ticket) == [
            ("customer", "The parcel arrived broken.", True, None),
            ("agent", "Sorry! Refund started.", True, "freshdesk-43101"),
            ("agent", "Approved by finance.", False, "freshdesk-43101"),
        ]
        assert Interaction.objects.get(source="freshdesk", external_id="2002").channel == "chat"
        assert Interaction.objects.get(source="freshdesk", external_id="2003").status == "pending"
        connector.refresh_from_db()
        assert connector.cursor == {"updated_since": "2026-10-03T08:10:00Z", "page": 1}
        assert standin.server.auth[0] == "Basic czNjcmV0LXRva2VuOlg="  # type: ignore[attr-defined]  # "s3cret-token:X"

    def test_a_later_sync_applies_edits_and_deletions(self, standin: StandIn) -> None:
        freshdesk_routes(standin)
        connector = make_connector(standin, Vendor.FRESHDESK)
        connector_sync(connector=connector)
        since = "2026-10-03T08:10:00Z"
        standin.route("GET", F_TICKETS, ok("freshdesk/tickets_edited.json"), updated_since=since, page="1")
        standin.route("GET", F_TICKETS, ok("freshdesk/deleted_2002.json"), filter="deleted", updated_since=since)

        sync = connector_sync(connector=connector)

        assert (sync.status, sync.created, sync.updated, sync.deleted) == (JobStatus.SUCCEEDED, 0, 1, 1)
        assert {"filter": "deleted", "updated_since": since, "per_page": "100", "page": "1"} in standin.requests_to(F_TICKETS)
        edited = Interaction.objects.get(source="freshdesk", external_id="2001")
        assert (edited.subject, edited.status, edited.closed_at is not None) == ("Refund for order 4411 (closed)", "closed", True)
        assert not Interaction.objects.filter(source="freshdesk", external_id="2002").exists()

    def test_it_honours_retry_after_on_conversations(self, standin: StandIn) -> None:
        freshdesk_routes(standin)
        limited = Answer(status=429, body=b"{}", headers={"Retry-After": "1"})
        standin.route("GET", "/api/v2/tickets/2002/conversations", limited, ok("freshdesk/conversations_2002.json"))
        sync = connector_sync(connector=make_connector(standin, Vendor.FRESHDESK))
        assert (sync.status, sync.created) == (JobStatus.SUCCEEDED, 3)
        assert len(standin.requests_to("/api/v2/tickets/2002/conversations")) == 3  # 429, then twice (on both pages)


I_SEARCH = "/conversations/search"


def intercom_routes(standin: StandIn) -> None:
    standin.route("POST", I_SEARCH, ok("intercom/search_page1.json"), starting_after="")
    standin.route("POST", I_SEARCH, ok("intercom/search_page2.json"), starting_after="WzE3OTA5MzIwMDAwMDAsIjMwMDIiXQ==")
    standin.route("GET", "/conversations/3001", ok("intercom/conversation_3001.json"))
    standin.route("GET", "/conversations/3002", ok("intercom/conversation_3002.json"))
    standin.route("GET", "/conversations/3003", Answer(status=404, fixture="intercom/not_found.json"))


class TestIntercom:
    def test_it_imports_conversations_with_their_parts(self, standin: StandIn) -> None:
        Label.objects.create(code="refund_request")
        intercom_routes(standin)
        connector = make_connector(standin, Vendor.INTERCOM)

        sync = connector_sync(connector=connector)

        assert (sync.status, sync.created, sync.pages, sync.error_count) == (JobStatus.SUCCEEDED, 2, 2, 0), sync.errors
        conv = Interaction.objects.select_related("agent", "label").get(source="intercom", external_id="3001")
        assert (conv.channel, conv.status, conv.customer_rating, conv.label.code) == (
            "chat",
            "closed",
            "positive",
            "refund_request",
        )
        assert conv.agent.username == "intercom-814860" and conv.closed_at is not None
        assert transcript(conv) == [
            ("customer", "My parcel arrived broken", True, None),
            ("bot", "Hi, I'm Fin. Let me get a person.", True, None),
            ("agent", "Sorry about that, refund started.", True, "intercom-814860"),
            ("agent", "Customer is VIP.", False, "intercom-814860"),
        ]
        email = Interaction.objects.get(source="intercom", external_id="3002")
        assert (email.channel, email.status, email.agent_id) == ("email", "pending", None)
        assert not Interaction.objects.filter(source="intercom", external_id="3003").exists()  # 404: deleted
        connector.refresh_from_db()
        assert connector.cursor == {"updated_after": 1791018099, "starting_after": None}
        assert standin.server.auth[0] == "Bearer s3cret-token"  # type: ignore[attr-defined]

    def test_a_later_sync_searches_from_the_cursor_and_applies_edits(self, standin: StandIn) -> None:
        intercom_routes(standin)
        connector = make_connector(standin, Vendor.INTERCOM)
        connector_sync(connector=connector)
        standin.route("POST", I_SEARCH, ok("intercom/search_edited.json"), value="1791018099")
        standin.route("GET", "/conversations/3001", ok("intercom/conversation_3001_edited.json"))

        sync = connector_sync(connector=connector)

        assert (sync.status, sync.updated) == (JobStatus.SUCCEEDED, 1)
        conv = Interaction.objects.get(source="intercom", external_id="3001")
        assert conv.status == "open" and transcript(conv)[-1] == ("customer", "Actually it broke again.", True, None)

    def test_it_backs_off_on_server_errors(self, standin: StandIn) -> None:
        intercom_routes(standin)
        standin.route(
            "GET", "/conversations/3002", Answer(status=502, body=b"bad gateway"), ok("intercom/conversation_3002.json")
        )
        sync = connector_sync(connector=make_connector(standin, Vendor.INTERCOM))
        assert (sync.status, sync.created) == (JobStatus.SUCCEEDED, 2)


class TestCommand:
    def test_qadesk_connectors_sync_name_runs_a_sync(self, standin: StandIn, capsys: pytest.CaptureFixture[str]) -> None:
        zendesk_routes(standin)
        make_connector(standin, Vendor.ZENDESK, name="zd-eu")
        call_command("connectors", "sync", "zd-eu")
        assert "created 3" in capsys.readouterr().out
        assert Interaction.objects.filter(source="zd-eu").count() == 3
        assert ConnectorSync.objects.get().status == JobStatus.SUCCEEDED

    def test_a_failed_sync_exits_non_zero(self, standin: StandIn) -> None:
        standin.route("GET", Z_INC, Answer(body=b"<html>maintenance</html>"))
        make_connector(standin, Vendor.ZENDESK)
        with pytest.raises(CommandError, match="resumes"):
            call_command("connectors", "sync", "zendesk")

    def test_an_unknown_name_is_an_error(self, db: None) -> None:
        with pytest.raises(CommandError, match="nope"):
            call_command("connectors", "sync", "nope")

    def test_list_shows_each_connector_and_its_cursor(self, standin: StandIn, capsys: pytest.CaptureFixture[str]) -> None:
        zendesk_routes(standin)
        connector_sync(connector=make_connector(standin, Vendor.ZENDESK))
        call_command("connectors", "list")
        assert Z_C3 in capsys.readouterr().out


def test_a_connector_already_syncing_is_not_synced_twice(standin: StandIn) -> None:
    from django.utils import timezone

    from qadesk.core.errors import Conflict

    connector = make_connector(standin, Vendor.ZENDESK)
    Connector.objects.filter(pk=connector.pk).update(running_since=timezone.now())
    with pytest.raises(Conflict):
        connector_sync(connector=connector)


def test_a_job_queued_again_after_its_worker_died_resumes_from_the_cursor(standin: StandIn) -> None:
    """The worker died after page 1: the connector is still marked syncing and its sync running; the job's retry
    takes the connector over at once, goes on from the cursor with the same sync record, and finishes it."""
    from django.utils import timezone

    zendesk_routes(standin)
    connector = make_connector(standin, Vendor.ZENDESK)
    job = JobRun.objects.create(kind="connector_sync", params={"connector": connector.pk}, status=JobStatus.RUNNING)
    dead = ConnectorSync.objects.create(connector=connector, job=job, pages=1, created=2)
    other = ConnectorSync.objects.create(connector=connector)  # an older one, never finished
    Connector.objects.filter(pk=connector.pk).update(running_since=timezone.now(), cursor={"cursor": Z_C2})

    sync = connector_sync(connector=connector, job=job)

    assert sync.pk == dead.pk and (sync.status, sync.pages, sync.created) == (JobStatus.SUCCEEDED, 2, 3)
    assert [params.get("cursor") for params in standin.requests_to(Z_INC)] == [Z_C2]
    other.refresh_from_db()
    assert other.status == JobStatus.FAILED and "worker died" in other.log
