"""The demo loader logs complaints with actions, some overdue and some closed, and loads again over them."""

from collections.abc import Iterator
from datetime import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from qadesk.accounts.models import User
from qadesk.complaints.defaults import DEFAULT_CATEGORIES
from qadesk.complaints.demo import demo_complaints_create
from qadesk.complaints.models import Complaint, ComplaintCategory, ComplaintLink
from qadesk.testing.databases import kept_for_the_module

pytestmark = pytest.mark.django_db


SMALL = ["--interactions", "600", "--reviews", "10", "--days", "30", "--end", "2026-11-30T12:00"]


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo, loaded once for the module (each test's writes are rolled back to it)."""
    yield from kept_for_the_module(django_db_blocker, lambda: call_command("demo", *SMALL, stdout=StringIO()))


def test_the_demo_has_complaints_with_actions_some_overdue_and_some_closed(loaded: None) -> None:
    complaints = Complaint.objects.filter(source="demo")
    assert complaints.count() >= 3
    assert all(c.actions.exists() for c in complaints)
    assert complaints.filter(status="resolved").exclude(root_cause="").exists()
    assert complaints.open().filter(due_at__lt=timezone.now()).exists()
    assert all(link.interaction.complaint for link in ComplaintLink.objects.select_related("interaction"))
    before = sorted(complaints.values_list("external_id", "status"))
    call_command("demo", *SMALL, "--force", stdout=StringIO())  # replaced, not doubled
    assert sorted(Complaint.objects.filter(source="demo").values_list("external_id", "status")) == before


def test_the_demo_installs_the_starting_categories_when_none_is_active(loaded: None) -> None:
    users = {u.username: u for u in User.objects.all()}
    end = timezone.make_aware(datetime.fromisoformat(SMALL[-1]))
    assert demo_complaints_create(users=users, end=end, seed=0, count=0) == 0  # the stage removes its own complaints
    ComplaintCategory.objects.all().delete()  # an install whose admin removed them (or a flushed test database)
    assert demo_complaints_create(users=users, end=end, seed=0) >= 3  # the demo's complaints stage
    assert set(ComplaintCategory.objects.values_list("code", flat=True)) == {code for code, _, _ in DEFAULT_CATEGORIES}
    assert Complaint.objects.filter(source="demo").count() >= 3
