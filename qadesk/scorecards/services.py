"""Writing scorecards: create and publish versions from definitions, export them, install the default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError

from qadesk.accounts.models import User
from qadesk.core.errors import ApplicationError
from qadesk.core.validation import error_messages
from qadesk.interactions.models import Channel
from qadesk.scorecards.models import Criterion, Scorecard, ScorecardDraft, ScorecardVersion, Section, VersionStatus
from qadesk.scorecards.schemas import ScorecardDef

DEFAULT_SCORECARD = Path(__file__).with_name("default_scorecard.yaml")


def scorecard_definition_parse(*, data: Any) -> ScorecardDef:
    """Validate a definition, naming every bad field by its path (e.g. sections[0].criteria[2].scale), in the user's language."""
    try:
        definition = ScorecardDef.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{path}: {reason}" for path, reason in error_messages(exc))
        raise ApplicationError(_("Invalid scorecard: {problems}").format(problems=problems)) from exc
    unknown = set(definition.conditions.channels) - set(Channel.values)
    if unknown:
        raise ApplicationError(_("Unknown channels in conditions: {channels}").format(channels=", ".join(sorted(unknown))))
    for section in definition.sections:
        codes = [c.code for c in section.criteria]
        if len(codes) != len(set(codes)):
            raise ApplicationError(_("Criterion codes repeat in section {section}").format(section=section.code))
    return definition


