"""`qadesk import survey-responses FILE`: attached by source + external id, bad rows named, all-or-nothing, idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from qadesk.surveys.models import SurveyAnswer, SurveyResponse

pytestmark = pytest.mark.django_db


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_csv_export_is_attached_to_interactions_and_a_reimport_changes_nothing(
    tmp_path, post_contact, interaction, team_lead, capsys
) -> None:
    path = _write(
        tmp_path,
        "csat.csv",
        "survey,source,external_id,submitted_at,csat,what_went_wrong\n"
        f"post-contact,{interaction.source},{interaction.external_id},2026-11-02T10:00:00Z,1,Too slow\n",
    )
    call_command("qimport", "survey-responses", path)
    assert "created 1, updated 0" in capsys.readouterr().out
    call_command("qimport", "survey-responses", path)
    assert "created 0, updated 1" in capsys.readouterr().out
    response = SurveyResponse.objects.get()
    assert response.interaction == interaction and response.source == "import"
    assert SurveyAnswer.objects.count() == 2
    interaction.refresh_from_db()
    assert interaction.customer_rating == "negative"


def test_bad_rows_are_named_by_line_and_field_and_nothing_is_written(tmp_path, post_contact, interaction, capsys) -> None:
    good = f"post-contact,{interaction.source},{interaction.external_id},5"
    path = _write(
        tmp_path,
        "bad.csv",
        f"survey,source,external_id,csat\n{good}\npost-contact,test,NOPE,4\npost-contact,{interaction.source},"
        f"{interaction.external_id},9\n",
    )
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("qimport", "survey-responses", path)
    errors = capsys.readouterr().err
    assert "line 3: external_id: no interaction test:NOPE" in errors
    assert "line 4: csat: Please choose one of the ratings offered." in errors
    assert not SurveyResponse.objects.exists()
    call_command("qimport", "survey-responses", path, "--skip-invalid")
    assert SurveyResponse.objects.count() == 1


def test_json_lines_take_an_answers_object_and_a_response_id(tmp_path, templates, interaction, capsys) -> None:
    record = {
        "survey": "relationship",
        "source": interaction.source,
        "external_id": interaction.external_id,
        "response_id": "zd-1",
        "answers": {"nps": 9, "stay": "certainly", "why": "Fast"},
    }
    line = json.dumps(record) + "\n"
    path = _write(tmp_path, "nps.jsonl", line + "not json\n")
    with pytest.raises(CommandError):
        call_command("qimport", "survey-responses", path)
    assert "line 2" in capsys.readouterr().err
    call_command("qimport", "survey-responses", _write(tmp_path, "ok.jsonl", line))
    response = SurveyResponse.objects.get()
    assert response.key == "zd-1"
    assert sorted(response.answers.values_list("question__code", flat=True)) == ["nps", "stay", "why"]
