"""The import page in a real browser: upload, check, import at 1440 px; the progress bar moving (htmx polling) and then
the result at 390 px; no horizontal overflow at either width."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from qadesk.accounts.models import Role
from qadesk.core.models import JobRun, JobStatus
from qadesk.imports.models import ImportUpload
from qadesk.imports.tests.helpers import record
from qadesk.interactions.models import Interaction
from qadesk.testing import factories as f
from qadesk.testing.walk import HOME_URL

ARTIFACTS = Path(django_settings.BASE_DIR).parent / "test-artifacts"


def _page(browser: Any, live_server: Any, width: int) -> Any:
    page = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB").new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "elena")
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(HOME_URL)
    return page


def _no_overflow(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_checks_a_file_then_imports_the_valid_rows(browser: Any, live_server: Any, settings: Any, tmp_path: Path) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.DATA_DIR = tmp_path
    ARTIFACTS.mkdir(exist_ok=True)
    f.make_user("elena", Role.QA_LEAD)
    long_id = "X" * 60  # a long id without spaces must not push the page wider
    rows = [record(1, external_id=long_id), record(2, channel="fax"), record(3)]
    path = tmp_path / "contacts.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    page = _page(browser, live_server, 1440)
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("#id_file", str(path))
    page.click("[data-upload]")
    page.wait_for_url("**/imports/*/")
    assert page.locator("[data-preview-row]").count() == 3
    assert page.locator("[data-error]").count() == 1 and "channel" in page.locator("[data-error]").inner_text()
    _no_overflow(page, 1440)
    page.check("input[name=mode][value=valid]")
    page.click("[data-run]")
    page.wait_for_url("**/job/")
    assert page.locator("[data-status]").get_attribute("data-status") == JobStatus.SUCCEEDED
    assert page.locator("progress").get_attribute("value") == "100"
    assert page.locator("[data-count=created]").inner_text() == "2"
    assert page.locator("[data-count=refused]").inner_text() == "1"
    assert Interaction.objects.count() == 2
    _no_overflow(page, 1440)
    # The check's page and the list at phone width: the tables scroll inside their cards, the page does not.
    phone = _page(browser, live_server, 390)
    upload = ImportUpload.objects.get()
    for url in (f"/imports/{upload.pk}/", "/imports/", f"/imports/{upload.pk}/job/"):
        phone.goto(f"{live_server.url}{url}")
        _no_overflow(phone, 390)
        phone.screenshot(path=str(ARTIFACTS / f"import-390-{url.strip('/').replace('/', '-')}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_progress_bar_moves_and_turns_into_the_result_at_phone_width(
    browser: Any, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    lead = f.make_user("elena", Role.QA_LEAD)
    job = JobRun.objects.create(kind="import", status=JobStatus.RUNNING, created_by=lead, started_at=timezone.now())
    upload = ImportUpload.objects.create(
        name="a-very-long-export-file-name-without-any-space-at-all-2026-12-05.jsonl", fmt="jsonl", content=b"x", job=job
    )
    JobRun.objects.filter(pk=job.pk).update(progress=40)
    for width in (1440, 390):
        page = _page(browser, live_server, width)
        page.goto(f"{live_server.url}/imports/{upload.pk}/job/")
        bar = page.locator("progress")
        assert bar.get_attribute("value") == "40" and bar.is_visible()
        box = bar.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
        _no_overflow(page, width)
    # The job ends: the card polled every 2 s shows the result without a reload.
    upload.report = {"created": 7, "updated": 0, "unchanged": 0, "refused": 0, "committed": True, "errors": [], "error_count": 0}
    upload.save()
    JobRun.objects.get(pk=job.pk).finish(status=JobStatus.SUCCEEDED, counts={"created": 7})
    page.wait_for_selector("[data-status=succeeded]", timeout=10_000)
    assert page.locator("progress").get_attribute("value") == "100"
    assert page.locator("[data-count=created]").inner_text() == "7"
    _no_overflow(page, 390)