@transaction.atomic
def scorecard_version_create(*, data: Any, publish: bool = True) -> ScorecardVersion:
    """Create the next version of the scorecard named by the definition's code (the scorecard too if new).

    Existing versions are never touched, so every review keeps the version, and the score, it was made with.
    """
    definition = scorecard_definition_parse(data=data)
    scorecard, created = Scorecard.objects.get_or_create(code=definition.code, defaults={"name": definition.name})
    if not created and scorecard.name != definition.name:
        scorecard.name = definition.name
        scorecard.save(update_fields=["name"])
    number = (scorecard.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = ScorecardVersion.objects.create(
        scorecard=scorecard,
        number=number,
        description=definition.description,
        conditions=definition.conditions.model_dump(),
        allow_above_100=definition.allow_above_100,
    )
    for s_pos, s_def in enumerate(definition.sections):
        section = Section.objects.create(version=version, code=s_def.code, title=s_def.title, position=s_pos)
        Criterion.objects.bulk_create(
            Criterion(
                section=section,
                position=c_pos,
                root_causes=[rc.model_dump() for rc in c_def.root_causes],
                **c_def.model_dump(exclude={"root_causes"}),
            )
            for c_pos, c_def in enumerate(s_def.criteria)
        )
    if publish:
        scorecard_version_publish(version=version)
    return version


@transaction.atomic
def scorecard_version_publish(*, version: ScorecardVersion) -> ScorecardVersion:
    """Publish a draft version; the previously published one is retired (its reviews keep it)."""
    if version.status != VersionStatus.DRAFT:
        raise ApplicationError(_("Only a draft version can be published."))
    version.scorecard.versions.filter(status=VersionStatus.PUBLISHED).update(status=VersionStatus.RETIRED)
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    return version


def scorecard_version_export(*, version: ScorecardVersion) -> dict[str, Any]:
    """The version as a definition document, ready for YAML or JSON."""
    sections = []
    for section in version.sections.prefetch_related("criteria").order_by("position"):
        criteria = [
            {
                "code": c.code,
                "title": c.title,
                "guidance": c.guidance,
                "scale": c.scale,
                "weight": float(c.weight),
                "na_allowed": c.na_allowed,
                "impact": c.impact,
                "critical": c.critical,
                "fail_section": c.fail_section,
                "bonus": c.bonus,
                "competence": c.competence,
                "level": c.measurement_level,
                "root_causes": c.root_causes,
            }
            for c in section.criteria.all()
        ]
        sections.append({"code": section.code, "title": section.title, "criteria": criteria})
    return {
        "code": version.scorecard.code,
        "name": version.scorecard.name,
        "description": version.description,
        "conditions": version.conditions,
        "allow_above_100": version.allow_above_100,
        "sections": sections,
    }


def scorecard_load_file(*, path: Path) -> Any:
    """Read a definition from a .yaml/.yml or .json file (YAML is a superset of JSON)."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ApplicationError(_("{file} is not valid YAML or JSON: {error}").format(file=path.name, error=exc)) from exc


def scorecard_install_default() -> ScorecardVersion:
    """Install the shipped default scorecard unless a scorecard with its code exists."""
    existing = Scorecard.objects.filter(code="default").first()
    if existing is not None and (current := existing.current_version()) is not None:
        return current
    return scorecard_version_create(data=scorecard_load_file(path=DEFAULT_SCORECARD))


BLANK_DRAFT: dict[str, Any] = {"code": "", "name": {}, "sections": []}


@transaction.atomic
def scorecard_draft_start(*, scorecard: Scorecard | None, actor: User) -> ScorecardDraft:
    """The open draft of a scorecard (resumed when one exists), or a new one copied from its current version; a blank
    draft of a new scorecard when none is given."""
    if scorecard is None:
        return ScorecardDraft.objects.create(code="", data=dict(BLANK_DRAFT), updated_by=actor)
    existing = ScorecardDraft.objects.open().select_for_update().filter(code=scorecard.code).first()
    if existing is not None:
        return existing
    current = scorecard.current_version() or scorecard.versions.order_by("-number").first()
    data = scorecard_version_export(version=current) if current else {**BLANK_DRAFT, "code": scorecard.code}
    return ScorecardDraft.objects.create(code=scorecard.code, data=data, base_version=current, updated_by=actor)


@transaction.atomic
def scorecard_draft_save(*, draft: ScorecardDraft, data: dict[str, Any], actor: User) -> ScorecardDraft:
    """Keep the draft's definition as it stands, complete or not; the code of an existing scorecard stays."""
    draft = ScorecardDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.published_version_id is not None:
        raise ApplicationError(_("This draft was already published; start a new one from the scorecard list."))
    code = draft.code if draft.base_version_id else str(data.get("code") or "")
    if not draft.base_version_id and code:
        if Scorecard.objects.filter(code=code).exists():
            raise ApplicationError(_("A scorecard with the code {code} exists: edit it from the list.").format(code=code))
        if ScorecardDraft.objects.open().filter(code=code).exclude(pk=draft.pk).exists():
            raise ApplicationError(_("Another draft already uses the code {code}.").format(code=code))
    draft.code, draft.data, draft.updated_by = code, {**data, "code": code}, actor
    draft.save(update_fields=["code", "data", "updated_by", "updated_at"])
    return draft


@transaction.atomic
def scorecard_draft_publish(*, draft: ScorecardDraft, actor: User) -> ScorecardVersion:
    """Publish the draft as the scorecard's next version; reviews made with earlier versions keep theirs.

    Publishing twice (a double click, two QA leads) gives the version the first publish made."""
    draft = ScorecardDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.published_version is not None:
        return draft.published_version
    if not draft.base_version_id and Scorecard.objects.filter(code=draft.data.get("code")).exists():
        # Someone made a scorecard with this code since the draft was started: never add to it unseen.
        raise ApplicationError(_("A scorecard with the code {code} exists: edit it from the list.").format(code=draft.code))
    version = scorecard_version_create(data=draft.data, publish=True)
    draft.published_version, draft.updated_by = version, actor
    draft.save(update_fields=["published_version", "updated_by", "updated_at"])
    return version


@transaction.atomic
def scorecard_draft_import(*, text: str, actor: User) -> ScorecardDraft:
    """A YAML or JSON definition read into a draft (the scorecard's open one, replaced, or a new one) to check and publish."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ApplicationError(_("The file is not valid YAML or JSON: {error}").format(error=exc)) from exc
    definition = scorecard_definition_parse(data=data)
    scorecard = Scorecard.objects.filter(code=definition.code).first()
    draft = ScorecardDraft.objects.open().filter(code=definition.code).first()
    draft = draft or scorecard_draft_start(scorecard=scorecard, actor=actor)
    document = definition.model_dump()
    draft.code, draft.data, draft.updated_by = definition.code, document, actor
    draft.save(update_fields=["code", "data", "updated_by", "updated_at"])
    return draft


def scorecard_draft_discard(*, draft: ScorecardDraft) -> None:
    """Throw an unpublished draft away."""
    ScorecardDraft.objects.open().filter(pk=draft.pk).delete()
