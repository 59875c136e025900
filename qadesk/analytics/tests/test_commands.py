"""`qadesk report quality` (management command qreport) as JSON and CSV."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from qadesk.accounts.models import User

from .conftest import ReportData

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("qreport", "quality", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_whole_report_as_json(report_data: ReportData) -> None:
    body = json.loads(run("--by", "agent", "--from", "2026-09-01", "--to", "2026-11-30", "--format", "json"))
    assert (body["date_from"], body["date_to"], body["totals"]["n"]) == ("2026-09-01", "2026-11-30", 7)
    assert [(g["label"], g["iqs"], g["conclusive"]) for g in body["groups"]] == [
        ("A.Rossi", 90.0, True),
        ("B.Martin", 80.0, False),
    ]
    assert body["criteria"] and body["root_causes"]


def test_it_prints_the_group_table_as_csv_with_a_header(report_data: ReportData) -> None:
    rows = list(csv.DictReader(io.StringIO(run("--by", "team", "--format", "csv"))))
    assert [(r["label"], r["n"], r["iqs"], r["ci_low"], r["conclusive"]) for r in rows] == [
        ("Milano Ordini", "5", "90.0", "50.31", "True"),
        ("Lyon Livraisons", "2", "80.0", "0.0", "False"),
    ]


def test_it_reports_as_a_user_with_their_visibility(report_data: ReportData, agent_user: User) -> None:
    body = json.loads(run("--user", agent_user.username))
    assert body["totals"]["n"] == 5


def test_it_runs_as_the_unrestricted_system_without_saving_a_user(report_data: ReportData) -> None:
    users = User.objects.count()
    assert json.loads(run("--from", "2026-10-01", "--channel", "chat"))["totals"]["n"] == 2
    assert User.objects.count() == users


def test_it_fails_clearly_for_an_unknown_user_or_bad_range(db: None) -> None:
    with pytest.raises(CommandError, match="No active user"):
        run("--user", "nobody")
    with pytest.raises(CommandError, match="start date is after"):
        run("--from", "2026-10-01", "--to", "2026-09-01")
