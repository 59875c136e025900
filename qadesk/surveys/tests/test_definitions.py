"""Survey definitions: versions, the YAML format (export, import), the shipped templates."""

from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from qadesk.core.errors import ApplicationError
from qadesk.surveys.models import Survey, VersionStatus
from qadesk.surveys.services import (
    survey_templates_install,
    survey_version_create,
    survey_version_export,
)

pytestmark = pytest.mark.django_db

KINDS = {"post_contact", "expectation", "self_service", "relationship", "complaint_outcome", "suggestion_box"}


def _definition(**extra):
    return {
        "code": "after-chat",
        "name": {"en": "After chat", "it": "Dopo la chat", "fr": "Après le chat"},
        "questions": [
            {"code": "csat", "kind": "csat", "required": True, "text": {"en": "Happy?", "it": "Contento?", "fr": "Content ?"}},
            {
                "code": "why",
                "kind": "text",
                "text": {"en": "What went wrong?"},
                "condition": {"question": "csat", "op": "<=", "value": 2},
            },
        ],
        **extra,
    }


def test_it_installs_a_template_for_each_of_the_six_kinds_once() -> None:
    installed = survey_templates_install()
    assert {v.survey.kind for v in installed} == KINDS
    assert survey_templates_install() == []
    suggestion = Survey.objects.get(kind="suggestion_box")
    assert suggestion.anonymous and suggestion.open_link
    post = Survey.objects.get(kind="post_contact").current_version()
    assert post is not None
    kinds = list(post.questions.values_list("kind", flat=True))
    assert {"csat", "ces", "text"} <= set(kinds)
    for question in post.questions.all():
        assert set(question.text) == {"en", "it", "fr"}, question.code


def test_a_new_definition_makes_a_new_version_and_retires_the_old_one() -> None:
    first = survey_version_create(data=_definition())
    second = survey_version_create(data=_definition(questions=_definition()["questions"][:1]))
    first.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert first.status == VersionStatus.RETIRED and second.status == VersionStatus.PUBLISHED
    assert first.questions.count() == 2 and second.questions.count() == 1


def test_export_then_import_gives_the_same_definition() -> None:
    version = survey_version_create(data=_definition())
    exported = survey_version_export(version=version)
    again = survey_version_create(data=yaml.safe_load(yaml.safe_dump(exported)))
    assert survey_version_export(version=again) == exported


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"questions": [{"code": "q", "kind": "stars", "text": {"en": "?"}}]}, "questions[0].kind"),
        ({"questions": [{"code": "q", "kind": "single", "text": {"en": "?"}, "choices": []}]}, "two choices"),
        (
            {"questions": [{"code": "q", "kind": "text", "text": {"en": "?"}, "condition": {"question": "later", "value": 1}}]},
            "not an earlier question",
        ),
        ({"name": {"en": " "}}, "name"),
    ],
)
def test_a_bad_definition_is_refused_naming_the_field(change, needle) -> None:
    with pytest.raises(ApplicationError) as error:
        survey_version_create(data=_definition(**change))
    assert needle in str(error.value.message)
    assert not Survey.objects.exists()


def test_the_cli_exports_and_imports_yaml(tmp_path: Path, capsys) -> None:
    survey_version_create(data=_definition())
    target = tmp_path / "survey.yaml"
    call_command("survey", "export", "after-chat", str(target))
    document = yaml.safe_load(target.read_text())
    assert document["questions"][1]["condition"] == {"question": "csat", "op": "<=", "value": 2}
    document["questions"][0]["text"]["en"] = "Satisfied?"
    target.write_text(yaml.safe_dump(document))
    call_command("survey", "import", str(target))
    current = Survey.objects.get(code="after-chat").current_version()
    assert current is not None and current.number == 2
    assert current.questions.get(code="csat").text["en"] == "Satisfied?"
    with pytest.raises(CommandError, match="No survey"):
        call_command("survey", "export", "nope")


def test_the_cli_installs_the_templates(capsys) -> None:
    call_command("survey", "templates")
    assert "6 templates installed" in capsys.readouterr().out
    assert Survey.objects.count() == 6
