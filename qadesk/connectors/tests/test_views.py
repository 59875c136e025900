"""The connector pages, as an admin uses them: configure, sync now, watch the job, read the history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qadesk.accounts.models import User
from qadesk.connectors.crypto import decrypt
from qadesk.connectors.models import Connector, ConnectorSync, Vendor
from qadesk.connectors.services import JOB_KIND
from qadesk.connectors.tests.conftest import make_connector
from qadesk.connectors.tests.standin import Answer, StandIn
from qadesk.connectors.tests.test_sync import Z_INC, zendesk_routes
from qadesk.core.models import JobRun, JobStatus
from qadesk.interactions.models import Interaction
from qadesk.testing.clients import page_client


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: object) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # type: ignore[attr-defined]


def _form(standin: StandIn, **extra: str) -> dict[str, str]:
    return {"name": "zendesk", "vendor": "zendesk", "base_url": standin.url, "login": "qa@acme.example",
            "secret": "tok-123", "every_minutes": "15", "enabled": "on", **extra}  # fmt: skip


def test_only_admins_see_the_connector_pages(qa_lead: User, admin_user: User) -> None:
    lead = page_client(qa_lead)
    assert lead.get(reverse("connectors:list")).status_code == 404
    assert lead.post(reverse("connectors:create"), {}).status_code == 404
    page = page_client(admin_user).get(reverse("connectors:list"))
    assert page.status_code == 200 and "No connector yet." in page.content.decode()
    assert reverse("connectors:list") in page_client(admin_user).get(reverse("interactions:list")).content.decode()
    assert reverse("connectors:list") not in lead.get(reverse("interactions:list")).content.decode()


def test_a_non_admin_cannot_sync_a_connector(standin: StandIn, qa_lead: User) -> None:
    connector = make_connector(standin, Vendor.ZENDESK)
    assert page_client(qa_lead).post(reverse("connectors:sync", args=[connector.pk])).status_code == 404
    assert not JobRun.objects.exists()


def test_an_admin_configures_a_connector_and_the_secret_is_stored_encrypted(standin: StandIn, admin_user: User) -> None:
    client = page_client(admin_user)
    response = client.post(reverse("connectors:create"), _form(standin))
    connector = Connector.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("connectors:detail", args=[connector.pk])
    assert "tok-123" not in connector.secret_encrypted and decrypt(connector.secret_encrypted) == "tok-123"
    edit = client.get(reverse("connectors:edit", args=[connector.pk])).content.decode()
    assert "tok-123" not in edit and connector.secret_encrypted not in edit

    client.post(reverse("connectors:edit", args=[connector.pk]), _form(standin, secret="", every_minutes="30"))
    connector.refresh_from_db()
    assert connector.every_minutes == 30 and decrypt(connector.secret_encrypted) == "tok-123"  # kept


@pytest.mark.parametrize(
    ("change", "field"),
    [({"secret": ""}, "secret"), ({"login": ""}, "login"), ({"base_url": "http://helpdesk.example.com"}, "base_url"),
     ({"every_minutes": "1"}, "every_minutes")],
)  # fmt: skip
def test_the_form_refuses_what_cannot_work(standin: StandIn, admin_user: User, change: dict[str, str], field: str) -> None:
    response = page_client(admin_user).post(reverse("connectors:create"), _form(standin, **change))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Connector.objects.exists()


def test_sync_now_runs_the_sync_and_the_job_page_shows_its_counts(
    standin: StandIn, admin_user: User, django_capture_on_commit_callbacks: object
) -> None:
    zendesk_routes(standin)
    connector = make_connector(standin, Vendor.ZENDESK)
    client = page_client(admin_user)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post(reverse("connectors:sync", args=[connector.pk]))
    job = JobRun.objects.get(kind=JOB_KIND)
    assert response.status_code == 302 and response["Location"] == reverse("connectors:job", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED and job.progress == 100 and job.created_by == admin_user
    page = client.get(response["Location"]).content.decode()
    assert "<dt>Created</dt><dd>3</dd>" in page and "<dt>Fetched</dt><dd>3</dd>" in page
    assert 'hx-trigger="every 2s"' not in page  # finished: no more polling
    assert Interaction.objects.filter(source="zendesk").count() == 3
    assert ConnectorSync.objects.get().started_by == admin_user


def test_a_queued_job_page_polls_for_progress(standin: StandIn, admin_user: User) -> None:
    connector = make_connector(standin, Vendor.ZENDESK)
    job = JobRun.objects.create(kind=JOB_KIND, params={"connector": connector.pk}, status=JobStatus.RUNNING, progress=40)
    client = page_client(admin_user)
    page = client.get(reverse("connectors:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and 'value="40"' in page and connector.name in page
    partial = client.get(reverse("connectors:job", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and 'id="job-card"' in partial and "40%" in partial


def test_the_history_lists_each_sync_with_its_counts_and_errors(standin: StandIn, admin_user: User) -> None:
    from qadesk.connectors.services import connector_sync

    zendesk_routes(standin)
    connector = make_connector(standin, Vendor.ZENDESK)
    connector_sync(connector=connector)
    standin.route("GET", Z_INC, Answer(status=401, body=b"{}"))
    connector_sync(connector=connector)
    page = page_client(admin_user).get(reverse("connectors:detail", args=[connector.pk])).content.decode()
    assert page.count('class="badge badge-ok"') == 1 and page.count('class="badge badge-bad"') == 1
    assert "The helpdesk refused the credentials (401)." in page
    assert '<td class="num">3</td>' in page
