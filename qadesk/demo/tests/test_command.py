"""`qadesk demo` end to end on a small operation: personas, interactions through the import, scored reviews."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from qadesk.accounts.models import Agent, OrgSettings, Role, User
from qadesk.demo import catalogue as cat
from qadesk.interactions.models import Interaction, Label, Message, Sop
from qadesk.reviews.models import Rating, Review, ReviewStatus
from qadesk.testing.databases import kept_for_the_module

pytestmark = pytest.mark.django_db

# A fixed end: the data follows weekdays and office hours back from the end, so "now" would change it from run to run
# (a 30-review demo without any N/A rating was seen at some hours).
SMALL = ["--interactions", "300", "--reviews", "30", "--days", "30", "--end", "2026-11-30T12:00"]


def _demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *SMALL, *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The demo, loaded once for the module (each test's writes, a reload with --force too, are rolled back to it)."""
    yield from kept_for_the_module(django_db_blocker, _demo)


def test_it_creates_the_personas_with_the_demo_password(loaded: str) -> None:
    users = {u.username: u for u in User.objects.all()}
    assert {p.username for p in cat.PERSONAS} <= set(users)
    assert users["admin"].is_superuser and users["admin"].is_staff and users["admin"].role == Role.ADMIN
    assert users["qa"].role == Role.QA_LEAD and users["manager"].role == Role.MANAGER
    assert users["lead.milano"].team.name.startswith("Milano") and users["lead.lyon"].team.name.startswith("Lyon")
    assert all(users[name].check_password("demo") for name in ("admin", "reviewer2", "agent.fr"))
    assert Agent.objects.get(user=users["agent.it"]).site.name == "Milano"
    assert Agent.objects.get(user=users["agent.fr"]).site.name == "Lyon"
    assert OrgSettings.objects.filter(pk=1).exists()
    assert "agent.it" in loaded and "“demo”" in loaded


def test_it_imports_the_interactions_with_the_catalogue_names(loaded: str) -> None:
    assert Interaction.objects.filter(source=cat.SOURCE).count() == 300
    assert Agent.objects.filter(is_bot=False).count() == 40
    # The contacts only the bot answered are credited to it, so they can be reviewed (issue 12).
    assert Agent.objects.filter(is_bot=True).get().username == f"{cat.SOURCE}:bot"
    assert Sop.objects.get(code="SOP-REF-01").labels.filter(code="refund_request").exists()
    handled = Interaction.objects.filter(agent__isnull=False).first()
    assert handled is not None and handled.agent.display_name and handled.messages.count() == handled.message_count


def test_it_writes_submitted_scored_reviews_spread_over_the_period(loaded: str) -> None:
    reviews = Review.objects.all()
    assert "Reviews: 30 submitted" in loaded and reviews.count() > 30  # the 30 asked for, then the first hour's (story.py)
    assert all(r.status == ReviewStatus.SUBMITTED and r.score is not None for r in reviews)
    assert {r.reviewer.username for r in reviews} <= set(cat.REVIEWERS)
    assert all(r.agent.user_id != r.reviewer_id for r in reviews)
    assert all(r.submitted_at >= r.interaction.created_at for r in reviews)
    days = {r.submitted_at.date() for r in reviews}
    assert len(days) > 5
    assert Rating.objects.filter(value__isnull=True).exists()  # some N/A
    assert Rating.objects.exclude(root_causes=[]).exists()


def test_it_stores_customer_html_verbatim(loaded: str) -> None:
    assert Message.objects.filter(body__contains="<").exists()


def test_it_changes_nothing_a_second_time_with_if_empty(loaded: str) -> None:
    before = (Interaction.objects.count(), Review.objects.count(), Message.objects.count())
    out = _demo("--if-empty")
    assert (Interaction.objects.count(), Review.objects.count(), Message.objects.count()) == before
    assert "not loaded" in out
    assert "agent.it" in out  # `make run` shows the logins on every start


def test_it_refuses_to_load_over_existing_data_without_a_flag(loaded: str) -> None:
    with pytest.raises(CommandError):
        _demo()


def test_it_replaces_the_demo_data_with_force(loaded: str) -> None:
    reviews = Review.objects.count()
    first = list(Interaction.objects.order_by("external_id").values_list("external_id", "subject")[:20])
    _demo("--force")
    assert Interaction.objects.count() == 300 and Review.objects.count() == reviews
    assert list(Interaction.objects.order_by("external_id").values_list("external_id", "subject")[:20]) == first


def test_it_queues_the_classifier_training_whose_job_shows_real_figures(loaded: str, settings: Any, tmp_path: Any) -> None:
    from qadesk.autoqa.label_model import JOB_KIND, classifier_train
    from qadesk.core.models import JobRun
    from qadesk.testing.clients import page_client

    settings.DATA_DIR = tmp_path
    job = JobRun.objects.get(kind=JOB_KIND, params__trigger="demo")
    model = classifier_train(job=job)
    assert model is not None and len(model.labels) >= 2 and model.examples >= 150
    assert 0.6 < model.cv_correct / model.examples < 1  # the demo's labels are 5 % wrong on purpose
    page = page_client(User.objects.get(username="qa")).get("/autoqa/classifier/").content.decode()
    top = Label.objects.get(code=max(model.labels, key=model.labels.get))
    assert f"n = {model.examples}" in page and top.names["it"] in page  # the QA lead reads Italian
