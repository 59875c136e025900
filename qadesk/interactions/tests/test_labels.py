"""Contact reasons (labels) read in the reader's language wherever they are shown, the default name elsewhere."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from qadesk.interactions.models import Label, label_display
from qadesk.reviews.services import review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import perfect_ratings
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


def _client(user, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def test_a_label_reads_in_the_language_asked_else_its_default_name_else_its_code() -> None:
    names = {"it": "Richiesta di rimborso"}
    assert label_display(code="refund", name="Refund request", names=names, language="it") == "Richiesta di rimborso"
    assert label_display(code="refund", name="Refund request", names=names, language="fr") == "Refund request"
    assert label_display(code="refund", name="", names={}, language="fr") == "refund"


def test_lists_filters_pages_and_reports_name_the_contact_reason_in_the_users_language(
    qa_lead, reviewer, agent, default_scorecard
) -> None:
    label = Label.objects.create(code="refund", name="Refund request", names={"it": "Richiesta di rimborso"})
    interaction = f.make_interaction(agent, label=label)
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard))
    review_submit(review=review, actor=reviewer)
    italian = _client(qa_lead, "it")
    listing = italian.get(reverse("interactions:list")).content.decode()
    assert listing.count("Richiesta di rimborso") >= 2  # the row and the filter's option
    assert "Refund request" not in listing
    assert "Richiesta di rimborso" in italian.get(reverse("interactions:detail", args=[interaction.pk])).content.decode()
    report = italian.get(reverse("analytics:quality"), {"by": "label"}).content.decode()
    assert "Richiesta di rimborso" in report
    french = _client(qa_lead, "fr").get(reverse("interactions:list")).content.decode()
    assert "Refund request" in french and "Richiesta" not in french  # no French name: the default one


def test_the_sop_catalogue_names_the_labels_it_serves_in_the_users_language(qa_lead) -> None:
    from qadesk.interactions.models import Sop

    label = Label.objects.create(code="refund", name="Refund request", names={"fr": "Demande de remboursement"})
    Sop.objects.create(code="SOP-REF", title="Refunds").labels.add(label)
    page = _client(qa_lead, "fr").get(reverse("sops:list")).content.decode()
    assert '<span title="refund">Demande de remboursement</span>' in page
