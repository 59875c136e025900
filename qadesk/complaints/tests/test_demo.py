"""The demo loader logs complaints with actions, some overdue and some closed, and loads again over them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from qadesk.complaints.defaults import DEFAULT_CATEGORIES
from qadesk.complaints.models import Complaint, ComplaintCategory, ComplaintLink

pytestmark = pytest.mark.django_db


SMALL = ["--interactions", "600", "--reviews", "10", "--days", "30", "--end", "2026-11-30T12:00"]


def test_the_demo_has_complaints_with_actions_some_overdue_and_some_closed() -> None:
    out = StringIO()
    call_command("demo", *SMALL, stdout=out)
    complaints = Complaint.objects.filter(source="demo")
    assert complaints.count() >= 3
    assert all(c.actions.exists() for c in complaints)
    assert complaints.filter(status="resolved").exclude(root_cause="").exists()
    assert complaints.open().filter(due_at__lt=timezone.now()).exists()
    assert all(link.interaction.complaint for link in ComplaintLink.objects.select_related("interaction"))
    before = sorted(complaints.values_list("external_id", "status"))
    call_command("demo", *SMALL, "--force", stdout=StringIO())  # replaced, not doubled
    assert sorted(Complaint.objects.filter(source="demo").values_list("external_id", "status")) == before


def test_the_demo_installs_the_starting_categories_when_none_is_active() -> None:
    ComplaintCategory.objects.all().delete()  # an install whose admin removed them (or a flushed test database)
    call_command("demo", *SMALL, stdout=StringIO())
    assert set(ComplaintCategory.objects.values_list("code", flat=True)) == {code for code, _, _ in DEFAULT_CATEGORIES}
    assert Complaint.objects.filter(source="demo").count() >= 3
