"""The bulk import endpoints through the HTTP door: who may import, all-or-nothing, skip-invalid, uploads."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qadesk.imports.tests.helpers import record
from qadesk.interactions.models import Interaction

pytestmark = pytest.mark.django_db
URL = "/api/v1/imports/interactions"


def _post(client: Client, records: list[dict], query: str = "") -> tuple[int, dict]:
    response = client.post(URL + query, {"records": records}, content_type="application/json")
    return response.status_code, response.json()


def test_a_qa_lead_imports_records(client: Client, qa_lead) -> None:
    client.force_login(qa_lead)
    status, body = _post(client, [record(1), record(2)])
    assert status == 200
    assert (body["created"], body["updated"], body["committed"], body["errors"]) == (2, 0, True, [])
    assert Interaction.objects.count() == 2


def test_broken_records_are_422_with_every_error_and_nothing_written(client: Client, admin_user) -> None:
    client.force_login(admin_user)
    status, body = _post(client, [record(1), record(2, channel="fax", created_at="nope")])
    assert status == 422
    assert body["committed"] is False
    assert {(e["line"], e["field"]) for e in body["errors"]} == {(2, "channel"), (2, "created_at")}
    assert Interaction.objects.count() == 0


def test_skip_invalid_commits_the_valid_records(client: Client, qa_lead) -> None:
    client.force_login(qa_lead)
    status, body = _post(client, [record(1), record(2, channel="fax")], "?skip_invalid=true")
    assert (status, body["created"], body["skipped"]) == (200, 1, 1)
    assert Interaction.objects.count() == 1


@pytest.mark.parametrize("persona", ["agent_user", "reviewer", "team_lead", "manager"])
def test_only_qa_leads_and_admins_may_import(client: Client, persona: str, request: pytest.FixtureRequest) -> None:
    client.force_login(request.getfixturevalue(persona))
    status, _body = _post(client, [record(1)])
    assert status == 403
    assert Interaction.objects.count() == 0


def test_a_json_lines_upload_is_imported(client: Client, qa_lead) -> None:
    client.force_login(qa_lead)
    content = "".join(json.dumps(r) + "\n" for r in (record(1), record(2)))
    upload = SimpleUploadedFile("export.jsonl", content.encode(), content_type="application/x-ndjson")
    response = client.post(URL + "/file", {"file": upload})
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2


def test_anonymous_callers_are_refused(client: Client) -> None:
    assert client.post(URL, {"records": []}, content_type="application/json").status_code == 401
