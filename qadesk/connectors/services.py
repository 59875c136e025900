"""Connectors: save them (secret encrypted), sync them page by page through the import service, record each sync.

A sync reads the vendor's change feed from the connector's cursor. Each page is imported with
`interactions_import` (skip_invalid: one bad ticket does not hold the others back; it is listed in the sync's
errors), its deletions applied, and the cursor moved, all in one transaction: a sync killed half-way resumes after
the last page it committed, and a page is never half imported.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qadesk.accounts.models import Role, User
from qadesk.connectors.client import HttpClient
from qadesk.connectors.crypto import decrypt, encrypt
from qadesk.connectors.models import Connector, ConnectorSync, Vendor
from qadesk.connectors.vendors.common import Context, Feed, Page, read_ahead
from qadesk.connectors.vendors.freshdesk import FreshdeskFeed
from qadesk.connectors.vendors.intercom import IntercomFeed
from qadesk.connectors.vendors.zendesk import ZendeskFeed
from qadesk.core.errors import ApplicationError, Conflict, PermissionDenied
from qadesk.core.models import JobRun, JobStatus
from qadesk.core.services import job_enqueue
from qadesk.imports.services import interactions_import
from qadesk.interactions.models import Interaction, Label
from qadesk.surveys.models import SurveyInvitation, SurveyResponse
from qadesk.surveys.rollup import survey_rollup_kept

logger = logging.getLogger(__name__)

JOB_KIND = "connector_sync"
MAX_KEPT_ERRORS = 200
LEASE = timedelta(hours=2)  # a sync that has not finished in this long is taken to have died with its worker
FEEDS: dict[str, Callable[[Context], Feed]] = {
    Vendor.ZENDESK: ZendeskFeed,
    Vendor.FRESHDESK: FreshdeskFeed,
    Vendor.INTERCOM: IntercomFeed,
}


def connector_check_allowed(*, actor: User) -> None:
    """Connectors hold helpdesk credentials and write the whole organisation's data: admins only."""
    if not (actor.is_superuser or actor.role == Role.ADMIN):
        raise PermissionDenied(_("Only admins can manage connectors."))


def connector_save(*, connector: Connector, secret: str | None, actor: User) -> Connector:
    """Create or update a connector; a new secret (non-empty) replaces the stored one, encrypted."""
    connector_check_allowed(actor=actor)
    if secret:
        connector.secret_encrypted = encrypt(secret)
    connector.full_clean()
    connector.save()
    return connector


def connector_reset_cursor(*, connector: Connector, actor: User) -> None:
    """Forget how far the feed was read: the next sync reads everything since `start_at` again (idempotent)."""
    connector_check_allowed(actor=actor)
    Connector.objects.filter(pk=connector.pk).update(cursor={})


def client_for(connector: Connector, **options: Any) -> HttpClient:
    """An HTTP client with the vendor's authentication (Zendesk: e-mail/token, Freshdesk: key:X, Intercom: bearer)."""
    secret = decrypt(connector.secret_encrypted)
    if connector.vendor == Vendor.INTERCOM:
        auth = f"Bearer {secret}"
    else:
        user = f"{connector.login}/token:{secret}" if connector.vendor == Vendor.ZENDESK else f"{secret}:X"
        auth = "Basic " + base64.b64encode(user.encode()).decode()
    return HttpClient(base_url=connector.base_url, headers={"Authorization": auth, "User-Agent": "qadesk"}, **options)


def connector_sync_enqueue(*, connector: Connector, actor: User | None) -> JobRun:
    """Queue a sync once the current transaction commits; returns its JobRun (the page shows its progress)."""
    if actor is not None:
        connector_check_allowed(actor=actor)
    job = JobRun.objects.create(kind=JOB_KIND, created_by=actor, params={"connector": connector.pk, "name": connector.name})
    from qadesk.connectors.tasks import sync_connector

    # A sync is safe to repeat (the cursor only moves with committed pages): queue it again if its worker dies.
    return job_enqueue(job=job, task=sync_connector, args=[connector.pk, job.pk], max_attempts=2)


