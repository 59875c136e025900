"""Personal API tokens: optional expiry, revoked by their owner or when the password changes (any path), listed and
revoked on the account page and through the API; an expired or revoked token answers 401 with the reason."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from qadesk.accounts.models import ApiToken, User
from qadesk.accounts.services import api_token_create, api_token_revoke
from qadesk.core.errors import ApplicationError
from qadesk.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def api(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_it_creates_a_token_that_expires_after_the_days_given(reviewer: User) -> None:
    token, key = api_token_create(user=reviewer, name="nightly export", expires_in_days=30)
    assert token.expires_at is not None
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert api(key).get("/api/v1/scorecards").status_code == 200


@pytest.mark.parametrize(("name", "days"), [("", None), ("ok", 0), ("ok", 3651)])
def test_it_refuses_a_token_without_a_name_or_with_an_impossible_expiry(reviewer: User, name: str, days: int | None) -> None:
    with pytest.raises(ApplicationError):
        api_token_create(user=reviewer, name=name, expires_in_days=days)


def test_an_expired_token_answers_401_with_its_reason_in_the_owners_language(reviewer: User) -> None:
    token, key = api_token_create(user=reviewer, name="old", expires_in_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = api(key).get("/api/v1/scorecards")
    assert response.status_code == 401
    assert response.json()["reason"] == "expired" and response.json()["detail"].startswith("This API token expired on")
    User.objects.filter(pk=reviewer.pk).update(language="fr")
    assert api(key).get("/api/v1/scorecards").json()["detail"].startswith("Ce jeton d’API a expiré le")


def test_a_revoked_token_answers_401_with_its_reason(reviewer: User) -> None:
    token, key = api_token_create(user=reviewer, name="laptop")
    api_token_revoke(token=token)
    response = api(key).get("/api/v1/scorecards")
    assert response.status_code == 401
    assert response.json()["reason"] == "revoked" and "revoked" in response.json()["detail"]
    assert api("qad_unknown").get("/api/v1/scorecards").status_code == 401


def test_a_password_change_revokes_every_token_of_that_user_only(reviewer: User, qa_lead: User) -> None:
    _mine, key = api_token_create(user=reviewer, name="mine")
    _theirs, other_key = api_token_create(user=qa_lead, name="theirs")
    reviewer.set_password("a-new-long-password")
    reviewer.save()
    response = api(key).get("/api/v1/scorecards")
    assert response.status_code == 401 and "password" in response.json()["detail"]
    assert ApiToken.objects.get(user=reviewer).revoked_reason == ApiToken.Revoked.PASSWORD
    assert api(other_key).get("/api/v1/scorecards").status_code == 200


def test_saving_a_user_without_a_new_password_keeps_the_tokens(reviewer: User) -> None:
    _token, key = api_token_create(user=reviewer, name="mine")
    reviewer.first_name = "Dario"
    reviewer.save()
    reviewer.check_password(PASSWORD)  # a login may re-hash the password: not a change
    assert api(key).get("/api/v1/scorecards").status_code == 200


def test_the_password_change_form_revokes_the_tokens(client: Client, reviewer: User) -> None:
    _token, key = api_token_create(user=reviewer, name="mine")
    client.force_login(reviewer)
    new = "another-long-password-42"
    response = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert "API tokens no longer work" in client.get("/account/").content.decode()
    assert api(key).get("/api/v1/scorecards").status_code == 401


def test_an_admin_setting_a_password_in_the_admin_revokes_the_tokens(client: Client, admin_user: User, reviewer: User) -> None:
    _token, key = api_token_create(user=reviewer, name="mine")
    client.force_login(admin_user)
    new = "set-by-the-admin-1234"
    response = client.post(f"/admin/accounts/user/{reviewer.pk}/password/", {"password1": new, "password2": new})
    assert response.status_code == 302, response.content
    assert api(key).get("/api/v1/scorecards").status_code == 401


def test_the_changepassword_command_revokes_the_tokens(reviewer: User, monkeypatch: pytest.MonkeyPatch) -> None:
    _token, key = api_token_create(user=reviewer, name="mine")
    monkeypatch.setattr("getpass.getpass", lambda *args, **kwargs: "from-the-command-line-9")
    call_command("changepassword", reviewer.username)
    assert api(key).get("/api/v1/scorecards").status_code == 401


def test_last_used_is_written_at_most_once_a_minute(reviewer: User, django_assert_num_queries) -> None:
    token, key = api_token_create(user=reviewer, name="busy")
    client = api(key)
    client.get("/api/v1/settings")
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    with django_assert_num_queries(2):  # the token with its user, the settings row: no write
        client.get("/api/v1/settings")
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/v1/settings")
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_the_cli_creates_a_token_with_an_expiry(reviewer: User, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("token", "create", reviewer.username, "--name", "ci", "--expires-in-days", "7")
    key = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(digest=ApiToken.hash(key))
    assert (token.name, (token.expires_at - timezone.now()).days) == ("ci", 6)
    with pytest.raises(CommandError, match="1 to 3650 days"):
        call_command("token", "create", reviewer.username, "--expires-in-days", "0")


def test_the_account_page_creates_a_token_shown_once_and_lists_it(client: Client, reviewer: User) -> None:
    client.force_login(reviewer)
    response = client.post("/account/", {"name": "Power BI", "expires_in_days": "90"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    key = response.context["new_key"]
    assert key.startswith("qad_") and key in response.content.decode()
    token = ApiToken.objects.get(user=reviewer)
    assert (token.name, (token.expires_at - timezone.now()).days) == ("Power BI", 89)
    page = client.get("/account/").content.decode()
    assert "Power BI" in page and token.prefix in page and key not in page
    assert api(key).get("/api/v1/scorecards").status_code == 200


def test_the_account_page_creates_a_token_that_never_expires(client: Client, reviewer: User) -> None:
    client.force_login(reviewer)
    client.post("/account/", {"name": "forever", "expires_in_days": ""})
    assert ApiToken.objects.get(user=reviewer).expires_at is None


def test_the_owner_revokes_a_token_on_the_page_and_nobody_else_can(client: Client, reviewer: User, qa_lead: User) -> None:
    token, key = api_token_create(user=reviewer, name="laptop")
    client.force_login(qa_lead)
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert "laptop" not in client.get("/account/").content.decode()
    client.force_login(reviewer)
    response = client.post(f"/account/tokens/{token.pk}/revoke/", follow=True)
    assert "revoked" in response.content.decode()
    assert ApiToken.objects.get(pk=token.pk).revoked_reason == ApiToken.Revoked.OWNER
    assert api(key).get("/api/v1/scorecards").status_code == 401


def test_the_api_lists_and_revokes_the_callers_own_tokens(reviewer: User, qa_lead: User) -> None:
    laptop, key = api_token_create(user=reviewer, name="laptop")
    other, _other_key = api_token_create(user=reviewer, name="other")
    theirs, _theirs_key = api_token_create(user=qa_lead, name="theirs")
    client = api(key)
    listed = client.get("/api/v1/tokens").json()
    assert [(t["name"], t["active"], t["revoked_reason"]) for t in listed] == [("other", True, ""), ("laptop", True, "")]
    assert "digest" not in listed[0] and "key" not in listed[0]
    assert client.delete(f"/api/v1/tokens/{theirs.pk}").status_code == 404
    assert client.delete(f"/api/v1/tokens/{other.pk}").status_code == 204
    assert [t["active"] for t in client.get("/api/v1/tokens").json()] == [False, True]
    assert client.delete(f"/api/v1/tokens/{laptop.pk}").status_code == 204
    assert client.get("/api/v1/tokens").status_code == 401
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


def test_an_admin_revokes_tokens_from_the_admin_site(client: Client, admin_user: User, reviewer: User) -> None:
    token, key = api_token_create(user=reviewer, name="laptop")
    client.force_login(admin_user)
    response = client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_reason == ApiToken.Revoked.ADMIN
    assert api(key).get("/api/v1/scorecards").status_code == 401
