"""A small competence scene: two agents in two teams, a catalogue, reviews and survey answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from qadesk.accounts.models import Agent, User
from qadesk.competence.models import CompetenceSettings, Course
from qadesk.competence.tests.factories import complete, make_course, reviewed, survey_answers
from qadesk.scorecards.models import Criterion, ScorecardVersion


@dataclass
class Scene:
    sop: Course
    tools: Course
    agent: Agent
    other: Agent


@pytest.fixture
def scene(agent: Agent, other_team_agent: Agent, default_scorecard: ScorecardVersion, reviewer: User) -> Scene:
    """alice (agent): both courses valid, right_sop 60 and 100 (mean 80), survey 4 and 5 (mean 4.5 → 87.5):
    training 100, delivery 83.75. bob (other team): tools certificate expired → training 2/5 = 40, right_sop 100,
    no survey → delivery 100. Benchmarks 80/80 (the defaults)."""
    Criterion.objects.filter(code="right_sop").update(competence=True)
    CompetenceSettings.load()
    today = timezone.localdate()
    sop = make_course("sop", "2", criteria=("right_sop",))
    tools = make_course("tools", "3", validity=30)
    complete(agent, sop, today - timedelta(days=10))
    complete(agent, tools, today - timedelta(days=10), today + timedelta(days=20))
    complete(other_team_agent, sop, today - timedelta(days=100))
    complete(other_team_agent, tools, today - timedelta(days=100), today - timedelta(days=70))
    reviewed(agent, default_scorecard, reviewer, {"right_sop": 60.0, "clear_courteous": 0.0})
    reviewed(agent, default_scorecard, reviewer, {"right_sop": 100.0})
    reviewed(other_team_agent, default_scorecard, reviewer, {"right_sop": 100.0})
    survey_answers(agent, [4, 5])
    return Scene(sop, tools, agent, other_team_agent)
