"""Sampling plans filter candidates by tags and custom field values (interactions' JSON, GIN-indexed on PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qadesk.accounts.models import Agent, User
from qadesk.sampling.candidates import candidate_rows
from qadesk.sampling.models import SamplingPlan
from qadesk.sampling.services import sampling_plan_create
from qadesk.sampling.tests.conftest import WEEK
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db
URL = "/api/v1/sampling/plans"


def _ids(plan: SamplingPlan) -> list[int]:
    return [row[0] for row in candidate_rows(plan=plan, start=WEEK, end=WEEK + timedelta(days=7))]


def _make(agent: Agent, hour: int, **extra: Any) -> Any:
    start = timezone.make_aware(datetime.combine(WEEK, time(9)))
    return f.make_interaction(agent, created_at=start + timedelta(hours=hour), messages=[], **extra)


def test_candidates_carry_every_tag_and_field_value_asked_for(qa_lead: User, agent: Agent) -> None:
    both = _make(agent, 0, tags=["vip", "refund"], custom_fields={"plan": "gold", "order_value": 120})
    vip = _make(agent, 1, tags=["vip"], custom_fields={"plan": "silver", "order_value": 120})
    _make(agent, 2)
    plan = sampling_plan_create(actor=qa_lead, reviewers=[], name="p", period="week", seed=1, filters={"tags": ["vip"]})
    assert _ids(plan) == [both.pk, vip.pk]
    plan.filters = {"tags": ["vip", "refund"]}
    assert _ids(plan) == [both.pk]
    plan.filters = {"custom_fields": {"plan": "silver", "order_value": 120}}
    assert _ids(plan) == [vip.pk]


def test_bad_tag_and_field_filters_are_refused_naming_them(qa_lead: User) -> None:
    client = Client()
    client.force_login(qa_lead)
    for filters, loc in (
        ({"tags": "vip"}, ["filters", "tags"]),
        ({"custom_fields": ["plan"]}, ["filters", "custom_fields"]),
        ({"custom_fields": {"plan": ["gold"]}}, ["filters", "custom_fields", "plan"]),
    ):
        response = client.post(URL, {"name": "Bad", "filters": filters}, content_type="application/json")
        assert response.status_code == 422, filters
        assert response.json()["detail"][0]["loc"][-len(loc) :] == loc
    response = client.post(
        URL, {"name": "Good", "filters": {"tags": ["vip"], "custom_fields": {"plan": "gold"}}}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["filters"] == {"tags": ["vip"], "custom_fields": {"plan": "gold"}}


def test_the_plan_form_takes_tags_separated_by_commas(qa_lead: User, reviewer: User) -> None:
    client = Client()
    client.force_login(qa_lead)
    data = {"name": "VIP", "n_per_agent": "3", "period": "week", "tags": "vip, escalated", "reviewers": [str(reviewer.pk)]}
    data |= {"due_days": "5", "is_active": "on"}
    response = client.post(reverse("sampling:plan_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    plan = SamplingPlan.objects.get(name="VIP")
    assert plan.filters == {"tags": ["vip", "escalated"]}
    assert 'value="vip, escalated"' in client.get(reverse("sampling:plan_edit", args=[plan.pk])).content.decode()
