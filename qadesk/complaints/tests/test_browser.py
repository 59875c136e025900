"""The register at a 390 px phone width in a real Chromium, in Italian: the list, a complaint with long unbroken text,
the form and the report never scroll sideways, keep the Content-Security-Policy, and a QA lead closes a complaint."""

from typing import Any

import pytest
from django.db import connections

from qadesk.accounts.models import Role
from qadesk.complaints.models import Complaint
from qadesk.complaints.services import complaint_act
from qadesk.complaints.tests.factories import make_category, make_complaint
from qadesk.interactions.models import Customer
from qadesk.testing import factories as f
from qadesk.testing.walk import HOME_URL, LISTEN, LONG_NAME, LONG_URL, LONG_WORD

PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_register_fits_a_phone_and_a_complaint_is_closed_there(browser: Any, live_server: Any) -> None:
    team = f.make_team(LONG_NAME[:100], f.make_site("Milano"))
    lead = f.make_user("elena", Role.QA_LEAD, language="it", first_name="Elena", last_name=LONG_NAME[:150])
    interaction = f.make_interaction(f.make_agent("a.rossi", team))
    category = make_category("late", hours=1, en="Late delivery", it="Consegna in ritardo", fr="Livraison en retard")
    complaint = make_complaint(
        lead,
        category=category,
        interactions=[interaction],
        owner=lead,
        customer=Customer.objects.create(external_id=LONG_WORD[:100]),
        description=f"{LONG_URL} {LONG_WORD}",
    )
    complaint_act(complaint=complaint, actor=lead, kind="contact", body=LONG_WORD)
    Complaint.objects.filter(pk=complaint.pk).update(due_at=complaint.created_at)  # overdue: the red badge too
    connections.close_all()

    context = browser.new_context(viewport=PHONE, locale="it-IT")
    context.add_init_script(LISTEN)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "elena")
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(HOME_URL)
    for path in ("/complaints/", f"/complaints/{complaint.pk}/", "/complaints/new/", f"/complaints/{complaint.pk}/edit/",
                 "/complaints/report/?by=team"):  # fmt: skip
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.lang") == "it"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)
        assert page.evaluate("window.__csp") == [], path
    page.goto(f"{live_server.url}/complaints/")
    assert page.locator("#complaint-table .badge-bad").inner_text() == "In ritardo"  # "Overdue" in Italian
    page.goto(f"{live_server.url}/complaints/{complaint.pk}/")
    page.select_option("#id_status", "in_progress")
    page.click("button:has-text('Salva lo stato')")
    page.select_option("#id_status", "resolved")
    page.fill("#id_root_cause", "Corriere in ritardo")
    page.fill("#id_outcome", "Rimborso della spedizione")
    page.click("button:has-text('Salva lo stato')")
    page.wait_for_load_state("load")
    assert page.locator(".badge-ok").first.inner_text() == "Risolto"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert errors == []
    context.close()
    assert Complaint.objects.get(pk=complaint.pk).status == "resolved"
