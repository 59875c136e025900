"""Demo phone traffic (called by the demo loader, qadesk/demo/services.py): two queues on two trunks over the last
eight weeks with a daily curve, busy signals at the peaks, a noisy trunk for one week three weeks ago, tariffs, the
demo's phone interactions linked to their calls, and a reasonable level on each parameter."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction

from qadesk.interactions.models import Interaction
from qadesk.phoneline.models import CallRecord, DeliveryLevel, Tariff

PREFIX = "demo-call-"
DAYS = 56
QUEUES = {"Ordini IT": "TIM-01", "Support FR": "Orange-02"}
TARIFFS = {"TIM-01": Decimal("0.0120"), "Orange-02": Decimal("0.0150")}
# Calls per hour of the day (Monday to Friday; Saturday a third, Sunday closed): a morning and an afternoon peak.
CURVE = {8: 6, 9: 14, 10: 20, 11: 18, 12: 9, 13: 8, 14: 16, 15: 17, 16: 12, 17: 7}
LEVELS = [
    ("busy_rate", 5.0),
    ("abandonment_rate", 8.0),
    ("asa_seconds", 30.0),
    ("low_mos_rate", 5.0),
    ("noise_rate", 3.0),
    ("cost_per_minute", 0.02),
]


@transaction.atomic
def demo_calls_create(*, end: datetime, seed: int = 7) -> int:
    """Replace the demo's call records and set its tariffs and levels (a second load gives the same); returns the calls."""
    rng = random.Random(seed)
    CallRecord.objects.filter(call_id__startswith=PREFIX).delete()
    for trunk, price in TARIFFS.items():
        Tariff.objects.update_or_create(trunk=trunk, defaults={"per_minute": price})
    for parameter, value in LEVELS:
        DeliveryLevel.objects.update_or_create(parameter=parameter, queue="", defaults={"value": value})
    noisy_week = (end - timedelta(days=21)).date()
    calls: list[CallRecord] = []
    start = (end - timedelta(days=DAYS)).replace(minute=0, second=0, microsecond=0)
    for hour_index in range(DAYS * 24):
        moment = start + timedelta(hours=hour_index)
        if moment >= end or moment.weekday() == 6 or moment.hour not in CURVE:
            continue
        for queue, trunk in QUEUES.items():
            volume = CURVE[moment.hour] // (3 if moment.weekday() == 5 else 1)
            noisy = trunk == "Orange-02" and 0 <= (moment.date() - noisy_week).days < 7
            for _i in range(rng.randint(volume // 2, volume)):
                calls.append(_call(rng, len(calls), queue, trunk, moment, peak=CURVE[moment.hour] >= 16, noisy=noisy))
    CallRecord.objects.bulk_create(calls, batch_size=2000)
    _link(rng, end)
    return len(calls)


def _call(rng: random.Random, n: int, queue: str, trunk: str, hour: datetime, *, peak: bool, noisy: bool) -> CallRecord:
    offered = hour + timedelta(seconds=rng.randint(0, 3599))
    base = CallRecord(call_id=f"{PREFIX}{n:06d}", queue=queue, trunk=trunk, offered_at=offered)
    roll = rng.random()
    if roll < (0.09 if peak else 0.01):
        base.outcome = "busy"
        return base
    wait = int(rng.expovariate(1 / (40 if peak else 15)))
    if roll > (0.90 if peak else 0.96):
        base.outcome, base.wait_seconds = "abandoned", wait
        return base
    base.outcome, base.wait_seconds = "answered", wait
    base.talk_seconds, base.hold_seconds = int(rng.gauss(240, 80)) % 900 + 30, rng.choice([0, 0, 0, 20, 45])
    base.transfers = int(rng.random() < 0.08)
    base.mos = round(min(4.5, rng.gauss(3.2 if noisy else 4.2, 0.3)), 2)
    base.jitter_ms = round(rng.uniform(20, 60) if noisy else rng.uniform(2, 12), 1)
    base.packet_loss = round(rng.uniform(1.5, 4) if noisy else rng.uniform(0, 0.4), 2)
    base.noisy = rng.random() < (0.35 if noisy else 0.01)
    return base


def _link(rng: random.Random, end: datetime) -> None:
    """Link each demo phone interaction of the period to one answered demo call (the demo makes its calls and its
    interactions apart, so the pairing is a stand-in for the telephone system's own link)."""
    phone = Interaction.objects.filter(channel="phone", queued_at__gte=end - timedelta(days=DAYS)).order_by("queued_at")
    answered = list(CallRecord.objects.filter(call_id__startswith=PREFIX, outcome="answered").order_by("offered_at"))
    if not answered:
        return
    changed = []
    picked = rng.sample(answered, min(len(answered), phone.count()))
    for interaction, call in zip(phone.only("id")[: len(picked)], picked, strict=True):
        call.interaction_id = interaction.pk
        changed.append(call)
    CallRecord.objects.bulk_update(changed, ["interaction"], batch_size=2000)
