"""Tiny typed readers for settings that come from environment variables."""

import os
from pathlib import Path


def envstr(name: str, default: str) -> str:
    """Return the variable, or the content of the file named by NAME_FILE, or the default."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    """Read a yes/no variable: 1, true, yes and on (any case) count as true."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    """Read an integer variable."""
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def envlist(name: str, default: str) -> list[str]:
    """Read a comma-separated list, dropping empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]
