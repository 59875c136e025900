import pytest
from django.urls import reverse

from qadesk.notifications.models import Notification
from qadesk.notifications.services import notify

pytestmark = pytest.mark.django_db


def _notify(user, subject="A review of your work is ready: {score}", url="/reviews/1/"):
    return notify(recipient=user, kind="review_submitted", subject=subject, params={"score": "91.0"}, url=url)


def test_it_puts_a_bell_in_the_layout_that_loads_the_unread_count(client, agent_user):
    client.force_login(agent_user)
    page = client.get(reverse("interactions:list")).content.decode()
    assert f'hx-get="{reverse("notifications:badge")}"' in page
    assert f'href="{reverse("notifications:list")}"' in page


def test_it_counts_only_the_users_unread_notifications_in_one_query(client, agent_user, reviewer, django_assert_max_num_queries):
    for _ in range(3):
        _notify(agent_user)
    read = _notify(agent_user)
    read.read_at = read.created_at
    read.save()
    _notify(reviewer)
    client.force_login(agent_user)
    with django_assert_max_num_queries(3):  # session, user, count
        badge = client.get(reverse("notifications:badge"), headers={"HX-Request": "true"}).content.decode()
    assert '<span class="count" data-unread>3</span>' in badge


def test_it_shows_nothing_on_the_bell_when_all_is_read(client, agent_user):
    client.force_login(agent_user)
    assert "data-unread" not in client.get(reverse("notifications:badge")).content.decode()


def test_it_lists_ones_own_notifications_newest_first_with_links(client, agent_user, reviewer):
    old = _notify(agent_user, subject="Older one")
    new = _notify(agent_user)
    _notify(reviewer, subject="Not for alice")
    client.force_login(agent_user)
    response = client.get(reverse("notifications:list"))
    body = response.content.decode()
    assert list(response.context["page_obj"]) == [new, old]
    assert "A review of your work is ready: 91.0" in body
    assert "Not for alice" not in body
    assert reverse("notifications:open", args=[new.pk]) in body
    assert body.count('class="notification unread"') == 2


def test_it_escapes_notification_text(client, agent_user):
    _notify(agent_user, subject="<script>x</script>")
    client.force_login(agent_user)
    body = client.get(reverse("notifications:list")).content.decode()
    assert "<script>x</script>" not in body
    assert "&lt;script&gt;x&lt;/script&gt;" in body


def test_it_marks_one_read_when_opened_and_follows_its_link(client, agent_user):
    notification = _notify(agent_user, url="/reviews/42/")
    client.force_login(agent_user)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == "/reviews/42/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_it_never_follows_a_link_off_the_site(client, agent_user):
    notification = _notify(agent_user, url="https://evil.example/")
    client.force_login(agent_user)
    assert client.get(reverse("notifications:open", args=[notification.pk]))["Location"] == reverse("notifications:list")


def test_it_answers_404_for_someone_elses_notification(client, agent_user, reviewer):
    theirs = _notify(reviewer)
    client.force_login(agent_user)
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_it_marks_all_read_with_a_post_only(client, agent_user, reviewer):
    for _ in range(2):
        _notify(agent_user)
    _notify(reviewer)
    client.force_login(agent_user)
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "2 notifications marked read." in response.content.decode()
    assert not Notification.objects.filter(recipient=agent_user, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=reviewer, read_at__isnull=True).count() == 1
    assert "Nothing unread." in client.post(reverse("notifications:mark_all_read"), follow=True).content.decode()


def test_it_sends_anonymous_visitors_to_login(client):
    for url in (reverse("notifications:list"), reverse("notifications:badge")):
        assert client.get(url)["Location"].startswith(reverse("login"))
