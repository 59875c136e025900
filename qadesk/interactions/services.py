"""Writing the SOP catalogue (import a YAML/JSON catalogue, save one SOP from its page, create placeholders), custom
fields and label names, and keeping a reviewed transcript as a revision when a re-import replaces it."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from django.db import connection, transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils.translation import gettext as _
from pydantic import ValidationError

from qadesk.accounts.models import Role, User
from qadesk.core.errors import ApplicationError, InvalidInput, PermissionDenied
from qadesk.core.validation import error_messages
from qadesk.interactions.models import CustomField, CustomFieldSeen, FieldType, Label, Message, Sop, TranscriptRevision
from qadesk.interactions.sops import SopIn, steps_read, steps_stored

log = logging.getLogger(__name__)
_FIELD_KEY = re.compile(r"[A-Za-z0-9_-]{1,50}")


@dataclass
class SopImportReport:
    """What a catalogue import did, by SOP code; with errors (entry, field, reason) nothing was written."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def committed(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["errors"] = [{"entry": e, "field": f, "message": m} for e, f, m in self.errors]
        data["committed"] = self.committed
        return data


def sop_check_editor(*, actor: User) -> None:
    """The catalogue is the organisation's procedures: QA leads and admins write it."""
    if not (actor.is_superuser or actor.role in {Role.ADMIN, Role.QA_LEAD}):
        raise PermissionDenied(_("Only QA leads and admins can change the SOP catalogue."))


def sop_load_file(*, path: Path) -> Any:
    """Read a catalogue from a .yaml/.yml or .json file (YAML is a superset of JSON)."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ApplicationError(_("Cannot read {path}: {error}").format(path=path, error=exc.strerror)) from exc
    except yaml.YAMLError as exc:
        raise ApplicationError(_("{file} is not valid YAML or JSON: {error}").format(file=path.name, error=exc)) from exc


@transaction.atomic
def sop_catalogue_import(*, document: Any) -> SopImportReport:
    """Create or update every SOP of a catalogue by code (all or nothing); importing the same file again changes nothing.

    `document` is `{"sops": [...]}` or the list itself. Labels named and not yet known are created. SOPs not in the
    document are left alone.
    """
    entries = document.get("sops") if isinstance(document, dict) else document
    report = SopImportReport()
    if not isinstance(entries, list):
        report.errors.append(("", "sops", _("must be a list")))
        return report
    parsed: dict[str, SopIn] = {}
    for index, raw in enumerate(entries):
        where = str(raw.get("code") or f"#{index + 1}") if isinstance(raw, dict) else f"#{index + 1}"
        try:
            sop_in = SopIn.model_validate(raw)
        except ValidationError as exc:
            report.errors.extend((where, name, reason) for name, reason in error_messages(exc))
            continue
        if sop_in.code in parsed:
            report.errors.append((where, "code", _("appears twice in the file")))
        parsed[sop_in.code] = sop_in
    if report.errors:
        return report
    for sop_in in parsed.values():
        outcome = _sop_write(sop_in)
        getattr(report, outcome).append(sop_in.code)
    return report


def _sop_write(sop_in: SopIn) -> str:
    """Store one SOP; returns which list of the report it belongs to: created, updated or unchanged."""
    steps = steps_stored(sop_in.steps)
    labels = sorted(set(sop_in.labels))
    sop = Sop.objects.filter(code=sop_in.code).first()
    if sop is not None:
        same = (
            sop.title == sop_in.title
            and not sop.placeholder
            and steps_read(sop.steps) == steps
            and sorted(sop.labels.values_list("code", flat=True)) == labels
        )
        if same:
            return "unchanged"
    created = sop is None
    sop = sop or Sop(code=sop_in.code)
    sop.title, sop.steps, sop.placeholder = sop_in.title, steps, False
    sop.save()
    sop.labels.set(_labels_named(labels))
    return "created" if created else "updated"


def _labels_named(codes: Iterable[str]) -> list[Label]:
    codes = list(codes)
    known = {label.code: label for label in Label.objects.filter(code__in=codes)}
    missing = [Label(code=code) for code in codes if code not in known]
    Label.objects.bulk_create(missing, ignore_conflicts=True)
    return list(Label.objects.filter(code__in=codes))


@transaction.atomic
def sop_save(*, actor: User, sop: Sop | None, data: dict[str, Any]) -> Sop:
    """Create (sop=None) or change one SOP from its page or the API; `data` has the catalogue entry's shape."""
    sop_check_editor(actor=actor)
    try:
        sop_in = SopIn.model_validate(data)
    except ValidationError as exc:
        name, reason = error_messages(exc)[0]
        raise ApplicationError(f"{name}: {reason}") from exc
    clash = Sop.objects.filter(code=sop_in.code)
    if sop is not None:
        clash = clash.exclude(pk=sop.pk)
    if clash.exists():
        raise ApplicationError(_("Another SOP already has the code {code}.").format(code=sop_in.code))
    sop = sop or Sop()
    sop.code, sop.title, sop.steps, sop.placeholder = sop_in.code, sop_in.title, steps_stored(sop_in.steps), False
    sop.save()
    sop.labels.set(_labels_named(sorted(set(sop_in.labels))))
    return sop