def connectors_due(*, now: datetime | None = None) -> list[Connector]:
    """Scheduled connectors whose interval has passed since their last sync and that are not syncing now."""
    now = now or timezone.now()
    due = []
    for connector in Connector.objects.filter(enabled=True).filter(
        Q(running_since__isnull=True) | Q(running_since__lt=now - LEASE)
    ):
        if connector.last_sync_at is None or connector.last_sync_at + timedelta(minutes=connector.every_minutes) <= now:
            due.append(connector)
    return due


def connector_sync(
    *,
    connector: Connector,
    actor: User | None = None,
    job: JobRun | None = None,
    client: HttpClient | None = None,
    new_revision: bool | None = None,
) -> ConnectorSync:
    """Pull what changed since the cursor, page by page, and record a ConnectorSync (and the JobRun's progress).

    `new_revision`: whether an edit of a reviewed transcript replaces it, the scored one kept as a revision (else it is
    refused and listed); None: as the connector is set (`Connector.new_revision`)."""
    if not _take(connector, job):
        raise Conflict(_("Connector {name} is already syncing.").format(name=connector.name))
    job = job or JobRun.objects.create(
        kind=JOB_KIND, created_by=actor, params={"connector": connector.pk, "name": connector.name}
    )
    job.start()
    # Syncs of this connector still marked running died with their worker (we hold the connector now); a job queued
    # again after its worker died goes on with its own sync record.
    ConnectorSync.objects.filter(connector=connector, status=JobStatus.RUNNING).exclude(job=job).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), log=_("Stopped without finishing: its worker died.")
    )
    sync, _created = ConnectorSync.objects.get_or_create(
        job=job, defaults={"connector": connector, "started_by": actor or job.created_by}
    )
    sync.status = JobStatus.RUNNING
    began = timezone.now()
    try:
        client = client or client_for(connector)
        labels = frozenset(Label.objects.values_list("code", flat=True))
        feed = FEEDS[connector.vendor](Context(client=client, source=connector.name, labels=labels))
        connector.refresh_from_db(fields=["cursor", "new_revision"])
        revise = connector.new_revision if new_revision is None else new_revision
        origin: datetime | None = None
        # The next page is read from the helpdesk while this one is imported (the feeds make no database query).
        with closing(read_ahead(feed.pages(cursor=dict(connector.cursor or {}), start=connector.start_at))) as pages:
            for page in pages:
                _commit_page(connector, sync, page, new_revision=revise)
                origin = origin or page.reached  # where this sync started reading (the cursor's time is the vendor's)
                _progress(job, sync, page, origin, began)
        status, log = (JobStatus.SUCCEEDED, "")
    except ApplicationError as exc:
        status, log = JobStatus.FAILED, str(exc.message)
    except Exception as exc:
        logger.exception("sync of connector %s failed", connector.name)
        status, log = JobStatus.FAILED, repr(exc)
    finally:
        if client is not None:
            client.close()
        Connector.objects.filter(pk=connector.pk).update(running_since=None, last_sync_at=timezone.now())
    _finish(sync, job, status, log)
    return sync


def _take(connector: Connector, job: JobRun | None) -> bool:
    """Mark the connector syncing; of two syncs at once only one changes the row. A dead sync's mark expires after
    LEASE, or at once for its own job queued again (core/services.py: jobs_reclaim)."""
    now = timezone.now()
    free = Q(running_since__isnull=True) | Q(running_since__lt=now - LEASE)
    if job is not None:
        free |= Q(pk__in=ConnectorSync.objects.filter(job=job, status=JobStatus.RUNNING).values("connector_id"))
    return Connector.objects.filter(free, pk=connector.pk).update(running_since=now) == 1


