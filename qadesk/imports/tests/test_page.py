"""The import page through the browser's door (Django's test client): who sees it, the check with every error before
anything is written, the two modes, the background job's progress and result, CSV mapping saved per source, and
helpdesk exports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from qadesk.accounts.models import User
from qadesk.core.models import JobRun, JobStatus
from qadesk.imports.models import CsvMapping, ImportUpload
from qadesk.imports.selectors import job_progress
from qadesk.imports.tests.helpers import record
from qadesk.imports.uploads import ProgressNote, progress_path, upload_map
from qadesk.interactions.models import Interaction

FILES = Path(__file__).resolve().parents[2] / "connectors" / "tests" / "fixtures" / "files"


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any, tmp_path: Path) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.DATA_DIR = tmp_path


def _jsonl(*records: dict[str, Any]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def capture(django_capture_on_commit_callbacks: Any) -> Any:
    """Run what a request queues for after its transaction (the check, the import) when the request ends."""
    return django_capture_on_commit_callbacks


def _upload(client: Client, capture: Any, content: bytes, name: str = "contacts.jsonl", follow: bool = False, **data: str) -> Any:
    """Upload a file and let its check run; `follow`: open the check's page."""
    with capture(execute=True):
        answer = client.post(reverse("imports:upload"), {"file": SimpleUploadedFile(name, content), **data})
    return client.get(answer.url) if follow and answer.status_code == 302 else answer


def _run(client: Client, upload: ImportUpload, mode: str, capture: Any) -> Any:
    """Click "Import", let the job run (it is queued when the request's transaction commits), open the job page."""
    with capture(execute=True):
        answer = client.post(reverse("imports:run", args=[upload.pk]), {"mode": mode})
    assert answer.status_code == 302
    return client.get(answer.url)


BAD = record(2, channel="fax", messages=[{"author": "robot", "body": "?"}])


class TestWhoSeesIt:
    @pytest.mark.parametrize("persona", ["agent_user", "team_lead", "reviewer", "manager"])
    def test_everyone_but_qa_leads_and_admins_gets_404(self, persona: str, request: pytest.FixtureRequest, qa_lead: User) -> None:
        upload = ImportUpload.objects.create(name="x.jsonl", fmt="jsonl", content=b"", created_by=qa_lead)
        client = _client(request.getfixturevalue(persona))
        for url in (
            reverse("imports:upload"),
            reverse("imports:preview", args=[upload.pk]),
            reverse("imports:job", args=[upload.pk]),
        ):
            assert client.get(url).status_code == 404
        assert client.post(reverse("imports:run", args=[upload.pk]), {"mode": "all"}).status_code == 404
        assert "/imports/" not in client.get(reverse("home:home")).content.decode()  # not in the menu either

    @pytest.mark.parametrize("persona", ["qa_lead", "admin_user"])
    def test_qa_leads_and_admins_have_the_page_in_the_menu(self, persona: str, request: pytest.FixtureRequest) -> None:
        client = _client(request.getfixturevalue(persona))
        assert client.get(reverse("imports:upload")).status_code == 200
        assert 'href="/imports/"' in client.get(reverse("home:home")).content.decode()


