"""The demo's phone traffic: a daily curve with busy signals at the peaks, a noisy trunk one week, levels, tariffs."""

from datetime import UTC, datetime

import pytest

from qadesk.phoneline.demo import demo_calls_create
from qadesk.phoneline.models import CallRecord, DeliveryLevel, Tariff

pytestmark = pytest.mark.django_db
END = datetime(2026, 12, 5, 18, 0, tzinfo=UTC)


def test_the_demo_makes_the_same_traffic_however_often_it_loads() -> None:
    first = demo_calls_create(end=END)
    assert demo_calls_create(end=END) == first == CallRecord.objects.count() > 1000
    assert (DeliveryLevel.objects.count(), Tariff.objects.count()) == (6, 2)
    busy_hours = {c.offered_at.hour for c in CallRecord.objects.filter(outcome="busy")}
    assert busy_hours and busy_hours <= set(range(8, 18))
    noisy = CallRecord.objects.filter(noisy=True)
    assert noisy.filter(trunk="Orange-02").count() > 2 * max(1, noisy.filter(trunk="TIM-01").count())  # its noisy week
    assert not CallRecord.objects.filter(offered_at__week_day=1).exists()  # Sundays closed
