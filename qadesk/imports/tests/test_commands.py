"""`qadesk import interactions FILE` through call_command and through the console script's entry point."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from qadesk import cli
from qadesk.imports.tests.helpers import record, write_jsonl
from qadesk.interactions.models import Interaction

pytestmark = pytest.mark.django_db


def test_it_imports_a_file_and_prints_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_jsonl(tmp_path / "x.jsonl", [record(1), record(2)])
    call_command("qimport", "interactions", str(path), "--batch-size", "1")
    assert "created 2, updated 0, unchanged 0, skipped 0" in capsys.readouterr().out
    assert Interaction.objects.count() == 2


def test_a_broken_file_prints_each_error_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = record(2, messages=[{"author": "customer", "body": "ok"}, {"author": "robot", "body": "x"}])
    path = write_jsonl(tmp_path / "x.jsonl", [record(1), bad])
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("qimport", "interactions", str(path))
    assert "line 2: messages[1].author: 'robot' is not one of" in capsys.readouterr().err
    assert Interaction.objects.count() == 0


def test_skip_invalid_through_the_console_script(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connections, "close_all", lambda: None)  # run_from_argv closes connections; keep the test's
    path = tmp_path / "export.data"
    write_jsonl(path, [record(1), record(2, channel="fax")])
    cli.main(["import", "interactions", str(path), "--format", "jsonl", "--skip-invalid"])
    output = capsys.readouterr()
    assert "created 1, updated 0, unchanged 0, skipped 1" in output.out
    assert "line 2: channel:" in output.err
    assert Interaction.objects.count() == 1


def test_an_unknown_extension_or_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot tell the format"):
        call_command("qimport", "interactions", str(tmp_path / "x.txt"))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("qimport", "interactions", str(tmp_path / "missing.jsonl"))
