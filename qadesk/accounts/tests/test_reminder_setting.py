"""The calibration reminder setting: on the settings page and in /api/v1/settings."""

import pytest
from django.test import Client
from django.urls import reverse

from qadesk.accounts.models import OrgSettings

pytestmark = pytest.mark.django_db
JSON = "application/json"
FORM = {"pass_mark": "80", "minimum_n": "5", "max_interval_width": "20", "dispute_window_days": "7", "dispute_decision_days": "5"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_shows_and_saves_the_reminder_on_the_settings_page(admin_user) -> None:
    client = _client(admin_user)
    page = client.get(reverse("accounts:settings")).content.decode()
    assert "Calibration reminder (hours before the deadline)" in page and 'name="calibration_reminder_hours"' in page
    assert 'value="24"' in page
    client.post(reverse("accounts:settings"), {**FORM, "calibration_reminder_hours": "0"})
    assert OrgSettings.load().calibration_reminder_hours == 0
    response = client.post(reverse("accounts:settings"), {**FORM, "calibration_reminder_hours": "-3"})
    assert "calibration_reminder_hours" in response.context["form"].errors
    assert OrgSettings.load().calibration_reminder_hours == 0


def test_it_reads_and_changes_the_reminder_through_the_api(admin_user, reviewer) -> None:
    assert _client(reviewer).get("/api/v1/settings").json()["calibration_reminder_hours"] == 24
    api = _client(admin_user)
    response = api.patch("/api/v1/settings", {"calibration_reminder_hours": 48}, content_type=JSON)
    assert response.status_code == 200 and response.json()["calibration_reminder_hours"] == 48
    assert api.patch("/api/v1/settings", {"calibration_reminder_hours": -1}, content_type=JSON).status_code == 422
    assert _client(reviewer).patch("/api/v1/settings", {"calibration_reminder_hours": 1}, content_type=JSON).status_code == 403
    assert OrgSettings.load().calibration_reminder_hours == 48
