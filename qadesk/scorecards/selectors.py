"""Reading scorecards."""

from __future__ import annotations

from decimal import Decimal

from qadesk.interactions.models import Interaction
from qadesk.scorecards.models import Criterion, Scorecard, ScorecardVersion, Section, VersionStatus
from qadesk.scorecards.schemas import ScorecardDef


def scorecard_versions_for(*, interaction: Interaction) -> list[ScorecardVersion]:
    """Published, active scorecard versions whose conditions admit the interaction, default first."""
    versions = ScorecardVersion.objects.filter(status=VersionStatus.PUBLISHED, scorecard__is_active=True).select_related(
        "scorecard"
    )
    team = interaction.team.name if interaction.team_id and interaction.team else None
    label = interaction.label.code if interaction.label_id and interaction.label else None
    matching = [v for v in versions if v.applies_to(channel=interaction.channel, team=team, label=label)]
    # The most specific scorecard (most conditions) is the one a reviewer most likely wants.
    return sorted(matching, key=lambda v: (-sum(len(x) for x in (v.conditions or {}).values()), v.scorecard.code))


def scorecard_version_detail(*, version_id: int) -> ScorecardVersion:
    """A version with its sections and criteria loaded in two queries."""
    return ScorecardVersion.objects.select_related("scorecard").prefetch_related("sections__criteria").get(pk=version_id)


def scorecard_preview(*, definition: ScorecardDef) -> tuple[ScorecardVersion, list[Criterion]]:
    """The version a definition would publish, built in memory (nothing saved) so the scoring form can be shown as a
    reviewer will see it. Rows get stand-in ids, unique within the preview."""
    scorecard = Scorecard(code=definition.code, name=definition.name)
    version = ScorecardVersion(
        scorecard=scorecard, number=0, description=definition.description, allow_above_100=definition.allow_above_100
    )
    criteria: list[Criterion] = []
    for s_pos, s_def in enumerate(definition.sections):
        section = Section(pk=s_pos + 1, version=version, code=s_def.code, title=s_def.title, position=s_pos)
        for c_pos, c_def in enumerate(s_def.criteria):
            fields = c_def.model_dump(exclude={"root_causes", "weight"})
            criterion = Criterion(
                pk=len(criteria) + 1,
                section=section,
                position=c_pos,
                weight=Decimal(str(c_def.weight)),
                root_causes=[rc.model_dump() for rc in c_def.root_causes],
                **fields,
            )
            criteria.append(criterion)
    return version, criteria