def sops_create_placeholders(*, codes: Iterable[str]) -> list[str]:
    """Create a placeholder SOP (title = code, no steps, marked to complete) for each code not in the catalogue."""
    codes = set(codes)
    known = set(Sop.objects.filter(code__in=codes).values_list("code", flat=True))
    new = sorted(codes - known)
    Sop.objects.bulk_create([Sop(code=code, title=code, placeholder=True) for code in new], ignore_conflicts=True)
    return new


def custom_field_check_admin(*, actor: User) -> None:
    """Declaring custom fields shapes every import: admins only."""
    if not (actor.is_superuser or actor.role == Role.ADMIN):
        raise PermissionDenied(_("Only admins can declare custom fields."))


def custom_field_save(
    *,
    actor: User,
    key: str,
    label: str,
    type: str,
    choices: list[str] | None = None,
    names: dict[str, str] | None = None,
) -> CustomField:
    """Declare a custom field, or change its label, type, accepted values or names per language (admins; `names`
    None keeps them, an empty name removes that language's). Values stored before are not checked again: the next
    import of their rows is."""
    from django.conf import settings

    from qadesk.core.text import strip_bidi_controls

    custom_field_check_admin(actor=actor)
    if not _FIELD_KEY.fullmatch(key):
        raise InvalidInput(_("letters, digits, - and _ only, at most 50 characters"), field=("key",))
    if type not in FieldType.values:
        expected = ", ".join(FieldType.values)
        raise InvalidInput(_("{value} is not one of: {expected}").format(value=repr(type), expected=expected), field=("type",))
    values = list(dict.fromkeys(c.strip() for c in choices or [] if c.strip()))
    if type == FieldType.CHOICE and not values:
        raise InvalidInput(_("a choice field needs its accepted values"), field=("choices",))
    defaults: dict[str, Any] = {
        "label": strip_bidi_controls(label).strip() or key,
        "type": type,
        "choices": values if type == FieldType.CHOICE else [],
    }
    if names is not None:
        languages = {code for code, _name in settings.LANGUAGES}
        if unknown := sorted(set(names) - languages):
            raise InvalidInput(_("Unknown language “{language}”.").format(language=unknown[0]), field=("names", unknown[0]))
        cleaned = {lang: strip_bidi_controls(str(text)).strip() for lang, text in sorted(names.items())}
        if any(len(text) > FIELD_NAME_MAX for text in cleaned.values()):
            raise InvalidInput(_("a name has at most {max} characters").format(max=FIELD_NAME_MAX), field=("names",))
        defaults["names"] = {lang: text for lang, text in cleaned.items() if text}
    field, _created = CustomField.objects.update_or_create(key=key, defaults=defaults)
    return field


FIELD_NAME_MAX = 100  # as CustomField.label


