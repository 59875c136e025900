"""Every headline measured from the apps that own its data, compared with the previous period, a baseline and a target."""

from __future__ import annotations

import pytest

from qadesk.accounts.models import User
from qadesk.core.errors import ApplicationError
from qadesk.executive.headlines import BY_CODE, HEADLINES
from qadesk.executive.models import Baseline, HeadlineTarget
from qadesk.executive.selectors import executive_summary
from qadesk.executive.services import baseline_capture, targets_set
from qadesk.executive.tests.conftest import NOVEMBER, OCTOBER, Worked


def test_each_headline_is_measured_from_its_app(worked: Worked) -> None:
    values = {h.code: h.measure(*NOVEMBER) for h in HEADLINES}
    assert values["iqs"] is not None and values["iqs"].value == 95.0 and values["iqs"].n == 10
    assert values["pass_rate"] is not None and values["pass_rate"].value == 100.0
    assert values["high_impact_per_100"] is not None and values["high_impact_per_100"].value == 0.0
    assert values["csat"] is not None and values["csat"].value == 100.0 and values["csat"].n == 4
    assert values["nps"] is not None and values["nps"].value == 25.0
    assert values["ces"] is not None and values["ces"].value == 6.0
    assert values["service_level"] is not None and values["service_level"].value == 100.0
    assert values["aht"] is not None and values["aht"].value == 250.0
    october = {h.code: h.measure(*OCTOBER) for h in HEADLINES}
    assert october["high_impact_per_100"] is not None and october["high_impact_per_100"].value == 100.0
    assert october["service_level"] is not None and october["service_level"].value == 50.0
    assert october["aht"] is not None and october["aht"].value == 350.0
    assert october["nps"] is not None and october["nps"].value == 0.0
    # cost per incident and competence come from their apps, which have no costs or training recorded here
    assert values["cost_per_incident"] is None and values["competence"] is None


def test_the_summary_compares_with_the_previous_month_and_flags_significant_changes(worked: Worked) -> None:
    report = executive_summary(start=NOVEMBER[0], end=NOVEMBER[1], granularity="month")
    assert (report.previous_start, report.previous_end) == OCTOBER
    rows = {r.code: r for r in report.rows}
    iqs = rows["iqs"]
    assert iqs.change is not None and iqs.change.difference == 20.0 and iqs.change.better
    assert iqs.change.significant and iqs.change.p_adjusted is not None and iqs.change.p_adjusted < 0.05
    errors = rows["high_impact_per_100"]
    assert errors.change is not None and errors.change.better is True  # fewer errors is better
    csat = rows["csat"]  # 50 % → 100 % on 4 answers each is not enough to be sure
    assert csat.change is not None and not csat.change.significant
    assert {r.code for r in report.significant} >= {"iqs", "pass_rate", "high_impact_per_100"}
    assert "csat" not in {r.code for r in report.significant}
    assert rows["competence"].available and rows["competence"].current is None  # installed, nothing recorded
    assert len(iqs.series) == 12 and iqs.series[-1] == 95.0 and iqs.series[-2] == 75.0 and iqs.series[0] is None


def test_a_baseline_is_captured_and_the_current_period_is_tested_against_it(worked: Worked, manager: User) -> None:
    captured = baseline_capture(actor=manager, start=OCTOBER[0], end=OCTOBER[1])
    assert set(captured) == {h.code for h in HEADLINES} - {"cost_per_incident", "competence", "fcr"}
    baseline = Baseline.objects.get(headline="iqs")
    assert (baseline.value, baseline.n) == (75.0, 10) and baseline.sd is not None
    targets_set(actor=manager, values={"iqs": 90.0, "aht": 240.0, "csat": None})
    assert dict(HeadlineTarget.objects.values_list("headline", "value")) == {"iqs": 90.0, "aht": 240.0}
    report = executive_summary(start=NOVEMBER[0], end=NOVEMBER[1])
    rows = {r.code: r for r in report.rows}
    assert rows["iqs"].baseline_change is not None and rows["iqs"].baseline_change.significant
    assert rows["iqs"].target_met is True and rows["aht"].target_met is False  # 250 s against at most 240 s
    assert report.series_periods == []  # any range: no sparklines


def test_only_managers_and_admins_change_baselines_and_targets(worked: Worked, qa_lead: User) -> None:
    with pytest.raises(ApplicationError):
        baseline_capture(actor=qa_lead, start=OCTOBER[0], end=OCTOBER[1])
    with pytest.raises(ApplicationError):
        targets_set(actor=qa_lead, values={"iqs": 90.0})


def test_bad_input_is_refused_with_a_reason(manager: User, db: None) -> None:
    with pytest.raises(ApplicationError, match="after the end"):
        executive_summary(start=NOVEMBER[1], end=NOVEMBER[0])
    with pytest.raises(ApplicationError, match="year"):
        executive_summary(start=NOVEMBER[0], end=NOVEMBER[1], granularity="year")
    with pytest.raises(ApplicationError, match="bogus"):
        baseline_capture(actor=manager, start=OCTOBER[0], end=OCTOBER[1], codes=["bogus"])
    with pytest.raises(ApplicationError, match="bogus"):
        targets_set(actor=manager, values={"bogus": 1.0})
    assert set(BY_CODE) >= {"iqs", "cost_per_incident", "competence"}
