"""An edit at the helpdesk of a transcript that reviews scored (ticket 1001's comment redacted): with the connector's
"revise reviewed transcripts" the edit replaces it and the review keeps showing what it scored; without, the edit is
refused and listed in the sync's errors. Through the connector's page, "sync now" and `qadesk connectors sync`."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from qadesk.accounts.models import User
from qadesk.connectors.models import Connector, ConnectorSync, Vendor
from qadesk.connectors.services import connector_sync
from qadesk.connectors.tests.conftest import make_connector
from qadesk.connectors.tests.standin import StandIn, ok
from qadesk.connectors.tests.test_sync import zendesk_routes
from qadesk.connectors.tests.test_views import _form
from qadesk.core.models import JobStatus
from qadesk.imports.tests.test_reimports import _submitted_review
from qadesk.interactions.models import Interaction, TranscriptRevision
from qadesk.reviews.models import Review
from qadesk.scorecards.models import ScorecardVersion
from qadesk.testing.clients import page_client

pytestmark = pytest.mark.django_db

SCORED = "Mi dispiace! Avvio il rimborso."
REDACTED = "Mi dispiace! Avvio il ▇▇▇▇▇▇▇▇."


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: object) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # type: ignore[attr-defined]


def _reviewed_then_redacted(standin: StandIn, connector: Connector, reviewer: User, version: ScorecardVersion) -> Review:
    """A first sync, a submitted review of ticket 1001, then the helpdesk serves 1001 with a comment redacted (the
    next sync reads page 3 again, which carries 1001)."""
    zendesk_routes(standin)
    connector_sync(connector=connector)
    review = _submitted_review("1001", reviewer, version)
    standin.route("GET", "/api/v2/tickets/1001/comments.json", ok("zendesk/comments_1001_redacted.json"))
    return review


def _bodies(interaction: Interaction) -> list[str]:
    return list(interaction.messages.order_by("position").values_list("body", flat=True))


def test_an_admin_turns_revisions_on_and_sync_now_revises_the_reviewed_ticket(
    standin: StandIn, admin_user: User, qa_lead: User, reviewer: User, default_scorecard: ScorecardVersion,
    django_capture_on_commit_callbacks: object,
) -> None:  # fmt: skip
    client = page_client(admin_user)
    client.post(reverse("connectors:create"), _form(standin))
    connector = Connector.objects.get()
    assert connector.new_revision is False  # the default: refuse and list
    edit = client.get(reverse("connectors:edit", args=[connector.pk])).content.decode()
    assert 'name="new_revision"' in edit and "Revise reviewed transcripts" in edit
    client.post(reverse("connectors:edit", args=[connector.pk]), _form(standin, secret="", new_revision="on"))
    connector.refresh_from_db()
    assert connector.new_revision is True
    detail = client.get(reverse("connectors:detail", args=[connector.pk])).content.decode()
    assert "<dt>Edits of reviewed transcripts</dt><dd>New revision</dd>" in detail
    review = _reviewed_then_redacted(standin, connector, reviewer, default_scorecard)

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post(reverse("connectors:sync", args=[connector.pk]))

    sync = ConnectorSync.objects.order_by("-pk").first()
    assert sync is not None and (sync.status, sync.revised, sync.refused, sync.errors) == (JobStatus.SUCCEEDED, 1, 0, [])
    job_page = client.get(response["Location"]).content.decode()
    assert "<dt>Revised</dt><dd>1</dd>" in job_page and "1 reviewed transcript replaced" in job_page
    ticket = Interaction.objects.get(source="zendesk", external_id="1001")
    assert REDACTED in _bodies(ticket) and SCORED not in _bodies(ticket)
    review.refresh_from_db()
    revision = TranscriptRevision.objects.get(interaction=ticket)
    assert review.transcript == revision and revision.number == 1
    review_page = page_client(qa_lead).get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert SCORED in review_page and REDACTED not in review_page
    assert "The transcript as it was scored (revision 1)" in review_page


def test_by_default_the_edit_of_a_reviewed_ticket_is_refused_and_listed(
    standin: StandIn, admin_user: User, reviewer: User, default_scorecard: ScorecardVersion
) -> None:
    connector = make_connector(standin, Vendor.ZENDESK)
    review = _reviewed_then_redacted(standin, connector, reviewer, default_scorecard)

    sync = connector_sync(connector=connector)

    assert (sync.status, sync.refused, sync.revised) == (JobStatus.SUCCEEDED, 1, 0)
    assert sync.errors[0]["id"] == "1001" and "reviewed" in sync.errors[0]["message"]
    ticket = Interaction.objects.get(source="zendesk", external_id="1001")
    assert SCORED in _bodies(ticket) and not TranscriptRevision.objects.exists()
    review.refresh_from_db()
    assert review.transcript is None
    page = page_client(admin_user).get(reverse("connectors:detail", args=[connector.pk])).content.decode()
    assert "<dt>Edits of reviewed transcripts</dt><dd>Refused and listed</dd>" in page
    assert "1001 · messages[1]" in page


def test_the_command_line_flag_revises_for_one_sync(
    standin: StandIn, reviewer: User, default_scorecard: ScorecardVersion, capsys: pytest.CaptureFixture[str]
) -> None:
    connector = make_connector(standin, Vendor.ZENDESK, name="zd-eu")
    review = _reviewed_then_redacted(standin, connector, reviewer, default_scorecard)
    capsys.readouterr()

    call_command("connectors", "sync", "zd-eu", "--new-revision")

    assert "1 reviewed transcript replaced" in capsys.readouterr().out
    review.refresh_from_db()
    assert review.transcript is not None and review.transcript.number == 1
    assert REDACTED in _bodies(Interaction.objects.get(source="zd-eu", external_id="1001"))
    connector.refresh_from_db()
    assert connector.new_revision is False  # one sync's choice, not the connector's setting


def test_the_command_line_can_refuse_though_the_connector_revises(
    standin: StandIn, reviewer: User, default_scorecard: ScorecardVersion, capsys: pytest.CaptureFixture[str]
) -> None:
    connector = make_connector(standin, Vendor.ZENDESK, name="zd-eu", new_revision=True)
    _reviewed_then_redacted(standin, connector, reviewer, default_scorecard)
    capsys.readouterr()

    call_command("connectors", "sync", "zd-eu", "--no-new-revision")

    assert "1001: messages[1]:" in capsys.readouterr().err
    assert not TranscriptRevision.objects.exists()