def _commit_page(connector: Connector, sync: ConnectorSync, page: Page, *, new_revision: bool) -> None:
    with transaction.atomic():
        report = interactions_import(rows=_as_json_lines(page.rows), skip_invalid=True, new_revision=new_revision)
        deleted, kept = _apply_deletions(source=connector.name, external_ids=page.deleted)
        if page.cursor:
            Connector.objects.filter(pk=connector.pk).update(cursor=page.cursor)
        sync.pages += 1
        sync.fetched += len(page.rows) + len(page.deleted)
        sync.created += report.created
        sync.updated += report.updated
        sync.refused += report.skipped
        sync.revised += len(report.revised)
        sync.deleted += deleted
        sync.kept += len(kept)
        sync.error_count += report.error_count
        for err in report.errors:
            if len(sync.errors) < MAX_KEPT_ERRORS:
                sync.errors.append({"id": page.rows[err.line - 1].get("external_id"), "field": err.field, "message": err.message})
        for external_id in kept:
            if len(sync.errors) < MAX_KEPT_ERRORS:
                sync.errors.append(
                    {"id": external_id, "field": "", "message": _("deleted at the helpdesk; kept because it is reviewed")}
                )
        sync.save()


def _as_json_lines(rows: list[dict[str, Any]]) -> Iterator[tuple[int, bytes]]:
    """The page's rows as JSON Lines lines: the import reads those as it reads a file's, validated by pydantic's JSON
    parser and digested from their bytes — half the CPU of a decoded record (walked in Python for unstorable text,
    validated from Python objects, digested through repr()): ~70 µs of the ~0.5 ms a ticket cost (benchmarks/README.md).
    Text a database cannot hold is escaped by json.dumps and found the way a file's is."""
    for line, row in enumerate(rows, 1):
        yield line, json.dumps(row).encode()


def _apply_deletions(*, source: str, external_ids: list[str]) -> tuple[int, list[str]]:
    """Delete the interactions deleted upstream, except those reviews or calibration sessions use (kept, listed)."""
    if not external_ids:
        return 0, []
    deleted, kept = 0, []
    for pk, external_id in Interaction.objects.filter(source=source, external_id__in=external_ids).values_list(
        "pk", "external_id"
    ):
        try:
            # Its survey responses and invitations go with it: the results' rollup stops counting them.
            with (
                transaction.atomic(),
                survey_rollup_kept(
                    responses=SurveyResponse.objects.filter(interaction_id=pk),
                    invitations=SurveyInvitation.objects.filter(interaction_id=pk),
                ),
            ):
                Interaction.objects.filter(pk=pk).delete()
            deleted += 1
        except ProtectedError:
            kept.append(external_id)
    return deleted, kept


def _progress(job: JobRun, sync: ConnectorSync, page: Page, origin: datetime | None, began: datetime) -> None:
    """Counts so far, and how far the feed is read: the share of the time from `origin` to when the sync began."""
    counts = {"fetched": sync.fetched, "created": sync.created, "updated": sync.updated, "deleted": sync.deleted,
              "refused": sync.refused}  # fmt: skip
    progress = job.progress
    if page.reached is not None and origin is not None and began > origin:
        share = (page.reached - origin).total_seconds() / (began - origin).total_seconds()
        progress = max(job.progress, min(99, int(100 * share)))
    JobRun.objects.filter(pk=job.pk).update(progress=progress, counts=counts)
    job.progress, job.counts = progress, counts


def _finish(sync: ConnectorSync, job: JobRun, status: str, log: str) -> None:
    summary = _(
        "{pages} pages: fetched {fetched}, created {created}, updated {updated}, deleted {deleted}, refused {refused}."
    ).format(
        pages=sync.pages,
        fetched=sync.fetched,
        created=sync.created,
        updated=sync.updated,
        deleted=sync.deleted,
        refused=sync.refused,
    )
    revised = (
        ngettext(
            "{n} reviewed transcript replaced; its reviews keep the one they scored, as a revision.",
            "{n} reviewed transcripts replaced; their reviews keep the ones they scored, as revisions.",
            sync.revised,
        ).format(n=sync.revised)
        if sync.revised
        else ""
    )
    sync.status, sync.finished_at = status, timezone.now()
    sync.log = "\n".join(line for line in (summary, revised, log) if line)
    sync.save(update_fields=["status", "finished_at", "log"])
    counts: dict[str, object] = {
        name: getattr(sync, name) for name in ("fetched", "created", "updated", "deleted", "kept", "refused", "revised")
    }
    counts["errors"] = sync.error_count
    job.finish(status=status, counts=counts, log=sync.log)
