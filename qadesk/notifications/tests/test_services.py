"""Notifications: stored in the recipient's language, e-mailed after the commit through a real SMTP server."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from qadesk.disputes.models import Dispute
from qadesk.disputes.services import ContestedCriterion, dispute_open
from qadesk.notifications.models import Notification
from qadesk.notifications.services import notification_email, notifications_mark_read, notify
from qadesk.reviews.services import review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import criteria_by_code, perfect_ratings

pytestmark = pytest.mark.django_db

DISPUTED = "{agent} disputed review #{review}"


def in_language(language: str, msgid: str, **params: object) -> str:
    with translation.override(language):
        return gettext(msgid).format(**params)


@pytest.fixture
def review(default_scorecard, interaction, reviewer):
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard, empathy=2))
    return review_submit(review=review, actor=reviewer)


def open_dispute(review, agent_user) -> Dispute:
    empathy = criteria_by_code(review.scorecard_version)["empathy"]
    return dispute_open(review=review, actor=agent_user, argument="I was kind.", items=[ContestedCriterion(empathy.pk, 5)])


def test_it_stores_the_subject_in_the_recipients_language(reviewer) -> None:
    reviewer.language = "it"
    reviewer.save()
    english = DISPUTED.format(agent="alice", review=7)
    note = notify(recipient=reviewer, kind="dispute_opened", subject=DISPUTED, params={"agent": "alice", "review": 7}, url="/x/")
    italian = in_language("it", DISPUTED, agent="alice", review=7)
    assert note.subject == italian
    if italian != english:  # once the catalogue translates it
        assert note.subject != english


def test_it_translates_with_the_catalogue(reviewer) -> None:
    """A msgid the Italian catalogue already has, so the language switch is proved today."""
    reviewer.language = "it"
    note = notify(recipient=reviewer, kind="k", subject="Draft")
    assert note.subject == in_language("it", "Draft") != "Draft"
    assert translation.get_language() == settings.LANGUAGE_CODE  # the caller's language is left alone


def test_it_stores_english_for_an_english_recipient(reviewer) -> None:
    with translation.override("fr"):
        note = notify(recipient=reviewer, kind="k", subject=DISPUTED, params={"agent": "alice", "review": 7})
    assert note.subject == "alice disputed review #7"


def test_it_emails_only_people_with_an_address(reviewer, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        notify(recipient=reviewer, kind="k", subject="Hello")
    assert callbacks == []
    reviewer.email = "dario@example.com"
    with django_capture_on_commit_callbacks() as callbacks:
        notify(recipient=reviewer, kind="k", subject="Hello")
    assert len(callbacks) == 1


def test_it_marks_only_the_recipients_notifications_read(reviewer, qa_lead) -> None:
    mine = [notify(recipient=reviewer, kind="k", subject="one"), notify(recipient=reviewer, kind="k", subject="two")]
    theirs = notify(recipient=qa_lead, kind="k", subject="three")
    assert notifications_mark_read(recipient=reviewer, ids=[mine[0].pk, theirs.pk]) == 1
    assert notifications_mark_read(recipient=reviewer) == 1
    assert notifications_mark_read(recipient=reviewer) == 0
    assert Notification.objects.filter(recipient=reviewer, read_at__isnull=True).count() == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_opening_a_dispute_emails_the_reviewer_in_their_language(
    review, reviewer, agent_user, smtp_server, django_capture_on_commit_callbacks
) -> None:
    reviewer.language, reviewer.email = "it", "dario@example.com"
    reviewer.save()
    with django_capture_on_commit_callbacks(execute=True):
        dispute = open_dispute(review, agent_user)
    [mail] = smtp_server.messages
    assert mail["To"] == "dario@example.com"
    assert mail["Subject"] == "[qadesk] " + in_language("it", DISPUTED, agent="alice", review=review.pk)
    body = mail.get_content()
    assert settings.QADESK_BASE_URL.rstrip("/") + reverse("disputes:detail", args=[dispute.pk]) in body
    assert in_language("it", "Open it in qadesk:") in body
    sent = Notification.objects.get(recipient=reviewer, kind="dispute_opened")
    assert sent.emailed_at is not None


def test_an_unreachable_smtp_server_leaves_the_notification_unsent_and_the_dispute_open(
    review, reviewer, agent_user, smtp_unreachable, django_capture_on_commit_callbacks
) -> None:
    reviewer.email = "dario@example.com"
    reviewer.save()
    with django_capture_on_commit_callbacks(execute=True):
        dispute = open_dispute(review, agent_user)
    assert Dispute.objects.filter(pk=dispute.pk, status="open").exists()
    note = Notification.objects.get(recipient=reviewer, kind="dispute_opened")
    assert note.emailed_at is None
    assert notification_email(notification_id=note.pk) is False


def test_a_notification_can_be_emailed_again_once_the_server_is_back(reviewer, smtp_server) -> None:
    reviewer.email = "dario@example.com"
    reviewer.save()
    note = notify(recipient=reviewer, kind="k", subject="Hello")
    assert notification_email(notification_id=note.pk) is True
    assert [m["Subject"] for m in smtp_server.messages] == ["[qadesk] Hello"]
    note.refresh_from_db()
    assert note.emailed_at is not None


@pytest.mark.parametrize(
    ("language", "score", "when"), [("it", "85,4", "4 dicembre 2026, 18:30"), ("en", "85.4", "4 December 2026, 18:30")]
)
def test_numbers_and_dates_in_a_subject_are_written_the_recipients_way(reviewer, language, score, when) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    reviewer.language = language
    moment = datetime(2026, 12, 4, 18, 30, tzinfo=ZoneInfo(settings.TIME_ZONE))
    note = notify(recipient=reviewer, kind="k", subject="{score} by {deadline}", params={"score": 85.43, "deadline": moment})
    assert note.subject == f"{score} by {when}"


def test_the_agents_review_notification_has_the_score_with_a_decimal_comma_in_italian(
    default_scorecard, interaction, reviewer, agent_user
) -> None:
    agent_user.language = "it"
    agent_user.save()
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard, empathy=2))
    review = review_submit(review=review, actor=reviewer)
    assert review.score is not None and review.score != int(review.score)  # a score with decimals
    note = Notification.objects.get(recipient=agent_user, kind="review_submitted")
    expected = f"{review.score:.1f}".replace(".", ",")
    assert note.subject == in_language("it", "A review of your work is ready: {score}", score=expected)
