"""`GET /api/v1/executive` with a personal token: the page's figures for managers and admins, 404 for everyone else."""

from __future__ import annotations

import pytest
from django.utils import translation

from qadesk.accounts.models import User
from qadesk.executive.selectors import executive_summary
from qadesk.executive.services import baseline_capture, targets_set
from qadesk.executive.tests.conftest import NOVEMBER, OCTOBER, Worked
from qadesk.testing.clients import api_client

NOVEMBER_QUERY = {"period": "month", "day": "2026-11-15"}


@pytest.mark.parametrize("persona", ["agent_user", "reviewer", "team_lead", "qa_lead"])
def test_only_managers_and_admins_find_the_summary(persona: str, request: pytest.FixtureRequest) -> None:
    assert api_client(request.getfixturevalue(persona)).get("/api/v1/executive", NOVEMBER_QUERY).status_code == 404


def test_anonymous_callers_are_asked_to_sign_in(db: None) -> None:
    from django.test import Client

    assert Client().get("/api/v1/executive").status_code == 401


@pytest.mark.parametrize("persona", ["manager", "admin_user"])
def test_managers_and_admins_get_every_headline_with_its_tests(
    persona: str, worked: Worked, manager: User, request: pytest.FixtureRequest
) -> None:
    baseline_capture(actor=manager, start=OCTOBER[0], end=OCTOBER[1])
    targets_set(actor=manager, values={"iqs": 90.0, "aht": 240.0})
    got = api_client(request.getfixturevalue(persona)).get("/api/v1/executive", NOVEMBER_QUERY)
    assert got.status_code == 200
    data = got.json()
    assert (data["period"], data["from"], data["to"]) == ("month", "2026-11-01", "2026-11-30")
    assert (data["previous_from"], data["previous_to"]) == ("2026-10-01", "2026-10-31")
    assert len(data["series_periods"]) == 12 and data["series_periods"][-1] == {"from": "2026-11-01", "to": "2026-11-30"}
    rows = {h["code"]: h for h in data["headlines"]}
    iqs = rows["iqs"]
    assert (iqs["name"], iqs["section"], iqs["unit"], iqs["direction"]) == ("IQS", "delivered", "points", "higher")
    assert (iqs["current"]["value"], iqs["current"]["n"]) == (95.0, 10) and iqs["previous"]["value"] == 75.0
    assert (iqs["target"], iqs["target_met"]) == (90.0, True)
    assert iqs["change"]["difference"] == 20.0 and iqs["change"]["significant"] and iqs["change"]["better"]
    assert iqs["change"]["p_adjusted"] < 0.05
    assert iqs["baseline"]["value"] == 75.0 and iqs["baseline"]["period_from"] == "2026-10-01"
    assert iqs["baseline_change"]["significant"] and iqs["series"][-2:] == [75.0, 95.0]
    aht = rows["aht"]
    assert (aht["current"]["value"], aht["target"], aht["target_met"]) == (250.0, 240.0, False)
    csat = rows["csat"]  # 50 % → 100 % on 4 answers each: shown, not significant
    assert csat["change"]["difference"] == 50.0 and not csat["change"]["significant"]
    assert rows["cost_per_incident"]["current"] is None and rows["cost_per_incident"]["change"] is None
    assert set(data["significant"]) >= {"iqs", "pass_rate", "high_impact_per_100"} and "csat" not in data["significant"]


def test_it_gives_the_pages_figures(worked: Worked, manager: User) -> None:
    page = executive_summary(start=NOVEMBER[0], end=NOVEMBER[1], granularity="month")
    data = api_client(manager).get("/api/v1/executive", NOVEMBER_QUERY).json()
    assert [h["code"] for h in data["headlines"]] == [r.code for r in page.rows]
    for row, headline in zip(page.rows, data["headlines"], strict=True):
        value = None if headline["current"] is None else headline["current"]["value"]
        assert value == (None if row.current is None else row.current.value), row.code
        p = None if headline["change"] is None else headline["change"]["p_adjusted"]
        assert p == (None if row.change is None else row.change.p_adjusted), row.code


def test_names_come_in_the_callers_language(worked: Worked, manager: User) -> None:
    manager.language = "fr"
    manager.save(update_fields=["language"])
    data = api_client(manager).get("/api/v1/executive", {"period": "week", "day": "2026-11-11"}).json()
    translation.activate("en")
    assert (data["from"], data["to"]) == ("2026-11-09", "2026-11-15")
    sections = {h["section"]: h["section_title"] for h in data["headlines"]}
    assert sections["delivered"] == "Qualité délivrée", sections


def test_it_refuses_an_unknown_period_or_day(manager: User) -> None:
    client = api_client(manager)
    assert client.get("/api/v1/executive", {"period": "year"}).status_code == 422
    assert client.get("/api/v1/executive", {"day": "2026-13-01"}).status_code == 422