def custom_fields_seen_record(*, examples: dict[str, Any]) -> None:
    """Remember the undeclared custom field keys a committed import carried, with a value of each as an example (the
    custom fields page lists them, to declare). Keys longer than a key may be are left out."""
    from django.utils import timezone

    now = timezone.now()
    keys = [key for key in examples if len(key) <= 50]
    known = set(CustomFieldSeen.objects.filter(key__in=keys).values_list("key", flat=True))
    CustomFieldSeen.objects.filter(key__in=known).update(last_seen_at=now)
    CustomFieldSeen.objects.bulk_create(
        [CustomFieldSeen(key=key, example=str(examples[key])[:100]) for key in keys if key not in known],
        ignore_conflicts=True,  # another import may list the same key meanwhile
    )


def custom_field_delete(*, actor: User, key: str) -> None:
    """Forget a declaration (admins): the values interactions carry stay, as undeclared fields."""
    custom_field_check_admin(actor=actor)
    CustomField.objects.filter(key=key).delete()


LABEL_NAME_MAX = 200  # as Label.name


def label_names_save(*, actor: User, label: Label, name: str, names: dict[str, str]) -> bool:
    """Set a contact reason's default name and its name per language (an empty text removes that language's name, so
    readers fall back to the default name, then to the code). QA leads and admins only; returns whether it changed."""
    from django.conf import settings

    from qadesk.core.text import strip_bidi_controls

    if not (actor.is_superuser or actor.role in {Role.ADMIN, Role.QA_LEAD}):
        raise PermissionDenied(_("Only QA leads and admins can rename contact reasons."))
    languages = {code for code, _name in settings.LANGUAGES}
    unknown = sorted(set(names) - languages)
    if unknown:
        raise InvalidInput(_("Unknown language “{language}”.").format(language=unknown[0]), field=("names", unknown[0]))
    cleaned = {lang: strip_bidi_controls(str(text)).strip() for lang, text in names.items()}
    name = strip_bidi_controls(name).strip()
    for where, text in [(("name",), name), *((("names", lang), text) for lang, text in sorted(cleaned.items()))]:
        if len(text) > LABEL_NAME_MAX:
            raise InvalidInput(
                _("{code}: a name has at most {max} characters.").format(code=label.code, max=LABEL_NAME_MAX), field=where
            )
    kept = {lang: text for lang, text in (label.names or {}).items() if lang not in languages}  # other keys untouched
    new_names = kept | {lang: text for lang, text in sorted(cleaned.items()) if text}
    if (label.name, label.names or {}) == (name, new_names):
        return False
    label.name, label.names = name, new_names
    label.save(update_fields=["name", "names"])
    return True


def transcripts_revise(*, interaction_ids: Iterable[int], at: datetime) -> dict[int, int]:
    """Keep the current transcripts of these interactions as new revisions, before a re-import replaces them
    (`--new-revision`): their messages move, as the same rows, into a `TranscriptRevision`, and the reviews and
    calibration items that scored them point at it. Returns interaction id → the new revision's number.

    Pinned: every review of it submitted at least once, under a dispute not yet decided, or of one message (its
    message moves); every calibration item. A draft never submitted scores the new transcript. Reviews already pinned
    to an earlier revision keep theirs. A few statements whatever the number of interactions."""
    from qadesk.calibration.models import CalibrationItem
    from qadesk.disputes.models import DisputeStatus
    from qadesk.reviews.models import Review, ReviewStatus

    ids = sorted(set(interaction_ids))
    if not ids:
        return {}
    last = dict(
        TranscriptRevision.objects.filter(interaction_id__in=ids)
        .values("interaction_id")
        .annotate(n=Max("number"))
        .values_list("interaction_id", "n")
    )
    per_interaction = Message.objects.filter(interaction_id__in=ids).values("interaction_id")
    counts = dict(per_interaction.annotate(n=Count("id")).values_list("interaction_id", "n"))
    TranscriptRevision.objects.bulk_create(
        TranscriptRevision(interaction_id=pk, number=last.get(pk, 0) + 1, message_count=counts.get(pk, 0), replaced_at=at)
        for pk in ids
    )
    # The revision just made for the row's interaction (its highest number), as a subquery of each UPDATE below: SET
    # expressions read the row as it was, so the message's interaction id still names it while it is emptied.
    newest = TranscriptRevision.objects.filter(interaction_id=OuterRef("interaction_id")).order_by("-number").values("pk")[:1]
    Message.objects.filter(interaction_id__in=ids).update(revision=Subquery(newest), interaction=None)
    undecided = [DisputeStatus.OPEN, DisputeStatus.ESCALATED]
    saw = (
        Q(status=ReviewStatus.SUBMITTED)
        | Q(submitted_at__isnull=False)
        | Q(message__isnull=False)
        | Q(pk__in=Review.objects.filter(interaction_id__in=ids, disputes__status__in=undecided).values("pk"))
    )
    Review.objects.filter(saw, interaction_id__in=ids, transcript__isnull=True).update(transcript=Subquery(newest))
    CalibrationItem.objects.filter(interaction_id__in=ids, transcript__isnull=True).update(transcript=Subquery(newest))
    return {pk: last.get(pk, 0) + 1 for pk in ids}


