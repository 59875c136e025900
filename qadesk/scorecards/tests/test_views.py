"""The scorecard builder through the browser's door: who may use it, a draft saved and resumed, validation in the
user's language, the preview as a reviewer sees it, and publishing as a new version that leaves old reviews alone."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from qadesk.reviews.services import review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import perfect_ratings
from qadesk.scorecards.forms import ScorecardBuilder
from qadesk.scorecards.models import Criterion, Scorecard, ScorecardDraft, VersionStatus

pytestmark = pytest.mark.django_db


def _client(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


def form_data(draft: ScorecardDraft) -> dict[str, Any]:
    """What the browser posts for the draft's form left as it is (management forms included)."""
    builder = ScorecardBuilder(data=None, draft=draft.data, code_locked=bool(draft.base_version_id))
    forms = [builder.head, builder.sections.management_form, *builder.sections.forms]
    for criteria in builder.criteria:
        forms += [criteria.management_form, *criteria.forms]
    data: dict[str, Any] = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif isinstance(value, Decimal):
                value = str(value)
            data[bound.html_name] = value
    return data


def _start(client: Client, scorecard: str = "") -> ScorecardDraft:
    response = client.post(reverse("scorecards:start"), {"scorecard": scorecard})
    assert response.status_code == 302
    return ScorecardDraft.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))


