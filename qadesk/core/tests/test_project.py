"""Project-wide guarantees: the committed OpenAPI document, env helpers, the console script."""

import json
import subprocess
import sys
from pathlib import Path

from qadesk.core.env import envbool, envint, envlist, envstr

ROOT = Path(__file__).resolve().parents[3]


def test_the_committed_openapi_document_matches_the_api(client, db) -> None:
    from qadesk.api import api

    committed = json.loads((ROOT / "docs" / "openapi.json").read_text())
    assert committed == json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1"))), "run `make openapi`"
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert set(served.json()["paths"]) == set(committed["paths"])


def test_env_helpers_read_files_and_types(monkeypatch, tmp_path) -> None:
    secret = tmp_path / "key"
    secret.write_text("from-file\n")
    monkeypatch.setenv("QX_KEY_FILE", str(secret))
    monkeypatch.setenv("QX_FLAG", "Yes")
    monkeypatch.setenv("QX_N", "12")
    monkeypatch.setenv("QX_LIST", "a, b,,c")
    assert envstr("QX_KEY", "default") == "from-file"
    assert envbool("QX_FLAG", False) is True
    assert envbool("QX_MISSING", True) is True
    assert envint("QX_N", 1) == 12
    assert envlist("QX_LIST", "") == ["a", "b", "c"]


def test_the_console_script_runs_django_commands(tmp_path) -> None:
    env = {"QADESK_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    qadesk = Path(sys.executable).with_name("qadesk")
    result = subprocess.run([str(qadesk), "help", "scorecard"], capture_output=True, text=True, env=env, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "YAML" in result.stdout
