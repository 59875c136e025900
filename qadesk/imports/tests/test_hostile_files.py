"""Files testers made to break the import: each problem is named by line and field, or refused for the whole file with
one clear reason; nothing half-written, and with --skip-invalid the valid rows still go in.

Through the command (call_command), the upload API and, for the line readers, at unit level.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from qadesk.accounts.services import api_token_create
from qadesk.core.inputs import MAX_JSON_DEPTH
from qadesk.imports.parsers import csv_rows, json_record, jsonl_rows
from qadesk.imports.services import interactions_import_file
from qadesk.imports.tests.helpers import record
from qadesk.interactions.models import Interaction

pytestmark = pytest.mark.django_db


def line(rec: dict[str, Any]) -> bytes:
    return json.dumps(rec, ensure_ascii=False).encode() + b"\n"


def import_bytes(data: bytes, name: str = "x.jsonl", **options: Any) -> Any:
    return interactions_import_file(path_or_stream=io.BytesIO(data), fmt=None if "." in name else "jsonl", **options)


def run(tmp_path: Path, data: bytes, name: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[str, str]:
    path = tmp_path / name
    path.write_bytes(data)
    try:
        call_command("qimport", "interactions", str(path), *args)
    except CommandError as exc:
        out = capsys.readouterr()
        return out.out, out.err + str(exc)
    out = capsys.readouterr()
    return out.out, out.err


LATIN1_SUBJECT = (
    b'{"external_id": "T-9", "source": "zendesk", "channel": "email", "subject": "Caf\xe9", '
    b'"created_at": "2026-10-01T09:00:00Z"}\n'
)


# --- Unit: the line readers -------------------------------------------------------------------------------------------


def test_it_names_the_byte_and_position_of_a_line_that_is_not_utf8() -> None:
    found = json_record(b'{"subject": "Caf\xe9"}')
    assert found.message == "not valid UTF-8 text (byte 0xe9 at position 17)"  # type: ignore[union-attr]


def test_it_refuses_json_nested_too_deep_without_a_traceback() -> None:
    assert "nested deeper than" in json_record("[" * 100_000 + "]" * 100_000).message  # type: ignore[union-attr]
    assert isinstance(json_record(json.dumps({"x": [[[[0]]]]})), dict)  # a few levels: fine
    nested: Any = 0
    for _ in range(MAX_JSON_DEPTH + 1):
        nested = [nested]
    assert "nested deeper than" in json_record(json.dumps({"x": nested})).message  # type: ignore[union-attr]


def test_it_reads_lines_as_bytes_and_strips_a_byte_order_mark() -> None:
    rows = list(jsonl_rows(io.BytesIO(b"\xef\xbb\xbf" + line(record(1)) + b"\n" + line(record(2)))))
    assert [number for number, _raw in rows] == [1, 3]
    assert json.loads(rows[0][1])["external_id"] == "T-1001"


def test_a_csv_line_that_is_not_utf8_is_one_bad_row_named_by_its_line() -> None:
    data = (
        b"external_id,source,channel,created_at,subject\n"
        b"T-1,z,email,2026-10-01T09:00:00Z,ok\n"
        b"T-2,z,email,2026-10-01T09:00:00Z,caf\xe9\n"
        b"T-3,z,email,2026-10-01T09:00:00Z,ok\n"
    )
    rows = list(csv_rows(io.BytesIO(data)))
    assert [number for number, _row in rows] == [2, 3, 4]
    assert rows[1][1].message == "not valid UTF-8 text (byte 0xe9 at position 37)"  # type: ignore[union-attr]


# --- JSON Lines through the command -----------------------------------------------------------------------------------


def test_a_latin1_line_is_reported_by_line_and_nothing_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _out, err = run(tmp_path, line(record(1)) + LATIN1_SUBJECT + line(record(3)), "x.jsonl", capsys)
    assert "line 2: not valid UTF-8 text (byte 0xe9 at position 80)" in err
    assert "Nothing was imported" in err
    assert Interaction.objects.count() == 0


def test_skip_invalid_imports_the_valid_rows_around_an_undecodable_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, err = run(
        tmp_path,
        line(record(1)) + LATIN1_SUBJECT + b"\xff\xfe\xfa binary junk\n" + line(record(4)),
        "x.jsonl",
        capsys,
        "--skip-invalid",
    )
    assert "created 2, updated 0, unchanged 0, skipped 2" in out
    assert "line 3: not valid UTF-8 text (byte 0xff at position 1)" in err
    assert sorted(Interaction.objects.values_list("external_id", flat=True)) == ["T-1001", "T-1004"]


@pytest.mark.parametrize(
    ("rec", "where"),
    [
        (record(1, subject="Rimborso\x00"), "line 1: subject: must not contain a null character"),
        (record(1, customer="C-\x00"), "line 1: customer: must not contain a null character"),
        (
            record(1, messages=[{"author": "customer", "body": "a\x00b"}]),
            "line 1: messages[0].body: must not contain a null character",
        ),
    ],
)
def test_a_null_character_in_any_field_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str], rec: Any, where: str) -> None:
    _out, err = run(tmp_path, line(rec), "x.jsonl", capsys)
    assert where in err
    assert Interaction.objects.count() == 0


def test_a_raw_null_byte_on_a_line_is_reported_for_that_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _out, err = run(tmp_path, line(record(1)) + b'{"a": "\x00"}\n', "x.jsonl", capsys, "--skip-invalid")
    assert "line 2: a null character is not allowed" in err


def test_a_line_nested_100000_levels_deep_is_one_invalid_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000 + b"\n"
    out, err = run(tmp_path, deep + line(record(2)), "x.jsonl", capsys, "--skip-invalid")
    assert f"line 1: JSON nested deeper than {MAX_JSON_DEPTH} levels" in err
    assert "created 1" in out


def test_a_lone_surrogate_is_refused_by_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = line(record(1)).replace(b'"Rimborso ordine"', b'"\\ud800"')
    _out, err = run(tmp_path, data, "x.jsonl", capsys)
    assert "line 1: subject: is not valid Unicode text" in err


# --- Whole files that cannot be read -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("x.jsonl.gz", line(record(1)), "not gzip-compressed"),
        ("x.jsonl.gz", gzip.compress(line(record(1)) * 50)[:-30], "gzip file is damaged"),
        ("x.jsonl.gz", b"\x1f\x8b\x08\x00garbage-garbage-garbage", "gzip file is damaged"),
        ("x.jsonl", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not text"),
        ("x.csv", "external_id,source\n".encode("utf-16"), "UTF-16"),
    ],
)
def test_a_file_that_cannot_be_read_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, reason: str
) -> None:
    _out, err = run(tmp_path, data, name, capsys)
    assert reason in err
    assert "Traceback" not in err
    assert Interaction.objects.count() == 0


def test_a_gzip_file_is_read_whatever_its_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, _err = run(tmp_path, gzip.compress(line(record(1))), "x.jsonl", capsys)
    assert "created 1" in out


def test_a_csv_without_its_header_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = b"T-1,zendesk,email,2026-10-01T09:00:00Z\nT-2,zendesk,email,2026-10-01T09:00:00Z\n"
    _out, err = run(tmp_path, data, "x.csv", capsys)
    assert (
        "The first line must be the header (the column names): missing columns external_id, source, channel, created_at." in err
    )
    assert "line 2" not in err


def test_a_csv_with_a_latin1_line_imports_the_rest_with_skip_invalid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = (
        b"external_id,source,channel,created_at,subject\r\n"
        b"T-1,zendesk,email,2026-10-01T09:00:00Z,ok\r\n"
        b"T-2,zendesk,email,2026-10-01T09:00:00Z,caf\xe9\r\n"
        b'T-3,zendesk,email,2026-10-01T09:00:00Z,"two\r\nlines"\r\n'
        b"T-4,zendesk,email,2026-10-01T09:00:00Z,nul\x00\r\n"
    )
    out, err = run(tmp_path, data, "x.csv", capsys, "--skip-invalid")
    assert "created 2, updated 0, unchanged 0, skipped 2" in out
    assert "line 3: not valid UTF-8 text (byte 0xe9 at position 43)" in err
    assert "line 6: must not contain a null character" in err
    assert Interaction.objects.get(external_id="T-3").subject == "two\r\nlines"


# --- The upload API: the same reasons, as 4xx -------------------------------------------------------------------------


@pytest.fixture
def lead_api(qa_lead: Any) -> Client:
    _token, key = api_token_create(user=qa_lead, name="upload")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}", raise_request_exception=False)


def upload(client: Client, name: str, data: bytes, **query: Any) -> Any:
    url = "/api/v1/imports/interactions/file" + ("?skip_invalid=true" if query.get("skip_invalid") else "")
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def test_the_upload_names_the_line_that_is_not_utf8(lead_api: Client) -> None:
    response = upload(lead_api, "x.jsonl", line(record(1)) + LATIN1_SUBJECT)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"line": 2, "field": "", "message": "not valid UTF-8 text (byte 0xe9 at position 80)"}]


def test_the_upload_with_skip_invalid_imports_the_valid_rows(lead_api: Client) -> None:
    response = upload(lead_api, "x.jsonl", line(record(1)) + LATIN1_SUBJECT + line(record(3)), skip_invalid=True)
    assert response.status_code == 200
    assert (response.json()["created"], response.json()["skipped"]) == (2, 1)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("x.jsonl.gz", b"\x1f\x8b\x08\x00garbage-garbage-garbage"),
        ("x.jsonl", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("x.csv", b"T-1,zendesk,email,2026-10-01T09:00:00Z\n"),
    ],
)
def test_the_upload_refuses_an_unreadable_file_with_a_reason(lead_api: Client, name: str, data: bytes) -> None:
    response = upload(lead_api, name, data)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert Interaction.objects.count() == 0


def test_the_upload_reads_a_gzipped_json_lines_file(lead_api: Client) -> None:
    response = upload(lead_api, "x.jsonl.gz", gzip.compress(line(record(1)) + line(record(2))))
    assert (response.status_code, response.json()["created"]) == (200, 2)


def test_the_upload_names_a_null_character_in_a_field(lead_api: Client) -> None:
    response = upload(lead_api, "x.jsonl", line(record(1, subject="a\x00")))
    assert response.status_code == 422
    assert response.json()["errors"][0] == {"line": 1, "field": "subject", "message": "must not contain a null character"}
