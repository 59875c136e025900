"""Bidirectional control characters (U+202E RIGHT-TO-LEFT OVERRIDE and friends) never reach a page in a name: they are
removed when names are written, at the import and in the admin."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from qadesk.accounts.models import Agent, Site, Team, User
from qadesk.core.text import BIDI_CONTROLS, strip_bidi_controls
from qadesk.imports.tests.helpers import record, write_jsonl
from qadesk.interactions.models import Interaction, Label

RLO, PDF, RLI, PDI, LRM, RLM, ALM = "\u202e", "\u202c", "\u2067", "\u2069", "\u200e", "\u200f", "\u061c"


def test_it_strips_every_bidirectional_control_and_nothing_else() -> None:
    assert len(BIDI_CONTROLS) == 12
    assert strip_bidi_controls(f"{RLO}gpj.exe{PDF} {RLI}Rossi{PDI}{LRM}{RLM}{ALM}") == "gpj.exe Rossi"
    assert strip_bidi_controls("مرحبا Zoë 李") == "مرحبا Zoë 李"  # right-to-left letters themselves stay
    assert strip_bidi_controls(None) is None


def test_the_ascii_shortcut_gives_what_the_translation_gives() -> None:
    """ASCII text is returned as it is (no copy): equal to removing the controls, for every character and mixes."""
    import random

    remove = dict.fromkeys(map(ord, BIDI_CONTROLS))
    alphabet = [chr(c) for c in range(0x250)] + list(BIDI_CONTROLS) + ["李", "مر", "\u200d", "\U0001f600"]
    rnd = random.Random(12)
    texts = [chr(c) for c in range(0x3000)] + ["".join(rnd.choices(alphabet, k=rnd.randint(0, 40))) for _ in range(20_000)]
    for text in texts:
        assert strip_bidi_controls(text) == text.translate(remove)


@pytest.mark.django_db
def test_imported_names_are_shown_without_bidi_controls(tmp_path: Path, client: Client, qa_lead: User) -> None:
    agent = f"a.{RLO}issor"
    row = record(
        1,
        agents=[agent],
        team=f"Milano {RLO}inidrO{PDF}",
        site=f"{RLI}Milano{PDI}",
        label=f"refund{RLM}_request",
        customer=f"C{LRM}-1",
        messages=[{"author": "agent", "agent": agent, "at": "2026-10-01T09:05:00Z", "body": "Ciao"}],
    )
    call_command("qimport", "interactions", str(write_jsonl(tmp_path / "x.jsonl", [row])))
    interaction = Interaction.objects.get()
    assert Agent.objects.get().username == "a.issor"
    assert (Team.objects.get().name, Site.objects.get().name, Label.objects.get().code) == (
        "Milano inidrO",
        "Milano",
        "refund_request",
    )
    client.force_login(qa_lead)
    for url in ["/interactions/", f"/interactions/{interaction.pk}/"]:
        page = client.get(url).content.decode()
        assert "Milano inidrO" in page and "a.issor" in page.lower()
        assert not set(BIDI_CONTROLS) & set(page)


@pytest.mark.django_db
def test_a_name_that_is_only_controls_counts_as_absent(tmp_path: Path) -> None:
    call_command("qimport", "interactions", str(write_jsonl(tmp_path / "x.jsonl", [record(1, team=RLO + PDF, site="")])))
    assert Interaction.objects.get().team is None


@pytest.mark.django_db
def test_names_typed_in_the_admin_lose_their_bidi_controls(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    response = client.post("/admin/accounts/team/add/", {"name": f"Lyon {RLO}snosiavil"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Team.objects.get().name == "Lyon snosiavil"
    response = client.post("/admin/accounts/site/add/", {"name": f"{RLI}Lyon{PDI}", "country": "FR"})
    assert response.status_code == 302 and Site.objects.get().name == "Lyon"
