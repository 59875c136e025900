"""What a mistake costs, with its probabilities measured from the period's reviewed contacts (issue 10: "using the
review errors and the loyalty figures from the operations work"), falling back to the admin's values where a side has
fewer than 30 contacts, and each assumption's source said on the page and in the API."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from qadesk.accounts.models import Agent, User
from qadesk.costs import figures
from qadesk.costs.models import CostSettings
from qadesk.costs.selectors import cost_report, measured_assumptions
from qadesk.costs.tests.data import NOVEMBER, november
from qadesk.interactions.models import Customer, Label
from qadesk.reviews.models import Review
from qadesk.scorecards.models import ScorecardVersion
from qadesk.testing import factories as f
from qadesk.testing.clients import api_client, page_client

pytestmark = pytest.mark.django_db

# --- the pure figure ---------------------------------------------------------------------------------------------------


def test_the_excess_share_is_what_the_error_adds() -> None:
    assert figures.excess_share(12, 40, 8, 80).value == Decimal("0.2")  # 30 % against 10 %
    assert figures.excess_share(2, 40, 40, 80).value == Decimal(0)  # fewer after an error: adds nothing, never < 0
    assert figures.excess_share(12, 29, 8, 80).value is None  # 29 with an error: too few to measure
    assert figures.excess_share(12, 40, 8, 29).value is None
    assert figures.excess_share(12, 30, 8, 30, minimum=30).value == Decimal(4) / Decimal(30)


def test_a_measured_value_wins_over_the_set_one_only_when_there_is_one() -> None:
    assert figures.measured_or_set(figures.excess_share(12, 40, 8, 80), Decimal("0.5")) == Decimal("0.2")
    assert figures.measured_or_set(figures.excess_share(1, 2, 0, 2), Decimal("0.5")) == Decimal("0.5")
    assert figures.measured_or_set(None, Decimal("0.5")) == Decimal("0.5")


# --- the period's reviewed contacts ------------------------------------------------------------------------------------

REVIEWED = datetime(2026, 11, 20, 9, tzinfo=UTC)
NOW = datetime(2027, 1, 31, tzinfo=UTC)  # every 30-day return window of November has passed


def _contacts(agent: Agent, version: ScorecardVersion, reviewer: User, *, error: bool, n: int, **events: int) -> None:
    """`n` reviewed November contacts (each its own customer, on the label "billing"), with or without a high-impact
    error; the first `repeat` come back on the same reason 2 days after their resolution, the first `complaint` are
    complaints, and the first `returned` customers come back on another reason 10 days later."""
    billing, _ = Label.objects.get_or_create(code="billing")
    other, _ = Label.objects.get_or_create(code="delivery")
    side = "E" if error else "O"
    for i in range(n):
        created = datetime(2026, 11, 5, 10, tzinfo=UTC) + timedelta(hours=i)
        customer = Customer.objects.create(external_id=f"{side}{i}")
        contact = f.make_interaction(
            agent,
            created_at=created,
            resolved_at=created + timedelta(hours=1),
            customer=customer,
            label=billing,
            complaint=i < events.get("complaint", 0),
        )
        Review.objects.create(
            interaction=contact,
            scorecard_version=version,
            reviewer=reviewer,
            agent=agent,
            status="submitted",
            score=40 if error else 90,
            high_impact_errors=1 if error else 0,
            submitted_at=REVIEWED,
        )
        if i < events.get("repeat", 0):
            f.make_interaction(agent, created_at=created + timedelta(days=2), customer=customer, label=billing)
        if i < events.get("returned", 0):
            f.make_interaction(agent, created_at=created + timedelta(days=10), customer=customer, label=other)


@pytest.fixture
def measured_data(agent: Agent, default_scorecard: ScorecardVersion, reviewer: User) -> None:
    """40 contacts with a high-impact error: 16 repeats (40 %), 8 complaints (20 %), 20 customers back (50 % lost);
    80 without: 16 repeats (20 %), 4 complaints (5 %), 60 back (25 % lost). Excesses: 0.20, 0.15, 0.25."""
    _contacts(agent, default_scorecard, reviewer, error=True, n=40, repeat=16, complaint=8, returned=20)
    _contacts(agent, default_scorecard, reviewer, error=False, n=80, repeat=16, complaint=4, returned=60)


def test_the_three_shares_are_measured_from_the_reviewed_contacts(measured_data: None) -> None:
    measured = measured_assumptions(date(2026, 11, 1), date(2026, 11, 30), now=NOW)
    assert (measured.repeat.with_n, measured.repeat.with_events, measured.repeat.without_events) == (40, 16, 16)
    assert measured.repeat.value == Decimal("0.2")
    assert measured.complaint.value == Decimal("0.15")
    assert (measured.lost.with_n, measured.lost.with_events, measured.lost.without_events) == (40, 20, 20)
    assert measured.lost.value == Decimal("0.25")


def test_a_customer_whose_window_has_not_passed_is_not_counted_as_lost(measured_data: None) -> None:
    soon = datetime(2026, 11, 30, tzinfo=UTC)  # 30 days after 5 November have not passed for anyone yet
    measured = measured_assumptions(date(2026, 11, 1), date(2026, 11, 30), now=soon)
    assert measured.lost.with_n == 0 and measured.lost.value is None
    assert measured.repeat.value == Decimal("0.2")  # the other two do not wait


def test_the_report_uses_the_measured_shares_and_the_set_ones_when_asked(manager: User, measured_data: None) -> None:
    november_ = {"date_from": date(2026, 11, 1), "date_to": date(2026, 11, 30)}
    report = cost_report(actor=manager, **november_)
    assert report.assumptions.repeat_contact_probability == Decimal("0.2")
    assert report.assumptions.complaint_probability == Decimal("0.15")
    CostSettings.objects.update(measure_from_data=False)
    report = cost_report(actor=manager, **november_)
    assert report.measured is None
    assert report.assumptions.repeat_contact_probability == Decimal("0.5")  # the default the admin keeps


def test_too_few_reviews_fall_back_to_the_set_values(
    agent: Agent, manager: User, default_scorecard: ScorecardVersion, reviewer: User
) -> None:
    _contacts(agent, default_scorecard, reviewer, error=True, n=5, repeat=5)
    _contacts(agent, default_scorecard, reviewer, error=False, n=40)
    report = cost_report(actor=manager, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30))
    assert report.measured is not None and report.measured.repeat.value is None
    assert report.assumptions.repeat_contact_probability == Decimal("0.5")


def test_the_page_says_where_each_assumption_came_from_in_french(manager: User, agent: Agent, measured_data: None) -> None:
    november(agent)  # costs, so that the mistake cost itself is computed
    manager.language = "fr"
    manager.save()
    page = page_client(manager).get("/costs/", NOVEMBER).content.decode()
    repeat = page.split('id="assumption-repeat"')[1].split("</li>")[0]
    assert "20\xa0%" in repeat  # the share used, in French: a space before the sign
    assert "mesuré" in repeat and "40" in repeat and "80" in repeat
    lost = page.split('id="assumption-lost"')[1].split("</li>")[0]
    assert "mesuré" in lost or "trop peu" in lost  # the loss needs 30 days watched: measured or said why not


def test_the_api_gives_the_measured_shares(manager: User, measured_data: None) -> None:
    data = api_client(manager).get("/api/v1/costs/report", NOVEMBER).json()
    repeat = data["measured_assumptions"]["repeat_contact_probability"]
    assert repeat == {
        "with_error": 40,
        "with_error_events": 16,
        "without_error": 80,
        "without_error_events": 16,
        "value": "0.2000",
    }
    assert data["assumptions"]["repeat_contact_probability"] == "0.2"
    assert data["measured_assumptions"]["complaint_probability"]["value"] == "0.1500"


def test_the_admin_can_turn_measuring_off_on_the_data_page(admin_user: User) -> None:
    settings = CostSettings.load()
    form = {
        "kind": "settings",
        "settings-currency": "EUR",
        "settings-repeat_contact_probability": str(settings.repeat_contact_probability),
        "settings-complaint_probability": str(settings.complaint_probability),
        "settings-complaint_cost_contacts": str(settings.complaint_cost_contacts),
        "settings-customer_lost_probability": str(settings.customer_lost_probability),
    }  # the box left unticked
    assert page_client(admin_user).post("/costs/data/", form).status_code == 302
    assert CostSettings.load().measure_from_data is False
