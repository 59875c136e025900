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


KEY_PAGES = [
    "/interactions/",
    "/interactions/{interaction}/",
    "/reviews/",
    "/reviews/queue/",
    "/reviews/{review}/",
    "/disputes/",
    "/disputes/dashboard/",
    "/disputes/{dispute}/",
    "/reports/quality/",
    "/notifications/",
    "/account/settings/",
]


@pytest.mark.parametrize("language", ["it", "fr"])
def test_key_pages_render_fully_translated(
    client: Client, admin_user, language: str, default_scorecard, interaction, agent_user
) -> None:
    """Every msgid on the key pages has a translation: no string the catalogue knows is left in English."""
    from qadesk.disputes.services import ContestedCriterion, dispute_open
    from qadesk.reviews.services import review_create, review_save, review_submit
    from qadesk.reviews.tests.helpers import criteria_by_code, perfect_ratings

    review = review_create(interaction=interaction, actor=admin_user)
    review_save(review=review, actor=admin_user, ratings=perfect_ratings(default_scorecard, empathy=2))
    review_submit(review=review, actor=admin_user)
    empathy = criteria_by_code(default_scorecard)["empathy"]
    dispute = dispute_open(review=review, actor=agent_user, argument="I was kind", items=[ContestedCriterion(empathy.pk, 4)])
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    # English msgids that, when found verbatim on a translated page, show a string escaped translation.
    english = {
        e.msgid
        for e in catalogue
        if e.msgstr and e.msgstr != e.msgid and len(e.msgid) > 12 and "{" not in e.msgid and "%" not in e.msgid
    }
    client.force_login(admin_user)
    in_english = client.get("/reviews/queue/").content.decode()
    assert any(f">{m}<" in in_english for m in english), "the check must be able to see English strings"
    admin_user.language = language
    admin_user.save()
    for path in KEY_PAGES:
        html = client.get(path.format(interaction=interaction.pk, review=review.pk, dispute=dispute.pk)).content.decode()
        assert f'lang="{language}"' in html, path
        leftovers = sorted(m for m in english if f">{m}<" in html)
        assert not leftovers, (path, leftovers[:5])
