"""People from data to accounts (issue 12): imported agents carry a display name and an e-mail; an admin invites them
(page, API, `qadesk people invite`, or `qadesk import … --invite`), which creates their login and e-mails a link to set
a password through a real SMTP server (aiosmtpd); their reviews wait for them. A second invitation sends again, never a
second login."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse

from qadesk.accounts.models import Agent, Role, User
from qadesk.imports.services import interactions_import
from qadesk.interactions.models import Interaction
from qadesk.notifications.tests.conftest import Mailbox, smtp_server  # noqa: F401 (the real SMTP server fixture)
from qadesk.reviews.services import review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import perfect_ratings
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db
# The invitation e-mail leaves after the commit (notify): these tests commit for real.
committing = pytest.mark.django_db(transaction=True)
BASE = "https://qa.example.com"
NEW = "brand-new-passphrase-77"


def record(external_id: str, **extra: object) -> dict[str, object]:
    return {
        "external_id": external_id,
        "source": "zendesk",
        "channel": "email",
        "created_at": "2026-10-01T09:00:00Z",
        "agents": ["a.rossi"],
        "messages": [{"author": "customer", "body": "Hi"}, {"author": "agent", "agent": "a.rossi", "body": "Hello"}],
        **extra,
    }


def test_imported_agents_carry_a_display_name_and_an_e_mail() -> None:
    report = interactions_import(rows=[(1, record("1", agent_name="Anna Rossi", agent_email="anna@example.com"))])
    agent = Agent.objects.get(username="a.rossi")
    assert (agent.display_name, agent.email, agent.user) == ("Anna Rossi", "anna@example.com", None)
    assert report.people == ["a.rossi"]
    interactions_import(rows=[(1, record("2", agent_email="anna.rossi@example.com"))])
    agent.refresh_from_db()
    assert (agent.display_name, agent.email) == ("Anna Rossi", "anna.rossi@example.com")  # left out: kept


def test_a_bad_e_mail_is_an_error_of_that_row() -> None:
    report = interactions_import(rows=[(1, record("1", agent_email="not-an-address"))], skip_invalid=True)
    assert [(e.line, e.field, e.message) for e in report.errors] == [(1, "agent_email", "is not an e-mail address")]


def invitation_link(mailbox: Mailbox, index: int = -1) -> str:
    body = mailbox.messages[index].get_body(preferencelist=("plain",)).get_content()
    return re.search(rf"{re.escape(BASE)}(/password-reset/\S+/)", body).group(1)


@committing
@override_settings(QADESK_BASE_URL=BASE)
def test_an_invited_agent_sets_a_password_and_finds_their_reviews_waiting(
    smtp_server: Mailbox,  # noqa: F811
    default_scorecard,
    reviewer,
) -> None:
    interactions_import(rows=[(1, record("1", agent_name="Anna Rossi", agent_email="anna@example.com"))])
    review = review_create(interaction=Interaction.objects.get(), actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard))
    review_submit(review=review, actor=reviewer)

    out = StringIO()
    call_command("people", "invite", "a.rossi", stdout=out, stderr=StringIO())
    assert "invited 1, invited again 0, skipped 0" in out.getvalue()
    user = User.objects.get(username="a.rossi")
    assert (user.email, user.role, user.first_name, user.has_usable_password()) == (
        "anna@example.com",
        Role.AGENT,
        "Anna Rossi",
        False,
    )
    assert Agent.objects.get(username="a.rossi").user == user
    [message] = smtp_server.messages
    assert message["To"] == "anna@example.com" and "invited to qadesk" in message["Subject"]
    assert "(1)" in message["Subject"]  # one review waits

    client = Client()
    form = client.get(invitation_link(smtp_server), follow=True)
    assert 'name="new_password1"' in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == "/password-reset/done/"
    assert client.post("/login/", {"username": "a.rossi", "password": NEW}).status_code == 302
    assert [r["id"] for r in client.get("/api/v1/reviews").json()["items"]] == [review.pk]

    out = StringIO()
    call_command("people", "invite", "a.rossi", stdout=out, stderr=(err := StringIO()))
    assert "a.rossi: already has an account" in err.getvalue() and len(smtp_server.messages) == 1


@committing
@override_settings(QADESK_BASE_URL=BASE)
def test_a_second_invitation_sends_again_without_a_second_login(smtp_server: Mailbox) -> None:  # noqa: F811
    interactions_import(rows=[(1, record("1", agent_email="anna@example.com"))])
    call_command("people", "invite", "--all", stdout=StringIO(), stderr=StringIO())
    out = StringIO()
    call_command("people", "invite", "--all", stdout=out, stderr=StringIO())
    assert "invited 0, invited again 1, skipped 0" in out.getvalue()
    assert User.objects.filter(username="a.rossi").count() == 1 and len(smtp_server.messages) == 2
    assert "(" not in smtp_server.messages[1]["Subject"]  # no review waits


def test_bots_and_agents_without_an_e_mail_are_not_invited(admin_user) -> None:
    bot = f.make_agent("helpbot")
    bot.is_bot, bot.email = True, "bot@example.com"
    bot.save()
    f.make_agent("no.mail")
    with pytest.raises(CommandError, match="No agent named: ghost"):
        call_command("people", "invite", "ghost", stdout=StringIO())
    err = StringIO()
    call_command("people", "invite", "helpbot", "no.mail", stdout=StringIO(), stderr=err)
    assert "helpbot: a bot has no login" in err.getvalue() and "no.mail: no e-mail address" in err.getvalue()
    assert not User.objects.filter(username__in=["helpbot", "no.mail"]).exists()


@committing
@override_settings(QADESK_BASE_URL=BASE)
def test_the_import_with_invite_invites_the_agents_it_names(smtp_server: Mailbox, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "in.jsonl"
    rows = [record("1", agent_name="Anna Rossi", agent_email="anna@example.com"), record("2", agents=["b.bianchi"])]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    out = StringIO()
    call_command("qimport", "interactions", str(path), "--invite", stdout=out, stderr=StringIO())
    assert "invited 1, invited again 0, skipped 0" in out.getvalue()
    assert [m["To"] for m in smtp_server.messages] == ["anna@example.com"]
    assert not User.objects.filter(username="b.bianchi").exists()


@committing
@override_settings(QADESK_BASE_URL=BASE)
def test_an_admin_invites_from_the_people_page(client: Client, admin_user, qa_lead, smtp_server: Mailbox) -> None:  # noqa: F811
    agent = f.make_agent("c.verdi")
    agent.email = "carla@example.com"
    agent.save()
    client.force_login(qa_lead)
    assert client.get(reverse("accounts:people")).status_code == 403
    client.force_login(admin_user)
    page = client.get(reverse("accounts:people")).content.decode()
    assert "carla@example.com" in page and f'value="{agent.pk}"' in page
    answer = client.post(reverse("accounts:people"), {"agent": [str(agent.pk)]}, follow=True)
    assert "Invitations sent: 1 new, 0 again." in answer.content.decode()
    assert "Invited" in answer.content.decode() and len(smtp_server.messages) == 1
    assert Agent.objects.get(pk=agent.pk).user.email == "carla@example.com"


@committing
@override_settings(QADESK_BASE_URL=BASE)
def test_the_api_lists_and_invites_people_for_admins_only(client: Client, admin_user, reviewer, smtp_server: Mailbox) -> None:  # noqa: F811
    agent = f.make_agent("d.neri")
    agent.email = "dario@example.com"
    agent.save()
    client.force_login(reviewer)
    assert client.get("/api/v1/people").status_code == 403
    assert client.post("/api/v1/people/invite", {"usernames": ["d.neri"]}, content_type="application/json").status_code == 403
    client.force_login(admin_user)
    assert {p["username"]: p["login"] for p in client.get("/api/v1/people").json()}["d.neri"] == "none"
    answer = client.post("/api/v1/people/invite", {"usernames": ["d.neri"]}, content_type="application/json").json()
    assert answer == {"invited": ["d.neri"], "resent": [], "skipped": []}
    assert {p["username"]: p["login"] for p in client.get("/api/v1/people").json()}["d.neri"] == "invited"
    again = client.post("/api/v1/people/invite", {"usernames": ["d.neri"]}, content_type="application/json").json()
    assert again["resent"] == ["d.neri"] and len(smtp_server.messages) == 2
