"""Every user-facing string ships in Italian and French, and the compiled catalogues are the ones in use."""

from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[3] / "locale"


@pytest.mark.parametrize("language", ["it", "fr"])
def test_the_catalogue_is_complete(language: str) -> None:
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in catalogue.untranslated_entries()] + [e.msgid for e in catalogue.fuzzy_entries()]
    assert not missing, f"{len(missing)} untranslated or fuzzy in {language}: {missing[:10]}"


@pytest.mark.parametrize("language", ["it", "fr"])
def test_the_compiled_catalogue_matches_the_source(language: str) -> None:
    source = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    compiled = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    wanted = {(e.msgctxt, e.msgid): e.msgstr for e in source.translated_entries() if not e.msgid_plural}
    have = {(e.msgctxt, e.msgid): e.msgstr for e in compiled if not e.msgid_plural}
    assert {k: v for k, v in wanted.items() if have.get(k) != v} == {}, "run `make messages`"


@pytest.mark.parametrize(("language", "expected"), [("it", "Etichetta corretta"), ("fr", "Bon libellé")])
def test_scorecard_wording_and_choice_labels_follow_the_language(language: str, expected: str, default_scorecard) -> None:
    from qadesk.core.i18n import pick
    from qadesk.interactions.models import JourneyPhase

    criterion = default_scorecard.sections.get(code="process").criteria.get(code="right_label")
    with translation.override(language):
        assert pick(criterion.title) == expected
        assert str(JourneyPhase.DELIVERY.label) not in ("", "Delivery tracking")


@pytest.mark.parametrize(("language", "word"), [("it", "Interazioni"), ("fr", "Interactions")])
def test_pages_render_in_the_users_language(client: Client, reviewer, language: str, word: str) -> None:
    reviewer.language = language
    reviewer.save()
    client.force_login(reviewer)
    html = client.get("/interactions/").content.decode()
    assert f'lang="{language}"' in html
    assert word in html


def test_api_errors_come_in_the_users_language(client: Client, reviewer) -> None:
    reviewer.language = "it"
    reviewer.save()
    client.force_login(reviewer)
    response = client.post("/api/v1/scorecards/import", {"code": "x"}, content_type="application/json")
    assert response.status_code == 403
    with translation.override("it"):
        expected = translation.gettext("Only QA leads and admins can change scorecards.")
    assert response.json()["detail"] == expected != "Only QA leads and admins can change scorecards."
