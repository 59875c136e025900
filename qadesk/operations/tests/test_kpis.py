"""The KPI formulas on small data sets worked by hand (docs/operations.md), no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from scipy import stats

from qadesk.operations import kpis
from qadesk.operations.kpis import Contact, KpiSettings
from qadesk.operations.tests.data import NOW, T0, worked_contacts

SETTINGS = KpiSettings(service_level_seconds=20, short_abandon_seconds=5, fcr_days=7)


def figures() -> kpis.KpiFigures:
    return kpis.contacts_figures(worked_contacts(), settings=SETTINGS, as_of=NOW, now=NOW)


def wilson(k: int, n: int) -> tuple[float, float]:
    interval = stats.binomtest(k, n).proportion_ci(method="wilson")
    return round(100 * interval.low, 2), round(100 * interval.high, 2)


def test_it_works_the_waits_and_the_service_level_by_hand() -> None:
    f = figures()
    # answered: c1 after 10 s, c2 after 30 s → ASA 20 s; c3 gave up after 3 s (short), c4 after 60 s.
    assert (f.answered, f.asa_seconds, f.wait_median) == (2, 20.0, 20.0)
    assert (f.abandoned, f.short_abandoned, f.offered) == (1, 1, 3)
    # within 20 s: c1 only, of 3 offered (c1, c2, c4; the short abandon counts in neither)
    assert f.service_level == 33.33
    assert (f.service_level_low, f.service_level_high) == wilson(1, 3)
    assert f.abandonment_rate == 33.33


def test_it_works_the_handle_time_and_its_parts() -> None:
    f = figures()
    # c1: 300 + 60 + 40 = 400; c2: 200 + 0 + 100 = 300; the abandoned calls have no handle time.
    assert (f.handled, f.aht_seconds, f.aht_median, f.aht_p90) == (2, 350.0, 350.0, 390.0)
    assert (f.talk_seconds, f.hold_seconds, f.acw_seconds) == (250.0, 30.0, 70.0)


def test_it_gives_means_medians_and_90th_percentiles_of_response_and_resolution() -> None:
    f = figures()
    # first replies after 10, 30 and 7,200 s: mean 2,413.3; median 30; p90 30 + 0.8 × 7,170 = 5,766
    assert (f.replied, f.first_response_mean, f.first_response_median, f.first_response_p90) == (3, 2413.3, 30.0, 5766.0)
    # resolved after 410 s, 1 h and 2 days: two within 24 h; c6 is still open (backlog)
    assert (f.resolved, f.resolution_median, f.resolved_24h_rate) == (3, 3600.0, 66.67)
    assert f.backlog == 1


def test_it_counts_first_contact_resolution_without_reopens_or_a_new_contact() -> None:
    f = figures()
    # c1 yes; c2 was reopened; c5's customer wrote again on the same reason within 7 days
    assert (f.fcr_decided, f.fcr_rate) == (3, 33.33)
    assert (f.fcr_rate_low, f.fcr_rate_high) == wilson(1, 3)


def test_it_leaves_fcr_undecided_until_n_days_have_passed() -> None:
    recent = Contact(created_at=NOW - timedelta(days=2), resolved_at=NOW - timedelta(days=1))
    f = kpis.contacts_figures([recent], settings=SETTINGS, as_of=NOW, now=NOW)
    assert (f.resolved, f.fcr_decided, f.fcr_rate) == (1, 0, None)


def test_it_counts_reassignments_and_their_paths() -> None:
    f = figures()
    assert (f.assigned, f.reassigned, f.reassignment_rate) == (4, 1, 16.67)  # 1 of all 6 contacts (FORMULAS.md)
    paths = kpis.reassignment_paths(
        kpis.handoffs(["Ordini", "Consegne", "Ordini"], "refund") + kpis.handoffs(["Ordini", "Consegne"], "refund")
    )
    assert [(p.from_team, p.to_team, p.label, p.count) for p in paths] == [
        ("Ordini", "Consegne", "refund", 2),
        ("Consegne", "Ordini", "refund", 1),
    ]


def test_it_treats_missing_and_inconsistent_timestamps_as_missing() -> None:
    no_times = Contact(created_at=T0)
    reply_before_creation = Contact(created_at=T0, first_reply_at=T0 - timedelta(minutes=5))
    answered_without_queue = Contact(created_at=T0, answered_at=T0 + timedelta(seconds=5))
    f = kpis.contacts_figures([no_times, reply_before_creation, answered_without_queue], settings=SETTINGS, as_of=NOW, now=NOW)
    assert (f.contacts, f.answered, f.replied, f.resolved, f.handled, f.offered) == (3, 0, 0, 0, 0, 0)
    assert (f.asa_seconds, f.service_level, f.first_response_median, f.aht_seconds) == (None, None, None, None)
    assert f.backlog == 3


def test_an_abandon_of_unknown_length_is_a_real_abandon() -> None:
    contact = Contact(created_at=T0, queued_at=T0, abandoned=True)  # no closed_at: when they hung up is not known
    assert not kpis.is_short_abandon(contact, SETTINGS)
    f = kpis.contacts_figures([contact], settings=SETTINGS, as_of=NOW, now=NOW)
    assert (f.abandoned, f.short_abandoned, f.abandonment_rate) == (1, 0, 100.0)


def test_an_abandoned_flag_wins_over_a_stray_answer_time() -> None:
    contact = Contact(created_at=T0, queued_at=T0, answered_at=T0 + timedelta(seconds=9), abandoned=True)
    assert kpis.answer_wait_seconds(contact) is None
    assert not kpis.is_answered(contact)


def test_backlog_counts_what_was_open_at_the_end_of_the_period() -> None:
    resolved_later = Contact(created_at=T0, resolved_at=T0 + timedelta(days=3))
    created_later = Contact(created_at=T0 + timedelta(days=5))
    as_of = T0 + timedelta(days=1)
    assert kpis.is_backlog(resolved_later, as_of)
    assert not kpis.is_backlog(created_later, as_of)
    assert not kpis.is_backlog(resolved_later, T0 + timedelta(days=4))


def test_durations_are_elapsed_time_across_a_daylight_saving_change() -> None:
    rome = ZoneInfo("Europe/Rome")
    # 25 October 2026: at 03:00 summer time the clocks go back to 02:00. Queued at 02:50 summer time, answered at
    # 02:10 winter time: the local clock went back 40 minutes, the caller waited 20.
    queued = datetime(2026, 10, 25, 2, 50, tzinfo=rome)
    answered = datetime(2026, 10, 25, 2, 10, fold=1, tzinfo=rome)
    contact = Contact(created_at=queued, queued_at=queued, answered_at=answered)
    assert kpis.answer_wait_seconds(contact) == 1200
    # 29 March 2026: 02:00 winter time becomes 03:00 summer time; 01:50 → 03:10 local is 20 minutes.
    spring = Contact(created_at=datetime(2026, 3, 29, 1, 50, tzinfo=rome), resolved_at=datetime(2026, 3, 29, 3, 10, tzinfo=rome))
    assert kpis.resolution_seconds(spring) == 1200


def test_time_zones_do_not_change_a_duration() -> None:
    created = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    replied = datetime(2026, 6, 1, 10, 30, tzinfo=ZoneInfo("Europe/Paris"))  # 08:30 UTC
    assert kpis.first_response_seconds(Contact(created_at=created, first_reply_at=replied)) == 1800


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [([1, 2, 3, 10], 0.5, 2.5), ([1, 2, 3, 10], 0.9, 7.9), ([5], 0.9, 5), ([], 0.5, None)],
)
def test_percentile_cont_interpolates_like_postgresql(values: list[float], fraction: float, expected: float | None) -> None:
    assert kpis.percentile_cont(values, fraction) == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("kpi", "value", "target", "met"),
    [
        ("service_level", 80.0, 80.0, True),
        ("service_level", 79.9, 80.0, False),
        ("asa_seconds", 21.0, 20.0, False),
        ("asa_seconds", 20.0, 20.0, True),
        ("fcr_rate", None, 70.0, None),
    ],
)
def test_a_target_is_met_in_the_direction_of_its_kpi(kpi: str, value: float | None, target: float, met: bool | None) -> None:
    assert kpis.target_met(kpi, value, target) is met


def test_share_met_and_the_missed_streak_ignore_periods_without_a_figure() -> None:
    results = [True, False, None, False, False]
    assert kpis.share_met(results) == (1, 4, 25.0)
    assert kpis.missed_streak(results) == 2
    assert kpis.missed_streak([False, None]) == 0


ROME = ZoneInfo("Europe/Rome")
WEEKDAYS_9_TO_18 = kpis.OpeningHours(zone=ROME, days={d: (time(9), time(18)) for d in range(5)})


def test_business_time_counts_only_opening_hours() -> None:
    friday_5pm = datetime(2026, 11, 6, 17, 0, tzinfo=ROME)
    monday_10am = datetime(2026, 11, 9, 10, 0, tzinfo=ROME)
    assert kpis.business_seconds(friday_5pm, monday_10am, WEEKDAYS_9_TO_18) == 7200
    assert kpis.resolution_seconds(Contact(created_at=friday_5pm, resolved_at=monday_10am)) == 65 * 3600


def test_business_time_skips_holidays() -> None:
    hours = kpis.OpeningHours(zone=ROME, days=WEEKDAYS_9_TO_18.days, holidays=frozenset({date(2026, 12, 8)}))
    # Monday 7 December 17:00 → Wednesday 9 December 10:00 across the Immaculate Conception (8 December)
    assert kpis.business_seconds(datetime(2026, 12, 7, 17, tzinfo=ROME), datetime(2026, 12, 9, 10, tzinfo=ROME), hours) == 7200


def test_business_time_across_the_daylight_saving_night_and_missing_ends() -> None:
    all_day = kpis.OpeningHours(zone=ROME, days={6: (time(0), time(23, 59, 59))})
    # Sunday 25 October 2026 has 25 hours: 00:00 → 12:00 local is 13 elapsed hours
    start, noon = datetime(2026, 10, 25, 0, 0, tzinfo=ROME), datetime(2026, 10, 25, 12, 0, tzinfo=ROME)
    assert kpis.business_seconds(start, noon, all_day) == 13 * 3600
    assert kpis.business_seconds(None, noon, all_day) is None
    assert kpis.business_seconds(noon, start, all_day) is None
