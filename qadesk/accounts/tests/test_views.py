import pytest
from django.test import Client
from django.urls import reverse

from qadesk.accounts.models import OrgSettings
from qadesk.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_shows_the_login_page_with_the_product_name(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"qadesk" in response.content
    assert b'name="password"' in response.content


def test_it_logs_in_and_lands_on_the_home_page(client, reviewer):
    response = client.post(reverse("login"), {"username": "dario", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home:home")
    assert response.context["user"] == reviewer


def test_it_refuses_a_wrong_password(client, reviewer):
    response = client.post(reverse("login"), {"username": "dario", "password": "nope"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_it_sends_anonymous_people_to_login(client):
    response = client.get(reverse("interactions:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_name_role_and_admin_link_only_to_staff(client, admin_user, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("interactions:list")).content.decode()
    assert "Reviewer" in page
    assert reverse("admin:index") not in page
    client.force_login(admin_user)
    assert reverse("admin:index") in client.get(reverse("interactions:list")).content.decode()


def test_it_saves_the_chosen_language_and_goes_back(client, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("accounts:language"), {"language": "fr", "next": "/reviews/"})
    assert response.status_code == 302
    assert response["Location"] == "/reviews/"
    reviewer.refresh_from_db()
    assert reviewer.language == "fr"
    assert '<html lang="fr">' in client.get(reverse("reviews:list")).content.decode()


def test_it_refuses_an_unknown_language_and_an_offsite_redirect(client, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("accounts:language"), {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == reverse("interactions:list")
    reviewer.refresh_from_db()
    assert reviewer.language == "en"


def test_it_only_accepts_post_for_the_language(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("accounts:language")).status_code == 405


def test_it_rejects_a_post_without_csrf_token(reviewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    assert client.post(reverse("accounts:language"), {"language": "it"}).status_code == 403
    reviewer.refresh_from_db()
    assert reviewer.language == "en"


def test_it_logs_out_with_a_post(client, reviewer):
    client.force_login(reviewer)
    client.post(reverse("logout"))
    assert client.get(reverse("interactions:list")).status_code == 302


# ---- organisation settings -------------------------------------------------------------------------------------------


def test_it_lets_an_admin_edit_the_organisation_settings(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("accounts:settings"))
    assert page.status_code == 200
    assert "Pass mark" in page.content.decode()
    data = {
        "pass_mark": "75.5",
        "minimum_n": "8",
        "max_interval_width": "15",
        "allow_self_review": "on",
        "dispute_window_days": "10",
        "dispute_decision_days": "3",
        "disputes_go_to_qa_lead": "on",
        "calibration_reminder_hours": "24",
    }
    response = client.post(reverse("accounts:settings"), data, follow=True)
    assert "Settings saved." in response.content.decode()
    saved = OrgSettings.load()
    assert (float(saved.pass_mark), saved.minimum_n, saved.allow_self_review, saved.max_interval_width) == (75.5, 8, True, 15)
    assert (saved.dispute_window_days, saved.dispute_decision_days, saved.disputes_go_to_qa_lead) == (10, 3, True)


def test_it_refuses_a_pass_mark_outside_0_to_100(client, admin_user):
    client.force_login(admin_user)
    data = {"pass_mark": "150", "minimum_n": "0", "dispute_window_days": "7", "dispute_decision_days": "5"}
    data |= {"calibration_reminder_hours": "24", "max_interval_width": "0"}
    response = client.post(reverse("accounts:settings"), data)
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"pass_mark", "minimum_n", "max_interval_width"}
    assert float(OrgSettings.load().pass_mark) == 80


@pytest.mark.parametrize("persona", ["qa_lead", "manager", "reviewer", "team_lead", "agent_user"])
def test_it_keeps_the_settings_to_admins(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("accounts:settings")).status_code == 403
    assert client.post(reverse("accounts:settings"), {"pass_mark": "1"}).status_code == 403
    assert float(OrgSettings.load().pass_mark) == 80
    assert reverse("accounts:settings") not in client.get(reverse("interactions:list")).content.decode()


def test_it_shows_the_settings_link_to_an_admin(client, admin_user):
    client.force_login(admin_user)
    assert reverse("accounts:settings") in client.get(reverse("interactions:list")).content.decode()


def test_it_shows_each_persona_the_navigation_for_their_work(client, reviewer, agent_user, qa_lead, manager):
    client.force_login(reviewer)
    assert reverse("reviews:queue") in client.get(reverse("interactions:list")).content.decode()
    for person in (agent_user, manager):
        client.force_login(person)
        assert reverse("reviews:queue") not in client.get(reverse("interactions:list")).content.decode()


def test_it_refuses_a_minimum_n_of_one_because_one_review_has_no_interval(client, admin_user):
    client.force_login(admin_user)
    data = {"pass_mark": "80", "minimum_n": "1", "max_interval_width": "20", "dispute_window_days": "7"}
    data |= {"dispute_decision_days": "5", "calibration_reminder_hours": "24"}
    response = client.post(reverse("accounts:settings"), data)
    assert response.context["form"].errors.keys() == {"minimum_n"}
    assert OrgSettings.load().minimum_n == 5
