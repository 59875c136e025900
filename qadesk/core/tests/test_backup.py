"""Backups restore (docs/deployment.md): `qadesk backup` copies a database holding data, the copy is restored into a
fresh database, and a fresh qadesk process finds the data there. SQLite (online backup API) and PostgreSQL
(pg_dump custom format, restored with pg_restore)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from qadesk.accounts.models import Role
from qadesk.accounts.services import api_token_create
from qadesk.testing import factories as f

COUNT = """
import json, django
django.setup()
from qadesk.accounts.models import ApiToken, User
from qadesk.interactions.models import Interaction, Message
i = Interaction.objects.get(external_id="BACKUP-1")
print(json.dumps({"users": sorted(User.objects.values_list("username", flat=True)), "tokens": ApiToken.objects.count(),
                  "messages": list(Message.objects.filter(interaction=i).order_by("position").values_list("body", flat=True))}))
"""
EXPECTED = {"users": ["elena", "zoe"], "tokens": 1, "messages": ["Il pacco è arrivato rotto", "Mi dispiace, rimborso subito"]}


def _data() -> None:
    lead = f.make_user("elena", Role.QA_LEAD)
    api_token_create(user=lead, name="nightly")
    agent = f.make_agent("zoe.m", f.make_team("Lyon"), f.make_user("zoe", Role.AGENT))
    messages = [("customer", "Il pacco è arrivato rotto"), ("agent", "Mi dispiace, rimborso subito")]
    f.make_interaction(agent, external_id="BACKUP-1", messages=messages)


def _read_with_qadesk(database_url: str, tmp_path: Path) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QADESK_")}
    env |= {"DJANGO_SETTINGS_MODULE": "qadesk.settings", "DATABASE_URL": database_url, "QADESK_DATA_DIR": str(tmp_path / "d")}
    done = subprocess.run([sys.executable, "-c", COUNT], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.django_db(transaction=True)
def test_a_sqlite_backup_restores_into_a_fresh_database(tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite backup: the suite runs on PostgreSQL (its own test below)")
    _data()
    backup = tmp_path / "qadesk-backup.sqlite3"
    call_command("backup", str(backup))
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    restored = tmp_path / "restored" / "qadesk.sqlite3"  # restore: put the file in place of the database (qadesk stopped)
    restored.parent.mkdir()
    shutil.copyfile(backup, restored)
    assert _read_with_qadesk(f"sqlite:///{restored}", tmp_path) == EXPECTED


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_into_a_fresh_database(tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL backup: run the suite with DATABASE_URL=postgres://… (the SQLite test covers this run)")
    if not shutil.which("pg_restore"):
        pytest.skip("pg_restore is not installed (apt install postgresql-client)")
    _data()
    backup = tmp_path / "qadesk.dump"
    call_command("backup", str(backup))
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    params = connection.get_connection_params()
    fresh = f"qadesk_restore_{uuid.uuid4().hex[:10]}"
    server = {k: params[k] for k in ("host", "port", "user", "password") if params.get(k)}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        env = {**os.environ, "PGPASSWORD": str(params.get("password") or "")}
        command = ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", fresh, str(backup)]
        command += [
            f"--{name}={server[key]}" for name, key in (("host", "host"), ("port", "port"), ("username", "user")) if key in server
        ]
        subprocess.run(command, env=env, check=True, capture_output=True)
        auth = f"{server.get('user', '')}:{server.get('password', '')}@" if server.get("user") else ""
        url = f"postgres://{auth}{server.get('host', 'localhost')}:{server.get('port', 5432)}/{fresh}"
        assert _read_with_qadesk(url, tmp_path) == EXPECTED
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


@pytest.mark.django_db
def test_the_backup_refuses_to_overwrite_a_file(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    existing = tmp_path / "x"
    existing.write_text("keep me")
    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(existing))
    assert existing.read_text() == "keep me"
