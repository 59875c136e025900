"""The custom fields page: admins declare and edit fields (type, choices, names per language) and declare the
undeclared ones imports carried; everyone else is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from qadesk.imports.services import interactions_import
from qadesk.imports.tests.helpers import record
from qadesk.interactions.models import CustomField, CustomFieldSeen

pytestmark = pytest.mark.django_db
LIST = reverse("custom_fields:list")


def _form(**values: str) -> dict[str, str]:
    return {"key": "", "name": "", "type": "text", "choices": "", "name_it": "", "name_fr": "", "name_en": ""} | values


def test_only_admins_reach_the_page(client, qa_lead, manager, agent_user, admin_user):
    CustomField.objects.create(key="plan", label="Plan")
    for user in (qa_lead, manager, agent_user):
        client.force_login(user)
        assert client.get(LIST).status_code == 403
        assert client.get(reverse("custom_fields:new")).status_code == 403
        assert client.post(reverse("custom_fields:edit", args=["plan"]), _form(type="number")).status_code == 403
    assert CustomField.objects.get().type == "text"
    client.force_login(admin_user)
    assert client.get(LIST).status_code == 200
    assert client.get(reverse("custom_fields:edit", args=["nope"])).status_code == 404
    client.logout()
    assert client.get(LIST).status_code == 302  # to the login page


def test_an_admin_declares_a_choice_field_with_its_names(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("custom_fields:new"),
        _form(key="plan", name="Plan", type="choice", choices="gold\nsilver\n\ngold\n", name_it="Piano", name_fr="Formule"),
    )
    assert response.status_code == 302 and response["Location"] == LIST
    field = CustomField.objects.get()
    assert (field.key, field.label, field.type, field.choices) == ("plan", "Plan", "choice", ["gold", "silver"])
    assert field.names == {"it": "Piano", "fr": "Formule"}
    with translation.override("fr"):
        page = client.get(LIST, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    declared = page.split("data-declared-fields")[1].split("</table>")[0]
    assert "plan" in declared and "gold, silver" in declared


def test_a_choice_field_without_values_and_a_key_twice_are_refused_on_the_page(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("custom_fields:new"), _form(key="tier", type="choice"))
    assert response.status_code == 200 and "a choice field needs its accepted values" in response.content.decode()
    assert not CustomField.objects.exists()
    CustomField.objects.create(key="plan", label="Plan")
    response = client.post(reverse("custom_fields:new"), _form(key="plan", type="number"))
    assert response.status_code == 200 and "declared already" in response.content.decode()
    assert CustomField.objects.get().type == "text"


def test_an_admin_changes_a_fields_type_choices_and_names_but_not_its_key(client, admin_user):
    CustomField.objects.create(key="plan", label="Plan", names={"it": "Piano"})
    client.force_login(admin_user)
    page = client.get(reverse("custom_fields:edit", args=["plan"])).content.decode()
    assert 'value="Piano"' in page
    response = client.post(
        reverse("custom_fields:edit", args=["plan"]),
        _form(key="hacked", name="Offer", type="choice", choices="a\nb", name_en="Offer", name_it=""),
    )
    assert response.status_code == 302
    field = CustomField.objects.get()
    assert (field.key, field.label, field.type, field.choices, field.names) == (
        "plan",
        "Offer",
        "choice",
        ["a", "b"],
        {"en": "Offer"},
    )


def test_undeclared_fields_from_an_import_are_listed_to_declare(client, admin_user):
    CustomField.objects.create(key="plan", label="Plan")
    report = interactions_import(rows=enumerate([record(1, custom_fields={"plan": "gold", "region": "Nord"})], 1))
    assert report.committed and report.undeclared_fields == ["region"]
    assert list(CustomFieldSeen.objects.values_list("key", "example")) == [("region", "Nord")]
    client.force_login(admin_user)
    undeclared = client.get(LIST).content.decode().split("data-undeclared-fields")[1].split("</table>")[0]
    declare = reverse("custom_fields:new") + "?key=region"
    assert "Nord" in undeclared and declare in undeclared and "plan" not in undeclared
    assert 'value="region"' in client.get(declare).content.decode()
    assert client.post(declare, _form(key="region", name="Region", type="text")).status_code == 302
    undeclared = client.get(LIST).content.decode().split("data-undeclared-fields")[1].split("</table>")[0]
    assert "region" not in undeclared
    CustomField.objects.filter(key="region").delete()  # forgotten again: the interactions still carry it
    assert "region" in client.get(LIST).content.decode().split("data-undeclared-fields")[1]


def test_an_import_that_stores_nothing_lists_no_undeclared_field():
    report = interactions_import(rows=enumerate([record(1, custom_fields={"region": "Nord"}), record(2, channel="fax")], 1))
    assert not report.committed and report.undeclared_fields == ["region"]
    assert not CustomFieldSeen.objects.exists()


def test_the_api_sets_names_and_keeps_them_when_left_out(client, admin_user):
    client.force_login(admin_user)
    url = "/api/v1/custom-fields/plan"
    body = {"label": "Plan", "type": "text", "names": {"fr": "Formule"}}
    assert client.put(url, body, content_type="application/json").json()["names"] == {"fr": "Formule"}
    assert client.put(url, {"label": "Plan", "type": "number"}, content_type="application/json").json()["names"] == {
        "fr": "Formule"
    }
    bad = client.put(url, {"type": "text", "names": {"xx": "?"}}, content_type="application/json")
    assert bad.status_code == 422
