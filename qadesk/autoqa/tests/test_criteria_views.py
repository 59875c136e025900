"""The custom criteria page: QA leads and admins list, create and edit phrase and prompt criteria (a change of the
rules raises the version, a bad pattern is refused on its box); everyone else gets 404, as on the other pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from qadesk.autoqa.models import CustomCriterion, PromptAnswer, PromptEndpoint, PromptUsage
from qadesk.testing.clients import page_client

pytestmark = pytest.mark.django_db

PHRASE_FORM = {
    "code": "case_number",
    "name": "Case number given",
    "kind": "phrases",
    "criterion": "",
    "rule": "must",
    "speaker": "agent",
    "part": "any",
    "impact": "",
    "active": "on",
    "phrases_it": "numero di pratica\n",
    "phrases_en": "case number\n  ticket number  \n",
    "patterns_fr": r"dossier n° ?\d+",
}


@pytest.fixture
def endpoint() -> PromptEndpoint:
    return PromptEndpoint.objects.create(name="Local llama", base_url="http://127.0.0.1:8080/v1", model="llama-3-8b")


def test_a_qa_lead_creates_a_phrase_criterion_through_the_page(qa_lead) -> None:
    client = page_client(qa_lead)
    response = client.post(reverse("autoqa:criterion_new"), PHRASE_FORM)
    assert response.status_code == 302 and response["Location"] == reverse("autoqa:criteria")
    criterion = CustomCriterion.objects.get(code="case_number")
    assert criterion.phrases == {"it": ["numero di pratica"], "en": ["case number", "ticket number"]}
    assert criterion.patterns == {"fr": [r"dossier n° ?\d+"]} and criterion.version == 1 and criterion.kind == "phrases"
    html = client.get(reverse("autoqa:criteria")).content.decode()
    assert 'data-code="case_number"' in html and "Case number given" in html


def test_editing_the_rules_raises_the_version_and_a_new_name_does_not(qa_lead) -> None:
    client = page_client(qa_lead)
    client.post(reverse("autoqa:criterion_new"), PHRASE_FORM)
    criterion = CustomCriterion.objects.get()
    url = reverse("autoqa:criterion_edit", args=[criterion.pk])
    page = client.get(url).content.decode()
    assert "ticket number</textarea>" in page  # the lists come back one a line
    client.post(url, PHRASE_FORM | {"name": "Renamed"})
    criterion.refresh_from_db()
    assert (criterion.name, criterion.version) == ("Renamed", 1)
    follow = client.post(url, PHRASE_FORM | {"rule": "must_not"}, follow=True)
    criterion.refresh_from_db()
    assert criterion.version == 2 and "version 2" in follow.content.decode()


def test_a_bad_pattern_is_refused_on_its_language_box(qa_lead) -> None:
    response = page_client(qa_lead).post(reverse("autoqa:criterion_new"), PHRASE_FORM | {"patterns_en": "(unclosed"})
    assert response.status_code == 200 and not CustomCriterion.objects.exists()
    assert "(unclosed" in response.context["form"].errors["patterns_en"][0]


def test_a_phrase_criterion_needs_a_phrase_or_a_pattern(qa_lead) -> None:
    empty = PHRASE_FORM | {"phrases_it": "", "phrases_en": "", "patterns_fr": ""}
    response = page_client(qa_lead).post(reverse("autoqa:criterion_new"), empty)
    assert response.status_code == 200 and "phrases_en" in response.context["form"].errors


def test_an_admin_creates_a_prompt_criterion_and_editing_the_question_raises_its_version(admin_user, endpoint) -> None:
    client = page_client(admin_user)
    data = PHRASE_FORM | {
        "code": "no_promise",
        "name": "No promises",
        "kind": "prompt",
        "phrases_it": "",
        "phrases_en": "",
        "patterns_fr": "",
        "endpoint": str(endpoint.pk),
        "instructions_en": "Did the agent avoid promising what they cannot guarantee?",
        "instructions_fr": "L'agent évite-t-il les promesses ?",
    }
    assert client.post(reverse("autoqa:criterion_new"), data).status_code == 302
    criterion = CustomCriterion.objects.get(code="no_promise")
    assert criterion.kind == "prompt" and criterion.endpoint == endpoint
    assert criterion.instructions == {"fr": "L'agent évite-t-il les promesses ?", "en": data["instructions_en"]}
    PromptAnswer.objects.create(code="no_promise", version=1, transcript_hash="a" * 64, ok=False, error="bad")
    PromptUsage.objects.create(endpoint=endpoint, day=timezone.localdate(), calls=7)
    html = client.get(reverse("autoqa:criteria")).content.decode()
    assert "Question to a language model" in html and "llama-3-8b" in html and "7 / 1000" in html
    client.post(reverse("autoqa:criterion_edit", args=[criterion.pk]), data | {"instructions_en": "Any promise made?"})
    criterion.refresh_from_db()
    assert criterion.version == 2


def test_a_prompt_criterion_needs_an_endpoint_and_a_question(qa_lead, endpoint) -> None:
    data = PHRASE_FORM | {"kind": "prompt", "code": "q"}
    errors = page_client(qa_lead).post(reverse("autoqa:criterion_new"), data).context["form"].errors
    assert "endpoint" in errors and "instructions_en" in errors and not CustomCriterion.objects.exists()


def test_the_page_says_when_no_endpoint_is_set_up_and_when_a_key_is_missing(qa_lead, endpoint, monkeypatch) -> None:
    PromptEndpoint.objects.update(api_key_env="QADESK_LLM_ABSENT")
    monkeypatch.delenv("QADESK_LLM_ABSENT", raising=False)
    html = page_client(qa_lead).get(reverse("autoqa:criteria")).content.decode()
    assert "missing: its questions do not run" in html
    PromptEndpoint.objects.all().delete()
    assert "questions to a language model are off" in page_client(qa_lead).get(reverse("autoqa:criteria")).content.decode()


@pytest.mark.parametrize(("language", "words"), [("it", "Criteri personalizzati"), ("fr", "Critères personnalisés")])
def test_the_pages_are_translated(qa_lead, language, words) -> None:
    qa_lead.language = language
    qa_lead.save()
    client = page_client(qa_lead)
    assert words in client.get(reverse("autoqa:criteria")).content.decode()
    assert words in client.get(reverse("autoqa:criterion_new")).content.decode()


@pytest.mark.parametrize("persona", ["reviewer", "team_lead", "agent_user", "manager"])
def test_nobody_else_may_list_create_or_edit_criteria(persona, request) -> None:
    criterion = CustomCriterion.objects.create(code="x", name="x", phrases={"en": ["x"]})
    client = page_client(request.getfixturevalue(persona))
    assert client.get(reverse("autoqa:criteria")).status_code == 404
    assert client.get(reverse("autoqa:criterion_new")).status_code == 404
    assert client.post(reverse("autoqa:criterion_new"), PHRASE_FORM).status_code == 404
    assert client.post(reverse("autoqa:criterion_edit", args=[criterion.pk]), PHRASE_FORM | {"code": "x"}).status_code == 404
    criterion.refresh_from_db()
    assert criterion.version == 1 and CustomCriterion.objects.count() == 1