@pytest.mark.parametrize("persona", ["agent_user", "team_lead", "reviewer", "manager"])
def test_it_answers_404_to_everyone_but_qa_leads_and_admins(request, persona, default_scorecard, qa_lead) -> None:
    draft = _start(_client(qa_lead), "default")
    client = _client(request.getfixturevalue(persona))
    for url in (
        reverse("scorecards:list"),
        reverse("scorecards:draft", args=[draft.pk]),
        reverse("scorecards:preview", args=[draft.pk]),
        reverse("scorecards:export", args=[default_scorecard.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("scorecards:start"), {"scorecard": "default"}).status_code == 404
    assert client.post(reverse("scorecards:publish", args=[draft.pk])).status_code == 404
    assert Scorecard.objects.get(code="default").versions.count() == 1


def test_the_list_shows_versions_and_the_sidebar_links_it(default_scorecard, admin_user) -> None:
    response = _client(admin_user, "it").get(reverse("scorecards:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Qualità dell&#x27;assistenza clienti" in html
    assert reverse("scorecards:export", args=[default_scorecard.pk]) in html
    assert f'href="{reverse("scorecards:list")}" aria-current="page"' in html


def test_a_draft_is_saved_and_resumed(default_scorecard, qa_lead) -> None:
    client = _client(qa_lead)
    draft = _start(client, "default")
    data = form_data(draft)
    data["s0c-0-weight"] = "4.5"
    data["s0c-0-title_fr"] = "Libellé juste"
    response = client.post(reverse("scorecards:draft", args=[draft.pk]), data)
    assert response.status_code == 302
    assert _start(client, "default").pk == draft.pk  # "edit" again resumes the same draft
    draft.refresh_from_db()
    first = draft.data["sections"][0]["criteria"][0]
    assert (first["weight"], first["title"]["fr"]) == (4.5, "Libellé juste")
    page = client.get(reverse("scorecards:draft", args=[draft.pk])).content.decode()
    assert 'value="4.5"' in page and "Libellé juste" in page
    assert Scorecard.objects.get(code="default").versions.count() == 1  # nothing published yet


@pytest.mark.parametrize(
    ("weight", "message"),
    [
        ("0", "Il peso deve essere maggiore di 0."),
        ("-1", "Il peso deve essere maggiore di 0."),
        ("0,004", "Assicurati che non vi siano più di 2 cifre decimali."),
        ("abc", "Inserisci un numero."),
    ],
)
def test_a_bad_weight_is_refused_in_the_users_language_never_rounded(default_scorecard, qa_lead, weight, message) -> None:
    client = _client(qa_lead, "it")
    draft = _start(client, "default")
    before = draft.data
    data = form_data(draft)
    data["s0c-0-weight"] = weight
    response = client.post(reverse("scorecards:draft", args=[draft.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    draft.refresh_from_db()
    assert draft.data == before


def test_an_italian_decimal_comma_is_read_as_a_weight(default_scorecard, qa_lead) -> None:
    client = _client(qa_lead, "it")
    draft = _start(client, "default")
    data = form_data(draft)
    data["s0c-0-weight"] = "1,25"
    assert client.post(reverse("scorecards:draft", args=[draft.pk]), data).status_code == 302
    draft.refresh_from_db()
    assert draft.data["sections"][0]["criteria"][0]["weight"] == 1.25
    page = client.get(reverse("scorecards:draft", args=[draft.pk])).content.decode()
    assert 'name="s0c-0-weight" value="1,25"' in page  # shown back as Italian writes it
    assert 'name="s0c-1-weight" value="3"' in page  # a whole weight without ",0"


def test_a_new_scorecard_is_built_previewed_and_published(qa_lead, reviewer) -> None:
    client = _client(qa_lead)
    draft = _start(client)
    data = form_data(draft)
    data.update(
        {
            "code": "chat",
            "name_en": "Chat quality",
            "name_it": "Qualità chat",
            "channels": ["chat"],
            "s-0-code": "tone",
            "s-0-title_en": "Tone",
            "s0c-0-code": "greeting",
            "s0c-0-title_en": "Greets the customer",
            "s0c-0-title_it": "Saluta il cliente",
            "s0c-0-guidance_en": "By name when known.",
            "s0c-0-scale": "five",
            "s0c-0-weight": "2.5",
            "s0c-0-impact": "high",
            "s0c-0-critical": "on",
            "s0c-0-na_allowed": "on",
        }
    )
    response = client.post(reverse("scorecards:draft", args=[draft.pk]), {**data, "preview": "1"})
    assert response.status_code == 302 and response.url == reverse("scorecards:preview", args=[draft.pk])
    preview = client.get(response.url).content.decode()
    # The scoring form a reviewer sees: the criterion, its guidance, its scale's buttons, its badges.
    assert "Greets the customer" in preview and "By name when known." in preview
    assert 'data-weight="2.5"' in preview and "data-critical" in preview and 'data-impact="high"' in preview
    assert preview.count('type="radio"') == 6  # 1..5 and N/A
    assert "Publish version 1" in preview
    assert not Scorecard.objects.filter(code="chat").exists()
    assert client.post(reverse("scorecards:publish", args=[draft.pk])).status_code == 302
    version = Scorecard.objects.get(code="chat").current_version()
    assert version is not None and version.number == 1 and version.conditions["channels"] == ["chat"]
    criterion = Criterion.objects.get(section__version=version)
    assert (criterion.weight, criterion.impact, criterion.critical, criterion.title["it"]) == (
        Decimal("2.5"),
        "high",
        True,
        "Saluta il cliente",
    )
    client.post(reverse("scorecards:publish", args=[draft.pk]))  # a double click publishes nothing more
    assert Scorecard.objects.get(code="chat").versions.count() == 1
    assert client.get(reverse("scorecards:draft", args=[draft.pk])).status_code == 404  # a published draft is closed


def test_publishing_makes_a_new_version_and_old_reviews_keep_theirs(default_scorecard, qa_lead, reviewer, interaction) -> None:
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard))
    review_submit(review=review, actor=reviewer)
    score = review.score
    client = _client(qa_lead)
    draft = _start(client, "default")
    data = form_data(draft)
    data["s0c-0-weight"] = "7"
    data["code"] = "hijack"  # the code of an existing scorecard is fixed
    assert client.post(reverse("scorecards:draft", args=[draft.pk]), data).status_code == 302
    client.post(reverse("scorecards:publish", args=[draft.pk]))
    scorecard = Scorecard.objects.get(code="default")
    assert list(scorecard.versions.values_list("number", "status")) == [(2, VersionStatus.PUBLISHED), (1, VersionStatus.RETIRED)]
    assert not Scorecard.objects.filter(code="hijack").exists()
    review.refresh_from_db()
    assert review.scorecard_version_id == default_scorecard.pk and review.score == score
    assert Criterion.objects.get(section__version=scorecard.current_version(), code="right_label").weight == 7


def test_an_incomplete_draft_is_saved_but_the_preview_says_what_to_fix(qa_lead) -> None:
    client = _client(qa_lead, "fr")
    draft = _start(client)
    data = form_data(draft)
    data.update({"code": "half", "name_fr": "À moitié", "s-0-code": "s", "s-0-title_fr": "Section"})
    assert client.post(reverse("scorecards:draft", args=[draft.pk]), data).status_code == 302
    preview = client.get(reverse("scorecards:preview", args=[draft.pk])).content.decode()
    assert "Le brouillon ne peut pas encore être publié" in preview
    assert "Publier" not in preview
    assert client.post(reverse("scorecards:publish", args=[draft.pk])).status_code == 302
    assert not Scorecard.objects.filter(code="half").exists()


def test_a_yaml_file_round_trips_through_a_draft(default_scorecard, qa_lead) -> None:
    client = _client(qa_lead)
    exported = client.get(reverse("scorecards:export", args=[default_scorecard.pk]))
    document = yaml.safe_load(exported.content)
    document["sections"][0]["criteria"][0]["weight"] = 9
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("default.yaml", yaml.safe_dump(document).encode(), content_type="application/yaml")
    response = client.post(reverse("scorecards:import"), {"file": upload})
    draft = ScorecardDraft.objects.open().get(code="default")
    assert response.url == reverse("scorecards:draft", args=[draft.pk])
    assert draft.data["sections"][0]["criteria"][0]["weight"] == 9
    assert draft.data["sections"][0]["criteria"][0]["root_causes"]  # root causes travel with the file


def test_a_new_scorecards_draft_never_publishes_into_one_made_meanwhile(qa_lead) -> None:
    from qadesk.scorecards.services import scorecard_version_create
    from qadesk.scorecards.tests.test_services import small_definition

    client = _client(qa_lead)
    draft = _start(client)
    ScorecardDraft.objects.filter(pk=draft.pk).update(code="mini", data=small_definition())
    scorecard_version_create(data=small_definition())  # e.g. from the CLI, after the draft was started
    response = client.post(reverse("scorecards:publish", args=[draft.pk]), follow=True)
    assert "A scorecard with the code mini exists" in response.content.decode()
    assert Scorecard.objects.get(code="mini").versions.count() == 1