@pytest.mark.django_db
class TestCheckThenImport:
    def test_the_check_shows_the_first_rows_and_every_error_and_writes_nothing(self, qa_lead: User, capture: Any) -> None:
        client = _client(qa_lead)
        answer = _upload(client, capture, _jsonl(record(1), BAD, record(3, sop="SOP-X")), follow=True)
        page = answer.content.decode()
        assert answer.status_code == 200 and "T-1001" in page and page.count("data-preview-row") == 3
        check = ImportUpload.objects.get().check_report
        assert (check["rows"], check["created"], check["refused"]) == (3, 1, 2)
        fields = [(e["line"], e["field"]) for e in check["errors"]]
        assert (2, "channel") in fields and (2, "messages[0].author") in fields and (3, "sop") in fields
        assert page.count("data-error") == len(fields)
        assert not Interaction.objects.exists()  # a check writes nothing

    def test_the_errors_are_in_the_users_language(self, qa_lead: User, capture: Any) -> None:
        qa_lead.language = "it"
        qa_lead.save()
        client = _client(qa_lead)
        client.cookies.load({"django_language": "it"})
        _upload(client, capture, _jsonl(record(1, external_id="")))
        [error] = ImportUpload.objects.get().check_report["errors"]
        assert error["field"] == "external_id" and "richiede" in error["message"]  # Italian, as the person reads

    def test_all_or_nothing_imports_nothing_when_a_row_is_wrong(self, qa_lead: User, capture: Any) -> None:
        client = _client(qa_lead)
        _upload(client, capture, _jsonl(record(1), BAD))
        upload = ImportUpload.objects.get()
        page = _run(client, upload, "all", capture).content.decode()
        upload.refresh_from_db()
        assert upload.job is not None and upload.job.status == JobStatus.FAILED
        assert not Interaction.objects.exists() and "Nothing was imported" in page
        assert upload.content  # kept: the same file can be imported again with the other mode
        page = _run(client, upload, "valid", capture).content.decode()
        upload.refresh_from_db()
        assert upload.job is not None and upload.job.status == JobStatus.SUCCEEDED
        assert list(Interaction.objects.values_list("external_id", flat=True)) == ["T-1001"]
        assert upload.report["created"] == 1 and upload.report["refused"] == 1 and 'data-count="refused">1<' in page
        assert upload.content == b""  # done: the file is dropped

    def test_the_result_counts_created_updated_and_unchanged_and_a_second_click_changes_nothing(
        self, qa_lead: User, capture: Any
    ) -> None:
        client = _client(qa_lead)
        _upload(client, capture, _jsonl(record(1), record(2)))
        _run(client, ImportUpload.objects.get(), "all", capture)
        _upload(client, capture, _jsonl(record(1), record(2, subject="Changed"), record(3)))
        upload = ImportUpload.objects.first()
        assert upload is not None
        assert (upload.check_report["created"], upload.check_report["updated"], upload.check_report["unchanged"]) == (1, 1, 1)
        page = _run(client, upload, "all", capture).content.decode()
        assert 'data-count="created">1<' in page and 'data-count="updated">1<' in page and 'data-count="unchanged">1<' in page
        jobs = JobRun.objects.filter(kind="import").count()
        _run(client, upload, "all", capture)  # a double submit
        assert JobRun.objects.filter(kind="import").count() == jobs and Interaction.objects.count() == 3

    def test_a_file_that_cannot_be_read_is_named_and_cannot_be_imported(self, qa_lead: User, capture: Any) -> None:
        client = _client(qa_lead)
        page = _upload(client, capture, b"\xff\xfeh\x00i\x00", name="bad.jsonl", follow=True).content.decode()
        assert "UTF-16" in page and "data-run" not in page
        upload = ImportUpload.objects.get()
        assert client.post(reverse("imports:run", args=[upload.pk]), {"mode": "all"}).status_code == 302
        assert upload.job is None and not JobRun.objects.filter(kind="import").exists()


