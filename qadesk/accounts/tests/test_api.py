"""Organisation settings through the API door: everyone logged in reads them, only admins change them."""

import pytest
from django.test import Client

from qadesk.accounts.models import OrgSettings
from qadesk.accounts.services import api_token_create

pytestmark = pytest.mark.django_db
JSON = "application/json"


def bearer(user) -> Client:
    _token, key = api_token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_everyone_logged_in_reads_the_settings(agent_user) -> None:
    body = bearer(agent_user).get("/api/v1/settings").json()
    assert body == {
        "pass_mark": 80.0,
        "minimum_n": 5,
        "max_interval_width": 20.0,
        "allow_self_review": False,
        "dispute_window_days": 7,
        "dispute_decision_days": 5,
        "disputes_go_to_qa_lead": False,
        "calibration_reminder_hours": 24,
    }
    assert Client().get("/api/v1/settings").status_code == 401


def test_an_admin_changes_only_the_fields_given(admin_user) -> None:
    client = Client()
    client.force_login(admin_user)
    response = client.patch("/api/v1/settings", {"dispute_window_days": 10, "pass_mark": "85.5"}, content_type=JSON)
    assert response.status_code == 200, response.content
    assert (response.json()["dispute_window_days"], response.json()["pass_mark"], response.json()["minimum_n"]) == (10, 85.5, 5)
    saved = OrgSettings.load()
    assert (saved.dispute_window_days, float(saved.pass_mark), saved.minimum_n) == (10, 85.5, 5)


@pytest.mark.parametrize("persona", ["qa_lead", "manager", "agent_user"])
def test_others_cannot_change_the_settings(request, persona) -> None:
    response = bearer(request.getfixturevalue(persona)).patch("/api/v1/settings", {"minimum_n": 3}, content_type=JSON)
    assert response.status_code == 403 and response.json()["detail"]
    assert OrgSettings.load().minimum_n == 5


def test_out_of_range_values_are_refused(admin_user) -> None:
    api = bearer(admin_user)
    assert api.patch("/api/v1/settings", {"pass_mark": 120}, content_type=JSON).status_code == 422
    assert api.patch("/api/v1/settings", {"dispute_decision_days": 0}, content_type=JSON).status_code == 422
    assert OrgSettings.load().pass_mark == 80


@pytest.mark.parametrize(("field", "value"), [("minimum_n", 1), ("max_interval_width", 0), ("max_interval_width", 101)])
def test_it_refuses_a_minimum_n_below_2_and_a_width_outside_1_to_100(admin_user, field, value) -> None:
    response = bearer(admin_user).patch("/api/v1/settings", {field: value}, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field
    saved = OrgSettings.load()
    assert (saved.minimum_n, saved.max_interval_width) == (5, 20)


def test_it_changes_the_maximum_interval_width(admin_user) -> None:
    response = bearer(admin_user).patch("/api/v1/settings", {"max_interval_width": 12.5}, content_type=JSON)
    assert response.status_code == 200 and response.json()["max_interval_width"] == 12.5
    assert float(OrgSettings.load().max_interval_width) == 12.5
