"""Password reset by e-mail, end to end through a real SMTP server (aiosmtpd): ask, receive the mail in the user's
language with a link on QADESK_BASE_URL, follow it, set a password, log in with it."""

import re

import pytest
from django.test import Client, override_settings

from qadesk.accounts.models import User
from qadesk.accounts.services import api_token_create
from qadesk.notifications.tests.conftest import Mailbox, smtp_server  # noqa: F401 (the real SMTP server fixture)
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db
BASE = "https://qa.example.com"
NEW = "brand-new-passphrase-77"


def link_in(mailbox: Mailbox) -> str:
    [message] = mailbox.messages
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(rf"{re.escape(BASE)}(/password-reset/\S+/)", body).group(1)


@override_settings(QADESK_BASE_URL=BASE)
def test_a_user_resets_their_password_by_e_mail_and_logs_in_with_it(smtp_server: Mailbox) -> None:  # noqa: F811
    user = f.make_user("dario", "reviewer", email="dario@example.com")
    _token, key = api_token_create(user=user, name="script")
    client = Client()
    assert "Forgot your password?" in client.get("/login/").content.decode()
    response = client.post("/password-reset/", {"email": "dario@example.com"}, HTTP_HOST="localhost")
    assert response.status_code == 302 and response["Location"] == "/password-reset/sent/"
    assert "Check your e-mail" in client.get("/password-reset/sent/").content.decode()

    [message] = smtp_server.messages
    assert message["To"] == "dario@example.com" and message["Subject"] == "qadesk: reset your password"
    assert "localhost" not in message.get_body(preferencelist=("plain",)).get_content()
    path = link_in(smtp_server)

    form = client.get(path, follow=True)  # Django swaps the token for a session marker and redirects
    assert form.status_code == 200 and 'name="new_password1"' in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == "/password-reset/done/"

    assert Client().post("/login/", {"username": "dario", "password": f.PASSWORD}).status_code == 200  # old: refused
    logged_in = Client().post("/login/", {"username": "dario", "password": NEW})
    assert logged_in.status_code == 302 and logged_in.wsgi_request.user == User.objects.get(username="dario")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/scorecards").status_code == 401  # tokens revoked
    assert "This link no longer works" in client.get(path, follow=True).content.decode()  # used once


@override_settings(QADESK_BASE_URL=BASE)
@pytest.mark.parametrize(
    ("language", "subject", "greeting"), [("it", "reimposta la password", "Ciao"), ("fr", "mot de passe", "Bonjour")]
)
def test_the_mail_is_in_the_users_language_not_the_visitors(
    smtp_server: Mailbox,  # noqa: F811
    language: str,
    subject: str,
    greeting: str,
) -> None:
    f.make_user("gina", "reviewer", email="gina@example.com", language=language)
    Client(HTTP_ACCEPT_LANGUAGE="en").post("/password-reset/", {"email": "gina@example.com"})
    [message] = smtp_server.messages
    assert subject in message["Subject"]
    assert message.get_body(preferencelist=("plain",)).get_content().startswith(greeting)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(smtp_server: Mailbox) -> None:  # noqa: F811
    response = Client().post("/password-reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302 and response["Location"] == "/password-reset/sent/"
    assert smtp_server.messages == []
