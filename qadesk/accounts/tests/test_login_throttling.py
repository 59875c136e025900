"""Login throttling (django-axes): repeated failures lock the username and the client address for a while, with the
reason on the login page in the visitor's language; API tokens are not affected; `axes_reset` unlocks."""

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings

from qadesk.accounts.models import User
from qadesk.accounts.services import api_token_create
from qadesk.accounts.throttling import client_address
from qadesk.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db
LIMIT = 10  # settings.AXES_FAILURE_LIMIT (QADESK_LOGIN_FAILURE_LIMIT)


def fail(client: Client, username: str, times: int, **extra: str) -> None:
    for _ in range(times):
        response = client.post("/login/", {"username": username, "password": "wrong"}, **extra)
        assert response.status_code in (200, 429)


def test_it_refuses_the_right_password_after_too_many_wrong_ones(client: Client, admin_user: User) -> None:
    fail(client, "admin", 50)
    response = client.post("/login/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_a_few_wrong_passwords_then_the_right_one_log_in(client: Client, reviewer: User) -> None:
    fail(client, "dario", LIMIT - 1)
    response = client.post("/login/", {"username": "dario", "password": PASSWORD})
    assert response.status_code == 302 and response.wsgi_request.user == reviewer


def test_a_success_clears_the_count(client: Client, reviewer: User) -> None:
    fail(client, "dario", LIMIT - 1)
    assert client.post("/login/", {"username": "dario", "password": PASSWORD}).status_code == 302
    client.logout()
    fail(client, "dario", LIMIT - 1)
    assert client.post("/login/", {"username": "dario", "password": PASSWORD}).status_code == 302


def test_the_account_is_locked_from_every_address(reviewer: User) -> None:
    fail(Client(REMOTE_ADDR="10.0.0.1"), "dario", LIMIT)
    response = Client(REMOTE_ADDR="10.0.0.2").post("/login/", {"username": "dario", "password": PASSWORD})
    assert response.status_code == 429


def test_an_address_trying_many_usernames_is_locked(reviewer: User) -> None:
    spraying = Client(REMOTE_ADDR="10.0.0.9")
    for n in range(LIMIT):
        spraying.post("/login/", {"username": f"guess{n}", "password": "Summer2026!"})
    assert spraying.post("/login/", {"username": "dario", "password": PASSWORD}).status_code == 429
    assert Client(REMOTE_ADDR="10.0.0.10").post("/login/", {"username": "dario", "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "Too many failed logins"), ("it", "Troppi accessi non riusciti"), ("fr", "Trop de connexions échouées")],
)
def test_the_lockout_reason_is_in_the_visitors_language(reviewer: User, language: str, text: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    fail(client, "dario", LIMIT)
    response = client.post("/login/", {"username": "dario", "password": PASSWORD})
    assert response.status_code == 429 and text in response.content.decode()
    assert 'name="password"' in response.content.decode()  # still the login page, in its look


def test_api_tokens_keep_working_while_the_login_is_locked(client: Client, reviewer: User) -> None:
    _token, key = api_token_create(user=reviewer, name="script")
    fail(client, "dario", LIMIT + 5)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/scorecards").status_code == 200


def test_axes_reset_unlocks_an_account(client: Client, reviewer: User) -> None:
    fail(client, "dario", LIMIT)
    assert client.post("/login/", {"username": "dario", "password": PASSWORD}).status_code == 429
    call_command("axes_reset_username", "dario")
    call_command("axes_reset_ip", "127.0.0.1")
    assert client.post("/login/", {"username": "dario", "password": PASSWORD}).status_code == 302


def test_the_admin_login_is_throttled_too(client: Client, admin_user: User) -> None:
    for _ in range(LIMIT):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"})
    assert client.post("/admin/login/", {"username": "admin", "password": PASSWORD}).status_code == 429


def test_without_proxies_the_client_is_the_remote_address() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_address(request) == "203.0.113.7"


@override_settings(QADESK_PROXY_COUNT=1)
def test_behind_one_proxy_the_client_is_the_address_it_appended() -> None:
    spoofed = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1")
    assert client_address(spoofed) == "198.51.100.1"
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"


@override_settings(QADESK_PROXY_COUNT=2)
def test_behind_two_proxies_the_client_is_the_second_address_from_the_right() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1, 10.0.0.1")
    assert client_address(request) == "198.51.100.1"
