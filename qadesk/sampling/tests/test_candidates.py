"""The candidate rows the database computes: stratum keys and risk flags as the draw defines them."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from qadesk.accounts.models import Agent, User
from qadesk.interactions.models import Interaction, InteractionAgent, Label
from qadesk.sampling.candidates import candidate_rows
from qadesk.sampling.draw import FLAGS
from qadesk.sampling.models import SamplingPlan
from qadesk.sampling.services import sampling_plan_create
from qadesk.sampling.tests.conftest import WEEK
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db

START = timezone.make_aware(datetime(2026, 11, 3, 10))
LONG, ABANDONED, REASSIGNED, REOPENED, NEGATIVE, COMPLAINT = (
    1 << FLAGS.index(flag) for flag in ("long_handle", "abandoned", "reassigned", "reopened", "negative_feedback", "complaint")
)


def _plan(qa_lead: User, **data: Any) -> SamplingPlan:
    return sampling_plan_create(actor=qa_lead, reviewers=[], name="p", period="week", seed=1, **data)


def _rows(plan: SamplingPlan) -> list[tuple[int, int, str, int, int | None]]:
    return list(candidate_rows(plan=plan, start=WEEK, end=WEEK + timedelta(days=7)))


def _make(agent: Agent, hours: int, **extra: Any) -> Interaction:
    return f.make_interaction(agent, created_at=START + timedelta(hours=hours), messages=[], **extra)


def test_it_keys_and_flags_each_interaction_in_the_database(qa_lead: User, agent: Agent, other_team_agent: Agent) -> None:
    plain = _make(agent, 0, channel="phone")
    long = _make(agent, 1, channel="chat", talk_seconds=1000, hold_seconds=500, acw_seconds=301)
    just_not_long = _make(agent, 2, channel="chat", talk_seconds=1800, hold_seconds=None, acw_seconds=0)
    abandoned = _make(other_team_agent, 3, abandoned=True)
    reassigned = _make(other_team_agent, 4, site=None)
    InteractionAgent.objects.create(interaction=reassigned, agent=agent, position=1)
    reopened = _make(agent, 6, channel="chat", reopens=2)
    unhappy = _make(agent, 7, channel="chat", customer_rating="negative")
    happy = _make(agent, 8, channel="chat", customer_rating="positive")
    complained = _make(agent, 9, channel="chat", complaint=True)
    everything = _make(agent, 5, abandoned=True, acw_seconds=5000, reopens=1)
    InteractionAgent.objects.create(interaction=everything, agent=other_team_agent, position=1)
    plan = _plan(qa_lead, strata={"by": ["site", "channel"], "proportions": {"Milano|phone": 1}}, risk_boosts={"reassigned": 3})
    team, other = agent.team_id, other_team_agent.team_id
    assert _rows(plan) == [
        (plain.pk, agent.pk, "Milano|phone", 0, team),
        (long.pk, agent.pk, "Milano|chat", LONG, team),
        (just_not_long.pk, agent.pk, "Milano|chat", 0, team),
        (abandoned.pk, other_team_agent.pk, "Lyon|email", ABANDONED, other),
        (reassigned.pk, other_team_agent.pk, "|email", REASSIGNED, other),
        (reopened.pk, agent.pk, "Milano|chat", REOPENED, team),
        (unhappy.pk, agent.pk, "Milano|chat", NEGATIVE, team),
        (happy.pk, agent.pk, "Milano|chat", 0, team),
        (complained.pk, agent.pk, "Milano|chat", COMPLAINT, team),
        (everything.pk, agent.pk, "Milano|email", LONG | ABANDONED | REASSIGNED | REOPENED, team),
    ]


def test_it_only_looks_for_reassignments_when_the_plan_boosts_them(qa_lead: User, agent: Agent, other_team_agent: Agent) -> None:
    reassigned = _make(agent, 0, abandoned=True)
    InteractionAgent.objects.create(interaction=reassigned, agent=other_team_agent, position=1)
    assert [row[3] for row in _rows(_plan(qa_lead, risk_boosts={"abandoned": 2}))] == [ABANDONED]
    assert [row[3] for row in _rows(_plan(qa_lead, risk_boosts={"reassigned": 1}))] == [ABANDONED | REASSIGNED]


def test_it_joins_any_dimensions_in_the_plans_order(qa_lead: User, agent: Agent) -> None:
    _make(agent, 0, channel="chat", phase="delivery", language="fr")
    strata = {"by": ["language", "phase", "channel"], "proportions": {"fr|delivery|chat": 1}}
    assert _rows(_plan(qa_lead, strata=strata))[0][2] == "fr|delivery|chat"
    assert _rows(_plan(qa_lead, strata={"by": ["phase"], "proportions": {"delivery": 1}}))[0][2] == "delivery"
    assert _rows(_plan(qa_lead))[0][2] == ""


def test_it_applies_the_period_and_the_plans_filters(qa_lead: User, agent: Agent, other_team_agent: Agent) -> None:
    refund = Label.objects.create(code="refund")
    inside = _make(agent, 0, label=refund, talk_seconds=700)
    _make(agent, 1)  # no label
    _make(other_team_agent, 2, label=refund)  # other team
    _make(agent, 24 * 7, label=refund)  # next week
    gone = f.make_agent("gone", agent.team)
    gone.is_active = False
    gone.save()
    _make(gone, 3, label=refund)  # inactive agent
    filters = {"labels": ["refund"], "teams": [agent.team_id], "long_handle_seconds": 600}
    assert _rows(_plan(qa_lead, filters=filters)) == [(inside.pk, agent.pk, "", LONG, agent.team_id)]


def test_it_counts_the_rows_it_streamed(qa_lead: User, agent: Agent) -> None:
    for hour in range(3):
        _make(agent, hour)
    rows = candidate_rows(plan=_plan(qa_lead), start=WEEK, end=WEEK + timedelta(days=7))
    assert rows.count == 0
    assert len(list(rows)) == 3 and rows.count == 3


def test_it_fetches_ahead_in_chunks_and_stops_when_the_reader_stops(
    qa_lead: User, agent: Agent, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("qadesk.sampling.candidates.CHUNK", 2)
    made = [_make(agent, hour).pk for hour in range(5)]
    assert [row[0] for row in candidate_rows(plan=_plan(qa_lead), start=WEEK, end=WEEK + timedelta(days=7))] == made
    rows = candidate_rows(plan=_plan(qa_lead), start=WEEK, end=WEEK + timedelta(days=7))
    reader = iter(rows)
    assert next(reader)[0] == made[0]
    del reader  # the draw gave up: the fetch under way ends and the cursor closes
    assert rows.count == 2
    assert Interaction.objects.filter(pk__in=made).count() == 5  # the connection is free again
