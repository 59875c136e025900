"""The data directory holds secrets (the generated secret key) and, by default, the SQLite database: only the account
qadesk runs as may read them. Files are created 0600 and the directory 0700 whatever the umask; files an older
version left readable by everyone (0644) are tightened when qadesk starts."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: Path) -> Path:
    """Create the directory 0700 if it is missing (an existing one is left as its owner set it)."""
    if not path.exists():
        path.mkdir(parents=True, mode=PRIVATE_DIR)
        os.chmod(path, PRIVATE_DIR)  # mkdir's mode is masked by the umask
    return path


def private_file(path: Path, content: str | None = None) -> Path:
    """Create the file 0600 (with `content`, or empty) if it is missing, or take group and other access away."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            os.chmod(path, PRIVATE_FILE)
        return path
    with os.fdopen(fd, "w") as stream:
        if content:
            stream.write(content)
    os.chmod(path, PRIVATE_FILE)  # os.open's mode is masked by the umask too (never widened, but be explicit)
    return path


def private_sqlite(path: Path) -> None:
    """Create the SQLite database file 0600 before SQLite opens it: SQLite gives its -wal and -shm files the database
    file's permissions, so they are private too. Left-over -wal/-shm files of an older install are tightened."""
    private_file(path)
    for suffix in ("-wal", "-shm", "-journal"):
        sibling = path.with_name(path.name + suffix)
        if sibling.exists() and sibling.stat().st_mode & 0o077:
            os.chmod(sibling, PRIVATE_FILE)
