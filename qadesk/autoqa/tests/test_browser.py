"""The "Automatic checks" card in a real Chromium at phone width, in Italian: evidence marked in the transcript, no
sideways scrolling (long evidence quotes wrap, the table scrolls in its own box), no Content-Security-Policy
violation."""

from __future__ import annotations

from typing import Any

import pytest

from qadesk.accounts.models import Role
from qadesk.autoqa.services import autoqa_run
from qadesk.testing import factories as f
from qadesk.testing.walk import LISTEN, login

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
    login(page, live_server.url, "lead", f.PASSWORD)
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
    login(page, live_server.url, "capo", f.PASSWORD)
    page.goto(f"{live_server.url}/autoqa/?by=team")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#aqs-by-title") == "AQS per gruppo"
    table = page.inner_text("#aqs-by-table")
    assert "assistenza clienti" in table.lower() and "non conclusivo" in table
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("window.__csp") == []
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_custom_criteria_pages_fit_a_phone_and_save_a_question(browser: Any, live_server: Any) -> None:
    from qadesk.autoqa.models import CustomCriterion, PromptEndpoint

    f.make_user("lead", Role.QA_LEAD, language="fr")
    endpoint = PromptEndpoint.objects.create(
        name="Ollama local", base_url="http://127.0.0.1:11434/v1", model="llama3.1:8b", last_error="HTTP 429: " + "x" * 200
    )
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    context.add_init_script(LISTEN)
    page = context.new_page()
    login(page, live_server.url, "lead", f.PASSWORD)
    page.goto(f"{live_server.url}/autoqa/criteria/new/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("#id_code", "no_promise")
    page.fill("#id_name", "Pas de promesses")
    page.select_option("#id_kind", "prompt")
    page.select_option("#id_endpoint", str(endpoint.pk))
    page.fill("#id_instructions_fr", "L'agent évite-t-il de promettre ce qu'il ne peut garantir ?")
    page.click("#criterion-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/autoqa/criteria/") and page.inner_text("h1") == "Critères personnalisés"
    assert "Pas de promesses" in (page.text_content("#criteria-table") or "") and "llama3.1:8b" in page.inner_text(
        "#endpoints-table"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("window.__csp") == []
    assert CustomCriterion.objects.get().instructions == {"fr": "L'agent évite-t-il de promettre ce qu'il ne peut garantir ?"}
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_classifier_page_fits_a_phone_with_its_confusion_matrix(
    browser: Any, live_server: Any, settings: Any, tmp_path: Any
) -> None:
    from qadesk.autoqa.label_model import classifier_train
    from qadesk.autoqa.tests.synthetic import examples
    from qadesk.interactions.models import Label

    settings.DATA_DIR = tmp_path
    f.make_user("lead", Role.QA_LEAD, language="it")
    agent = f.make_agent()
    labels = {
        code: Label.objects.create(code=code, names={"it": code.replace("_", " ") * 2})
        for code in ("refund_request", "delivery_delay", "password_reset")
    }
    for label, language, pairs in examples(20, seed=4):
        f.make_interaction(agent, messages=pairs, language=language, label=labels[label])
    assert classifier_train() is not None
    context = browser.new_context(locale="it-IT", viewport={"width": 390, "height": 844})
    context.add_init_script(LISTEN)
    page = context.new_page()
    login(page, live_server.url, "lead", f.PASSWORD)
    page.goto(f"{live_server.url}/autoqa/classifier/")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("h1") == "Classificatore dei motivi di contatto"
    assert page.locator("#confusion tbody tr").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the long label names scroll in the table's box
    assert page.evaluate("window.__csp") == []
    context.close()