@pytest.mark.django_db
class TestProgress:
    def test_a_note_written_during_the_transaction_is_what_the_page_shows(self, qa_lead: User, settings: Any) -> None:
        job = JobRun.objects.create(kind="import", status=JobStatus.RUNNING, created_by=qa_lead)
        note = ProgressNote(job)
        note.write(42, {"read": 500})
        if note.conn is None:  # SQLite: a file beside the database
            assert progress_path(job.pk).exists()
            assert job_progress(job=job) == (42, {"read": 500})
        note.close()
        assert not progress_path(job.pk).exists()

    @pytest.mark.django_db(transaction=True)
    def test_the_progress_is_readable_while_the_imports_transaction_is_open(
        self, qa_lead: User, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from qadesk.imports import uploads

        upload = ImportUpload.objects.create(name="x.jsonl", fmt="jsonl", content=_jsonl(*(record(n) for n in range(1, 11))))
        upload.check_report = {"rows": 10}
        job = JobRun.objects.create(kind="import", created_by=qa_lead)
        seen: list[tuple[int, dict[str, Any]]] = []
        rows = uploads.upload_rows

        def watched(*, upload: ImportUpload) -> Any:
            for n, row in enumerate(rows(upload=upload), 1):
                if n == 6:  # five rows read, inside the import's transaction: what would the page show?
                    seen.append(job_progress(job=JobRun.objects.get(pk=job.pk)))
                yield row

        monkeypatch.setattr(uploads, "PROGRESS_EVERY", 1)
        monkeypatch.setattr(uploads, "upload_rows", watched)
        uploads.upload_run(upload=upload, job=job)
        assert seen == [(50, {"read": 5})]
        job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED and job.progress == 100 and Interaction.objects.count() == 10

    def test_the_check_is_a_background_job_and_its_page_polls_until_it_ends(self, qa_lead: User, capture: Any) -> None:
        client = _client(qa_lead)
        client.post(reverse("imports:upload"), {"file": SimpleUploadedFile("c.jsonl", _jsonl(record(1)))})  # not run yet
        upload = ImportUpload.objects.get()
        assert upload.check_job is not None and upload.check_job.status == JobStatus.QUEUED
        page = client.get(reverse("imports:preview", args=[upload.pk])).content.decode()
        assert 'hx-trigger="every 2s"' in page and 'id="check-progress"' in page and "data-run" not in page
        assert client.post(reverse("imports:run", args=[upload.pk]), {"mode": "all"}).status_code == 302
        assert not JobRun.objects.filter(kind="import").exists()  # nothing to import before the check ends

    def test_the_job_page_polls_while_the_job_runs(self, qa_lead: User) -> None:
        job = JobRun.objects.create(kind="import", status=JobStatus.RUNNING, created_by=qa_lead, progress=30)
        upload = ImportUpload.objects.create(name="x.jsonl", fmt="jsonl", content=b"x", created_by=qa_lead, job=job)
        page = _client(qa_lead).get(reverse("imports:job", args=[upload.pk])).content.decode()
        assert 'hx-trigger="every 2s"' in page and '<progress id="import-progress-' in page


@pytest.mark.django_db
class TestCsvMapping:
    HEADER = "Ticket ID,Opened,Canale,Oggetto,Operatore,Note interne\n"

    def _csv(self, *rows: str) -> bytes:
        return (self.HEADER + "".join(rows)).encode()

    def test_other_columns_are_mapped_saved_for_the_source_and_applied_to_its_next_file(
        self, qa_lead: User, capture: Any
    ) -> None:
        client = _client(qa_lead)
        content = self._csv(
            "A-1,2026-10-01T09:00:00Z,phone,Bolletta,m.verdi,x\n", "A-2,2026-10-02T09:00:00Z,fax,Reso,m.verdi,y\n"
        )
        _upload(client, capture, content, name="crm.csv", source="crm-milano")
        upload = ImportUpload.objects.get()
        assert "external_id" in " ".join(upload.check_report["problems"])  # not mapped yet
        page = client.get(reverse("imports:preview", args=[upload.pk])).content.decode()
        assert "Ticket ID" in page and 'name="col_0"' in page
        mapping = {"col_0": "external_id", "col_1": "created_at", "col_2": "channel", "col_3": "subject", "col_4": "agents"}
        with capture(execute=True):
            client.post(reverse("imports:mapping", args=[upload.pk]), mapping)
        answer = client.get(reverse("imports:preview", args=[upload.pk]))
        upload.refresh_from_db()
        check = upload.check_report
        assert (check["rows"], check["created"], check["refused"]) == (2, 1, 1)
        assert check["errors"][0]["line"] == 3 and check["errors"][0]["field"] == "channel"
        assert check["preview"][0]["source"] == "crm-milano" and check["preview"][0]["agents"] == "m.verdi"
        assert "A-1" in answer.content.decode()
        saved = CsvMapping.objects.get(source="crm-milano").columns
        assert saved["Ticket ID"] == "external_id" and saved["Note interne"] == ""
        # The next file of that source is mapped without asking.
        _upload(
            client, capture, self._csv("A-3,2026-10-03T09:00:00Z,email,Fattura,m.verdi,z\n"), name="crm2.csv", source="crm-milano"
        )
        second = ImportUpload.objects.first()
        assert second is not None and second.pk != upload.pk
        assert second.check_report["created"] == 1 and not second.check_report.get("problems")

    def test_a_check_replaced_by_a_new_mapping_does_not_overwrite_its_report(self, qa_lead: User, capture: Any) -> None:
        from qadesk.imports.uploads import upload_check

        client = _client(qa_lead)
        client.post(reverse("imports:upload"), {"file": SimpleUploadedFile("c.jsonl", _jsonl(record(1)))})  # queued only
        upload = ImportUpload.objects.get()
        stale = upload.check_job
        assert stale is not None
        with capture(execute=True):
            upload_map(upload=upload, actor=qa_lead, mapping={})  # not a CSV here, but it queues a newer check
        upload.refresh_from_db()
        newer = upload.check_report
        upload_check(upload=upload, job=stale)
        upload.refresh_from_db()
        assert upload.check_report == newer and newer["created"] == 1

    def test_a_field_chosen_twice_is_a_problem_named_on_the_page(self, qa_lead: User, capture: Any) -> None:
        client = _client(qa_lead)
        _upload(client, capture, self._csv("A-1,2026-10-01T09:00:00Z,phone,Bolletta,m.verdi,x\n"), name="crm.csv", source="crm")
        upload = ImportUpload.objects.get()
        mapping = {"col_0": "external_id", "col_1": "created_at", "col_2": "channel", "col_3": "subject", "col_5": "subject"}
        page = client.post(reverse("imports:mapping", args=[upload.pk]), mapping, follow=True).content.decode()
        assert "Two columns are mapped to subject." in page


@pytest.mark.django_db
class TestHelpdeskExports:
    @pytest.mark.parametrize(
        ("name", "fmt"),
        [
            ("zendesk_tickets.jsonl", "zendesk"),
            ("freshdesk_tickets.json", "freshdesk"),
            ("intercom_conversations.json", "intercom"),
        ],
    )
    def test_an_export_is_checked_and_imported_from_the_page(self, name: str, fmt: str, qa_lead: User, capture: Any) -> None:
        client = _client(qa_lead)
        _upload(client, capture, (FILES / name).read_bytes(), name=name, fmt=fmt)
        upload = ImportUpload.objects.get()
        assert upload.check_report["created"] == 2 and upload.check_report["preview"][0]["source"] == fmt
        _run(client, upload, "all", capture)
        assert Interaction.objects.filter(source=fmt).count() == 2
