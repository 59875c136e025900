"""Reading scorecards."""

from __future__ import annotations

from qadesk.interactions.models import Interaction
from qadesk.scorecards.models import ScorecardVersion, VersionStatus


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