# --- PostgreSQL: the text search vectors of imported messages, filled after the import (migration 0020) ---

SEARCH_INDEX_BATCH = 5000  # messages per transaction
# Indexed in one run: the table is vacuumed and its statistics taken again. Each indexed message was written twice
# (COPY, then its vector), so the old versions would otherwise wait for autovacuum (off on some servers) and keep their
# entries in the partial index of waiting ids, which the search reads; inside a transaction (VACUUM cannot run there)
# only the statistics.
SEARCH_ANALYZE_AFTER = 10_000

# The next batch of messages without a vector, locked, skipping those another run (or a writer) holds; then their vectors
# made in their stored configuration (the import writes it). In id order, by the partial index `message_search_pending`.
# A message without a configuration either (none is written so) gets its language's, else its interaction's: looked up
# only for such a row (`coalesce` stops at the stored one).
_CONFIG = """coalesce(m.search_config, interactions_search_config(CASE WHEN m.language <> '' THEN m.language
    ELSE (SELECT i.language FROM interactions_interaction i WHERE i.id = m.interaction_id) END))"""
_SEARCH_INDEX_BATCH_SQL = f"""
UPDATE interactions_message m
SET search_config = {_CONFIG}, search_vector = to_tsvector({_CONFIG}, m.body)
WHERE m.id = ANY(ARRAY(
    SELECT id FROM interactions_message WHERE search_vector IS NULL AND id > %s ORDER BY id LIMIT %s
    FOR UPDATE SKIP LOCKED
))
RETURNING m.id
"""  # noqa: S608 (no input in it)


def messages_search_index(*, batch_size: int = SEARCH_INDEX_BATCH) -> int:
    """Fill the text search vectors that an import left for later (PostgreSQL; nothing to do on SQLite), batch after
    batch, each its own short transaction; returns how many messages it indexed.

    Safe to run several at once (the import's job and the periodic sweep): each batch locks its rows and skips those
    another run holds, so no message is indexed twice and no run waits for another. A row locked by a writer is left
    to it (its own trigger makes its vector) or to the next run (the periodic one)."""
    if connection.vendor != "postgresql":
        return 0
    indexed = last = 0
    while True:
        # Each batch after the last id of the one before: the entries its predecessors left in the partial index (until
        # VACUUM removes them) are not read again and again.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_SEARCH_INDEX_BATCH_SQL, [last, batch_size])
            ids = [row[0] for row in cursor.fetchall()]
        indexed += len(ids)
        if len(ids) < batch_size:
            break
        last = max(ids)
    if indexed >= SEARCH_ANALYZE_AFTER:  # the statistics still count these vectors as missing: the search's estimates
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE interactions_message" if connection.in_atomic_block else "VACUUM (ANALYZE) interactions_message"
            )
    return indexed


def messages_search_index_after_commit() -> None:
    """Queue `messages_search_index` once the current transaction commits (at once outside one). A queue that is down
    is logged: the periodic run (interactions.tasks) indexes them within minutes, and the search finds them meanwhile."""

    def queue() -> None:
        from qadesk.interactions.tasks import message_search_index

        try:
            message_search_index.enqueue()
        except Exception:
            log.exception("could not queue the text search indexing of imported messages")

    transaction.on_commit(queue)
