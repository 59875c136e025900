"""The "Automatic checks" card in a real Chromium at phone width, in Italian: evidence marked in the transcript, no
sideways scrolling (long evidence quotes wrap, the table scrolls in its own box), no Content-Security-Policy
violation."""

from __future__ import annotations

from typing import Any

import pytest

from qadesk.accounts.models import Role
from qadesk.autoqa.services import autoqa_run
from qadesk.testing import factories as f
from qadesk.testing.walk import LISTEN

LONG = "https://track.example-logistics.eu/shipments/IT/MI/2026/000000912873465/" + "x" * 80


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_card_fits_a_phone_and_marks_the_evidence(browser: Any, live_server: Any) -> None:
    f.make_user("lead", Role.QA_LEAD, language="it")
    interaction = f.make_interaction(
        messages=[
            ("customer", f"Il pacco non arriva, è inaccettabile!! Scrivetemi a mario.rossi@example.it, tracking {LONG}"),
            ("agent", "Non è un mio problema, si arrangi."),
        ],
        language="it",
    )
    autoqa_run()
    context = browser.new_context(locale="it-IT", viewport={"width": 390, "height": 844})
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "lead")
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    page.goto(f"{live_server.url}/interactions/{interaction.pk}/")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#auto-title") == "Controlli automatici"
    marks = page.eval_on_selector_all("mark.auto-evidence", "els => els.map(e => e.textContent)")
    assert "Non è un mio problema" in marks and "mario.rossi@example.it" in marks
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("window.__csp") == []
    page.goto(f"{live_server.url}/autoqa/")  # the automatic QA page fits a phone too
    page.wait_for_load_state("networkidle")
    assert page.inner_text("h1") == "QA automatica"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("window.__csp") == []
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_aqs_by_group_fits_a_phone_for_a_team_lead_in_italian(browser: Any, live_server: Any) -> None:
    team = f.make_team("Assistenza clienti ordini internazionali e resi " + "x" * 40, f.make_site("Milano"))
    f.make_user("capo", Role.TEAM_LEAD, team, language="it")
    agent = f.make_agent("g.verdi", team)
    for _ in range(2):
        turns = [("customer", "Buongiorno"), ("agent", "Buongiorno, sono Giulia. Ho provveduto al rimborso, grazie.")]
        f.make_interaction(agent, messages=turns, language="it")
    autoqa_run()
    context = browser.new_context(locale="it-IT", viewport={"width": 390, "height": 844})
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "capo")
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    page.goto(f"{live_server.url}/autoqa/?by=team")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#aqs-by-title") == "AQS per gruppo"
    table = page.inner_text("#aqs-by-table")
    assert "assistenza clienti" in table.lower() and "non conclusivo" in table
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("window.__csp") == []
    context.close()
