"""Each value-and-cost formula on data worked by hand (docs/value.md has the same example)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from qadesk.costs import figures
from qadesk.costs.figures import GroupWork, LabourRate, MistakeAssumptions

D = Decimal
OCTOBER = LabourRate(
    date(2026, 10, 1), salary=D(2000), overtime=D(100), benefits=D(200), taxes=D(600), other=D(100), paid_hours=D(150)
)
RAISED = LabourRate(
    date(2026, 11, 16), salary=D(2600), overtime=D(100), benefits=D(200), taxes=D(600), other=D(100), paid_hours=D(150)
)


def test_it_computes_the_hourly_labour_cost_from_every_component() -> None:
    assert OCTOBER.monthly_total == D(3000)
    assert figures.hourly_labour_cost(OCTOBER) == D(20)


def test_it_has_no_hourly_cost_without_paid_hours() -> None:
    assert figures.hourly_labour_cost(LabourRate(date(2026, 1, 1), D(100), paid_hours=D(0))) is None


def test_a_salary_change_mid_month_prices_each_half_at_its_own_rate() -> None:
    # November has 30 days: 15 days at 3,000 / 30 and 15 days at 3,600 / 30.
    assert figures.prorated_labour_cost([RAISED, OCTOBER], date(2026, 11, 1), date(2026, 11, 30)) == D(3300)
    assert figures.prorated_labour_cost([OCTOBER, RAISED], date(2026, 11, 1), date(2026, 11, 15)) == D(1500)


def test_days_before_the_first_record_cost_nothing() -> None:
    assert figures.prorated_labour_cost([RAISED], date(2026, 11, 1), date(2026, 11, 30)) == D(1800)


def test_a_period_over_two_months_prorates_each_month_by_its_own_length() -> None:
    # 31 October: 3,000 / 31; 1 November: 3,000 / 30.
    cost = figures.prorated_labour_cost([OCTOBER], date(2026, 10, 31), date(2026, 11, 1))
    assert figures.money(cost) == figures.money(D(3000) / 31 + D(3000) / 30)


def test_an_agents_own_record_overrides_the_default_from_its_date_on() -> None:
    organisation = [LabourRate(date(2026, 1, 1), D(3000), paid_hours=D(150))]
    own = [LabourRate(date(2026, 11, 16), D(3600), paid_hours=D(150))]
    timeline = figures.effective_rates([organisation, [], [], own])
    assert [(r.valid_from, r.monthly_total) for r in timeline] == [(date(2026, 1, 1), D(3000)), (date(2026, 11, 16), D(3600))]
    assert figures.prorated_labour_cost(timeline, date(2026, 11, 1), date(2026, 11, 30)) == D(3300)


def test_a_monthly_amount_is_prorated_by_the_days_the_period_covers() -> None:
    assert figures.prorated_amount(D(300), date(2026, 11, 1), date(2026, 11, 1), date(2026, 11, 10)) == D(100)
    assert figures.prorated_amount(D(300), date(2026, 12, 1), date(2026, 11, 1), date(2026, 11, 30)) == D(0)


def test_it_shares_the_cost_by_handle_time_imputing_the_mean_where_none_was_recorded() -> None:
    groups = [
        GroupWork("email", resolved=2, handle_seconds=0, timed=0),
        GroupWork("phone", resolved=2, handle_seconds=600, timed=2),
    ]
    email, phone = figures.allocate_by_handle_time(D(1000), groups)
    # mean handle time 300 s: e-mail weighs 2 × 300 = 600, like the calls' 600 s.
    assert (email.cost, phone.cost) == (D(500), D(500))
    assert email.cost_per_incident == D(250)


def test_it_weights_groups_by_handle_time() -> None:
    groups = [GroupWork("phone", 1, 900, 1), GroupWork("chat", 3, 300, 3)]
    phone, chat = figures.allocate_by_handle_time(D(1200), groups)
    assert (phone.cost, chat.cost) == (D(900), D(300))
    assert (phone.cost_per_incident, chat.cost_per_incident) == (D(900), D(100))


def test_without_any_handle_time_every_incident_weighs_the_same() -> None:
    a, b = figures.allocate_by_handle_time(D(90), [GroupWork("a", 1, 0, 0), GroupWork("b", 2, 0, 0)])
    assert (a.cost, b.cost) == (D(30), D(60))


def test_customer_value_as_the_seed_defines_it_and_the_conventional_one() -> None:
    assert figures.clv_seed(D(1000), 4) == D(250)
    assert figures.clv_seed(None, 4) is None
    assert figures.clv_seed(D(1000), 0) is None
    value, lifetime = figures.clv_conventional(D(50), D("0.02"))
    assert (value, lifetime) == (D(2500), D(50))
    assert figures.clv_conventional(D(50), None) == (None, None)


ASSUMED = MistakeAssumptions(D("0.5"), D("0.1"), D(3), D("0.02"))


def test_it_estimates_what_high_impact_errors_cost() -> None:
    # 4 errors in 20 reviews → 0.2 per contact → 200 over 1,000 contacts.
    cost = figures.mistake_cost(
        high_impact_errors=4, reviews=20, contacts=1000, cost_per_contact=D(5), customer_value=D(250), assumptions=ASSUMED
    )
    assert cost is not None
    assert cost.errors_estimated == D(200)
    assert (cost.repeat_cost, cost.complaint_cost, cost.lost_value) == (D(500), D(300), D(1000))
    assert cost.total == D(1800)


def test_without_reviews_no_mistake_cost_is_estimated() -> None:
    assert (
        figures.mistake_cost(
            high_impact_errors=0, reviews=0, contacts=10, cost_per_contact=D(5), customer_value=None, assumptions=ASSUMED
        )
        is None
    )


def test_it_lists_the_customers_whose_support_cost_exceeds_their_value() -> None:
    incidents = {("C-1", "gold"): 3, ("C-2", "gold"): 1, ("C-3", "standard"): 2, ("C-4", "unknown"): 9}
    listed = figures.costly_customers(incidents, D(40), {"gold": D(100), "standard": D(60)})
    assert [(c.customer, c.cost, c.value) for c in listed] == [("C-1", D(120), D(100)), ("C-3", D(80), D(60))]


def test_months_between_lists_each_month_touched() -> None:
    assert figures.months_between(date(2026, 10, 20), date(2026, 12, 1)) == [
        date(2026, 10, 1),
        date(2026, 11, 1),
        date(2026, 12, 1),
    ]
