"""Deployment hardening from environment variables, checked in a fresh process as an install would start: HTTPS
settings, the proxy header, security headers, and private data-directory files."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

SHOW = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name, None) for name in (
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER", "QADESK_PROXY_COUNT")}))
"""


def settings_with(tmp_path: Path, **env: str) -> dict[str, object]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("QADESK_") and k != "DATABASE_URL"}
    environ |= {"DJANGO_SETTINGS_MODULE": "qadesk.settings", "QADESK_DATA_DIR": str(tmp_path / "data"), **env}
    done = subprocess.run([sys.executable, "-c", SHOW], env=environ, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_plain_http_by_default(tmp_path: Path) -> None:
    assert settings_with(tmp_path) == {
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "QADESK_PROXY_COUNT": 0,
    }


def test_qadesk_https_secures_cookies_and_sends_a_year_of_hsts(tmp_path: Path) -> None:
    seen = settings_with(tmp_path, QADESK_HTTPS="true")
    assert (seen["SESSION_COOKIE_SECURE"], seen["CSRF_COOKIE_SECURE"], seen["SECURE_HSTS_SECONDS"]) == (True, True, 31_536_000)
    assert (seen["SECURE_HSTS_PRELOAD"], seen["SECURE_SSL_REDIRECT"]) == (False, False)
    seen = settings_with(tmp_path, QADESK_HTTPS="1", QADESK_HSTS_SECONDS="600", QADESK_SSL_REDIRECT="yes", QADESK_PROXY_COUNT="1")
    assert (seen["SECURE_HSTS_SECONDS"], seen["SECURE_SSL_REDIRECT"]) == (600, True)
    assert seen["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.django_db
def test_behind_a_proxy_https_requests_get_hsts_and_secure_cookies(client: Client, settings, reviewer) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    response = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    assert response.cookies["csrftoken"]["secure"] is True
    assert "Strict-Transport-Security" not in client.get("/login/")  # plain HTTP: no HSTS


@pytest.mark.django_db
def test_every_page_carries_the_security_headers(client: Client, reviewer) -> None:
    client.force_login(reviewer)
    response = client.get("/interactions/")
    policy = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert (response["X-Content-Type-Options"], response["X-Frame-Options"], response["Referrer-Policy"]) == (
        "nosniff",
        "DENY",
        "same-origin",
    )


OPEN_DATABASE = """
import json, os, django
django.setup()
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:  # WAL: the -wal and -shm files exist while the connection is open
    cursor.execute("CREATE TABLE t (x integer)")
    cursor.execute("INSERT INTO t VALUES (1)")
    data = settings.DATA_DIR
    print(json.dumps({p.name: oct(os.stat(p).st_mode & 0o777) for p in [data, *data.iterdir()]}))
"""


def test_the_data_directory_and_its_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    data = tmp_path / "data"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("QADESK_") and k != "DATABASE_URL"}
    environ |= {"DJANGO_SETTINGS_MODULE": "qadesk.settings", "QADESK_DATA_DIR": str(data)}
    old = os.umask(0o022)
    try:
        done = subprocess.run([sys.executable, "-c", OPEN_DATABASE], env=environ, capture_output=True, text=True, check=True)
    finally:
        os.umask(old)
    assert json.loads(done.stdout) == {
        "data": "0o700",
        "secret_key": "0o600",
        "qadesk.sqlite3": "0o600",
        "qadesk.sqlite3-wal": "0o600",
        "qadesk.sqlite3-shm": "0o600",
    }


def test_files_an_older_version_left_readable_are_tightened(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("secret_key", "qadesk.sqlite3", "qadesk.sqlite3-wal"):
        (data / name).write_text("x" * 50 if name == "secret_key" else "")
        (data / name).chmod(0o644)
    settings_with(tmp_path)
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in data.iterdir()} == {
        "secret_key": 0o600,
        "qadesk.sqlite3": 0o600,
        "qadesk.sqlite3-wal": 0o600,
    }
