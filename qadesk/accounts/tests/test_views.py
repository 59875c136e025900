import pytest
from django.test import Client
from django.urls import reverse

from qadesk.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_shows_the_login_page_with_the_product_name(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"qadesk" in response.content
    assert b'name="password"' in response.content


def test_it_logs_in_and_lands_on_the_interaction_list(client, reviewer):
    response = client.post(reverse("login"), {"username": "dario", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("interactions:list")
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
