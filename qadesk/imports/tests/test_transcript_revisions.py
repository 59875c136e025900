"""A reviewed transcript replaced on purpose (`--new-revision`): the new one becomes the contact's, the scored one is
kept as a revision that every review, dispute and calibration of it keeps showing, through the CLI, the API and pages.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from qadesk.calibration.models import CalibrationItem, CalibrationSession
from qadesk.disputes.models import Dispute
from qadesk.imports.reimports import revision_summary
from qadesk.imports.schemas import MessageIn
from qadesk.imports.tests.helpers import write_jsonl
from qadesk.imports.tests.test_reimports import _api, _chat, _submitted_review
from qadesk.interactions.models import Interaction, Message, TranscriptRevision
from qadesk.interactions.selectors import transcript_messages
from qadesk.reviews.models import Review
from qadesk.reviews.services import review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import perfect_ratings

pytestmark = pytest.mark.django_db


def _rewritten(messages: int = 10) -> dict[str, Any]:
    """The chat as a later export gives it: shorter, and its first agent message reworded."""
    row = _chat(1, messages=messages)
    row["messages"][1]["body"] = "risposta riscritta"
    return row


def _current_bodies() -> list[str]:
    return [m.body for m in Message.objects.filter(interaction__external_id="T-1001").order_by("position")]


def _message_review(reviewer: Any, version: Any, position: int) -> Review:
    interaction = Interaction.objects.get(external_id="T-1001")
    message = interaction.messages.get(position=position)
    review = review_create(interaction=interaction, actor=reviewer, scorecard_version=version, message=message)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(version))
    return review_submit(review=review, actor=reviewer)


def test_the_cli_keeps_the_scored_transcript_as_a_revision_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], default_scorecard, reviewer, client: Client, qa_lead
) -> None:
    call_command("qimport", "interactions", str(write_jsonl(tmp_path / "a.jsonl", [_chat(1)])))
    review = _submitted_review("T-1001", reviewer, default_scorecard)
    on_message = _message_review(reviewer, default_scorecard, position=41)  # past the new transcript's end
    scored = _current_bodies()
    draft = review_create(interaction=review.interaction, actor=reviewer, scorecard_version=default_scorecard)
    capsys.readouterr()

    call_command("qimport", "interactions", str(write_jsonl(tmp_path / "b.jsonl", [_rewritten()])), "--new-revision")
    out = capsys.readouterr().out
    assert "line 1: T-1001 updated: messages: new revision (1 changed, 32 removed)" in out
    assert "Transcripts revised after review (the reviews keep the one they scored): T-1001" in out
    assert "created 0, updated 1, unchanged 0, skipped 0" in out

    interaction = Interaction.objects.get(external_id="T-1001")
    assert interaction.message_count == 10 and _current_bodies()[1] == "risposta riscritta"
    revision = TranscriptRevision.objects.get(interaction=interaction)
    assert (revision.number, revision.message_count) == (1, 42)
    review.refresh_from_db()
    on_message.refresh_from_db()
    draft.refresh_from_db()
    assert review.transcript == revision and on_message.transcript == revision
    assert draft.transcript is None  # never submitted: it scores the new transcript
    assert [m.body for m in transcript_messages(interaction=interaction, transcript=revision)] == scored
    assert on_message.message.body == "risposta 41" and on_message.message.interaction_id is None  # the very row

    # The same file again: unchanged. A further edit is free: no review scored the current transcript yet.
    call_command("qimport", "interactions", str(write_jsonl(tmp_path / "c.jsonl", [_rewritten()])))
    assert "created 0, updated 0, unchanged 1" in capsys.readouterr().out
    call_command("qimport", "interactions", str(write_jsonl(tmp_path / "d.jsonl", [_chat(1, messages=3)])))
    assert "T-1001 updated: messages" in capsys.readouterr().out
    assert TranscriptRevision.objects.filter(interaction=interaction).count() == 1

    # The pages: the review shows what it scored; the interaction shows the newest, marked, with the scored one a click away.
    client.force_login(qa_lead)
    page = client.get(f"/reviews/{review.pk}/").content.decode()
    assert "risposta 1<" in page and "risposta riscritta" not in page and "domanda 40" in page
    assert 'data-transcript-revision="1"' in page and "The transcript as it was scored (revision 1)" in page
    page = client.get(f"/interactions/{interaction.pk}/").content.decode()
    assert "data-revised-after-review" in page and "Revised after review" in page and "domanda 40" not in page
    assert f'href="/interactions/{interaction.pk}/?transcript=1#transcript-title"' in page
    page = client.get(f"/interactions/{interaction.pk}/?transcript=1").content.decode()
    assert "domanda 40" in page and "risposta riscritta" not in page and 'data-transcript-revision="1"' in page


def test_without_the_flag_the_row_is_refused_and_the_message_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], default_scorecard, reviewer
) -> None:
    call_command("qimport", "interactions", str(write_jsonl(tmp_path / "a.jsonl", [_chat(1)])))
    _submitted_review("T-1001", reviewer, default_scorecard)
    with pytest.raises(Exception, match="Nothing was imported"):
        call_command("qimport", "interactions", str(write_jsonl(tmp_path / "b.jsonl", [_rewritten()])))
    assert "(“Revise reviewed transcripts”, or --new-revision, keeps it as a revision)" in capsys.readouterr().err
    assert not TranscriptRevision.objects.exists() and len(_current_bodies()) == 42


def test_the_api_revises_with_new_revision_and_serves_the_scored_transcript(
    client: Client, qa_lead, default_scorecard, reviewer
) -> None:
    client.force_login(qa_lead)
    _api(client, [_chat(1, messages=6)])
    review = _submitted_review("T-1001", reviewer, default_scorecard)
    status, body = _api(client, [_rewritten(messages=8)], "?new_revision=true")
    assert status == 200 and body["revised"] == ["T-1001"] and body["ids"]["updated"] == ["T-1001"]
    assert body["changes"] == [
        {
            "line": 1,
            "external_id": "T-1001",
            "changed": ["messages: new revision (1 changed, 2 added); its reviews keep the transcript they scored"],
        }
    ]
    interaction = Interaction.objects.get(external_id="T-1001")
    detail = client.get(f"/api/v1/interactions/{interaction.pk}").json()
    assert len(detail["messages"]) == 8 and detail["messages"][1]["body"] == "risposta riscritta"
    assert [(r["number"], r["message_count"]) for r in detail["transcript_revisions"]] == [(1, 6)]
    scored = client.get(f"/api/v1/interactions/{interaction.pk}/transcripts/1").json()
    assert [m["body"] for m in scored["messages"]] == [f"{'domanda' if i % 2 == 0 else 'risposta'} {i}" for i in range(6)]
    assert client.get(f"/api/v1/interactions/{interaction.pk}/transcripts/2").status_code == 404
    assert client.get(f"/api/v1/reviews/{review.pk}").json()["transcript"] == 1
    assert {r["id"]: r["transcript"] for r in client.get("/api/v1/reviews").json()["items"]} == {review.pk: 1}


def test_an_open_dispute_and_a_calibration_keep_showing_what_they_scored(
    client: Client, qa_lead, default_scorecard, reviewer
) -> None:
    client.force_login(qa_lead)
    _api(client, [_chat(1, messages=4)])
    interaction = Interaction.objects.get(external_id="T-1001")
    review = _submitted_review("T-1001", reviewer, default_scorecard)
    dispute = Dispute.objects.create(
        review=review, raised_by=qa_lead, assignee=reviewer, argument="no", due_at=timezone.now() + timedelta(days=3)
    )
    session = CalibrationSession.objects.create(
        title="c", scorecard_version=default_scorecard, created_by=qa_lead, deadline=timezone.now() + timedelta(days=3)
    )
    session.participants.add(reviewer)
    item = CalibrationItem.objects.create(session=session, interaction=interaction)
    status, _body = _api(client, [_rewritten(messages=2)], "?new_revision=true")
    assert status == 200
    item.refresh_from_db()
    assert item.transcript is not None and item.transcript.number == 1
    page = client.get(f"/disputes/{dispute.pk}/").content.decode()
    assert "risposta 3" in page and "risposta riscritta" not in page and "revision 1" in page
    client.force_login(reviewer)
    page = client.get(f"/calibration/{session.pk}/items/{item.pk}/score/").content.decode()
    assert "risposta 3" in page and "risposta riscritta" not in page and "revision 1" in page
    assert f"/interactions/{interaction.pk}/" not in page  # a blind session links to no page naming the agent


def test_the_scoring_screen_of_a_pinned_draft_shows_its_message_as_scored(
    client: Client, qa_lead, default_scorecard, reviewer
) -> None:
    lead = Client()
    lead.force_login(qa_lead)
    _api(lead, [_chat(1, messages=6)])
    _submitted_review("T-1001", reviewer, default_scorecard)
    interaction = Interaction.objects.get(external_id="T-1001")
    draft = review_create(
        interaction=interaction, actor=reviewer, scorecard_version=default_scorecard, message=interaction.messages.get(position=5)
    )
    status, _body = _api(lead, [_rewritten(messages=6)], "?new_revision=true")
    assert status == 200
    draft.refresh_from_db()
    assert draft.transcript is not None and draft.message.body == "risposta 5"
    client.force_login(reviewer)
    page = client.get(f"/reviews/{draft.pk}/edit/").content.decode()
    assert "risposta 1<" in page and "risposta riscritta" not in page and "revision 1" in page


def test_revision_summary_counts_changed_removed_and_added_messages() -> None:
    def msg(body: str) -> MessageIn:
        return MessageIn(author="customer", body=body)

    before = [("customer", None, None, body, True, "", "text", "", None, "", "") for body in ("a", "b", "c")]
    assert revision_summary(before, [msg("a"), msg("x")]) == "1 changed, 1 removed"
    assert revision_summary(before, [msg("a"), msg("b"), msg("c"), msg("d")]) == "1 added"
    assert revision_summary(before, [msg("z"), msg("b"), msg("y"), msg("d")]) == "2 changed, 1 added"


def test_the_import_page_revises_when_asked(
    settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any, qa_lead, default_scorecard, reviewer
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qadesk.imports.models import ImportUpload

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.DATA_DIR = tmp_path
    client = Client()
    client.force_login(qa_lead)

    def upload_and_run(row: dict[str, Any], **options: str) -> str:
        content = write_jsonl(tmp_path / "rows.jsonl", [row]).read_bytes()
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/imports/", {"file": SimpleUploadedFile("rows.jsonl", content)})
        upload = ImportUpload.objects.order_by("-pk").first()
        assert upload is not None
        preview = client.get(f"/imports/{upload.pk}/").content.decode()
        assert 'name="new_revision"' in preview and "Revise reviewed transcripts" in preview
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post(f"/imports/{upload.pk}/run/", {"mode": "all", **options})
        return client.get(answer.url).content.decode()

    upload_and_run(_chat(1, messages=4))
    review = _submitted_review("T-1001", reviewer, default_scorecard)
    upload_and_run(_rewritten(messages=3))
    assert not TranscriptRevision.objects.exists() and len(_current_bodies()) == 4  # refused: all or nothing
    upload_and_run(_rewritten(messages=3), new_revision="on")
    review.refresh_from_db()
    assert review.transcript is not None and review.transcript.message_count == 4 and len(_current_bodies()) == 3
