"""`qadesk backup FILE`: a consistent copy of the database while qadesk runs (docs/deployment.md: Backups).

SQLite: SQLite's online backup API (as `sqlite3 qadesk.sqlite3 ".backup FILE"` does), so writes in progress neither
block nor corrupt the copy; the copy is an ordinary database file. PostgreSQL: `pg_dump --format=custom`, restored with
`pg_restore`. The file is created readable by its owner only (it holds password hashes and every conversation).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from qadesk.core.datadir import PRIVATE_FILE


class Command(BaseCommand):
    help = "Back the database up into FILE while qadesk runs (SQLite: online backup; PostgreSQL: pg_dump custom format)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        if file.exists():
            raise CommandError(f"{file} exists: back up into a new file.")
        old_umask = os.umask(0o077)
        try:
            if connection.vendor == "sqlite":
                self._sqlite(file)
            elif connection.vendor == "postgresql":
                self._postgresql(file)
            else:
                raise CommandError(f"No backup for the {connection.vendor} database: use its own tools.")
        finally:
            os.umask(old_umask)
        os.chmod(file, PRIVATE_FILE)
        self.stdout.write(f"Backed up to {file} ({file.stat().st_size:,} bytes).")

    def _sqlite(self, file: Path) -> None:
        connection.ensure_connection()
        target = sqlite3.connect(file)
        try:
            connection.connection.backup(target)  # type: ignore[union-attr]
        finally:
            target.close()

    def _postgresql(self, file: Path) -> None:
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise CommandError("pg_dump is not installed (Debian/Ubuntu: apt install postgresql-client).")
        params = connection.get_connection_params()
        env = {**os.environ, "PGPASSWORD": str(params.get("password") or os.environ.get("PGPASSWORD", ""))}
        command = [pg_dump, "--format=custom", "--no-owner", "--file", str(file), "--dbname", str(params.get("dbname") or "")]
        for option, key in (("--host", "host"), ("--port", "port"), ("--username", "user")):
            if params.get(key):
                command += [option, str(params[key])]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 (pg_dump, our arguments)
        if done.returncode != 0:
            file.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {done.stderr.strip()}")
