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


# The labels page: QA leads and admins name each contact reason per language (issue 13).


def _form_data(label: Label, **values: str) -> dict[str, str]:
    base = {"name": label.name, "name_en": "", "name_it": "", "name_fr": ""}
    base |= {f"name_{code}": text for code, text in (label.names or {}).items()}
    return {f"label-{label.pk}-{key}": value for key, value in (base | values).items()}


def test_a_qa_lead_names_a_contact_reason_in_each_language_and_readers_see_it(qa_lead, agent) -> None:
    label = Label.objects.create(code="refund", name="Refund request")
    other = Label.objects.create(code="billing", name="Billing", names={"it": "Fatturazione"})
    client = _client(qa_lead, "en")
    page = client.get(reverse("labels:names"))
    assert page.status_code == 200 and "refund" in page.content.decode() and 'value="Fatturazione"' in page.content.decode()
    data = _form_data(label, name_it="Richiesta di rimborso", name_fr="  Demande de remboursement ") | _form_data(other)
    response = client.post(reverse("labels:names"), data, follow=True)
    assert "1 contact reason renamed." in response.content.decode()
    label.refresh_from_db()
    assert label.names == {"fr": "Demande de remboursement", "it": "Richiesta di rimborso"}
    assert other.names == Label.objects.get(pk=other.pk).names  # untouched
    f.make_interaction(agent, label=label)
    assert "Demande de remboursement" in _client(qa_lead, "fr").get(reverse("interactions:list")).content.decode()


def test_clearing_a_languages_name_falls_back_to_the_default_name(admin_user) -> None:
    label = Label.objects.create(code="refund", name="Refund request", names={"it": "Rimborso", "de": "Rückerstattung"})
    client = _client(admin_user, "it")
    client.post(reverse("labels:names"), _form_data(label, name_it=""))
    label.refresh_from_db()
    assert label.names == {"de": "Rückerstattung"}  # a language the page does not show is kept
    assert str(label) == "Refund request"


def test_a_name_too_long_is_refused_naming_the_field_and_nothing_is_saved(qa_lead) -> None:
    label = Label.objects.create(code="refund", name="Refund request")
    other = Label.objects.create(code="billing", name="Billing")
    data = _form_data(label, name_fr="x" * 201) | _form_data(other, name_it="Fatturazione")
    response = _client(qa_lead, "en").post(reverse("labels:names"), data)
    assert response.status_code == 200
    assert "at most 200 characters" in response.content.decode()
    assert Label.objects.get(pk=other.pk).names == {}


def test_the_labels_page_is_in_the_users_language(qa_lead) -> None:
    Label.objects.create(code="refund", name="Refund request")
    page = _client(qa_lead, "it").get(reverse("labels:names")).content.decode()
    assert "Motivi del contatto" in page and "Salva i nomi" in page
    page = _client(qa_lead, "fr").get(reverse("labels:names")).content.decode()
    assert "Motifs de contact" in page and "Enregistrer les noms" in page


@pytest.mark.parametrize("persona", ["agent_user", "reviewer", "team_lead", "manager"])
def test_only_qa_leads_and_admins_may_rename_contact_reasons(persona, request) -> None:
    label = Label.objects.create(code="refund", name="Refund request")
    client = _client(request.getfixturevalue(persona), "en")
    assert client.get(reverse("labels:names")).status_code == 403
    assert client.post(reverse("labels:names"), _form_data(label, name_it="Rimborso")).status_code == 403
    assert Label.objects.get(pk=label.pk).names == {}


def test_label_names_save_refuses_other_people_unknown_languages_and_reports_no_change(qa_lead, reviewer) -> None:
    from qadesk.core.errors import InvalidInput, PermissionDenied
    from qadesk.interactions.services import label_names_save

    label = Label.objects.create(code="refund", name="Refund")
    with pytest.raises(PermissionDenied):
        label_names_save(actor=reviewer, label=label, name="Refund", names={"it": "Rimborso"})
    with pytest.raises(InvalidInput) as error:
        label_names_save(actor=qa_lead, label=label, name="Refund", names={"xx": "?"})
    assert error.value.field == ("names", "xx")
    assert label_names_save(actor=qa_lead, label=label, name="Refund", names={"it": "Rimborso\u202e"}) is True
    assert label.names == {"it": "Rimborso"}  # bidi controls stripped
    assert label_names_save(actor=qa_lead, label=label, name="Refund", names={"it": "Rimborso", "fr": ""}) is False
