"""A small JSON-over-HTTP client for the helpdesk APIs: keep-alive, 429/Retry-After and back-off honoured, capped.

Standard library only (http.client): one persistent connection per connector sync. A 429 or 503 waits what the
`Retry-After` header says (seconds or an HTTP date), at most `max_wait`; other 5xx answers and dropped
connections wait 1, 2, 4 … seconds (capped the same). After `attempts` tries the sync stops with an error and
the next one resumes from the saved cursor.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from qadesk.core.env import envstr
from qadesk.core.errors import ApplicationError

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def configured_max_wait() -> float:
    """The longest single wait for a rate limit or a back-off, in seconds: CONNECTOR_MAX_WAIT (env QADESK_CONNECTOR_MAX_WAIT)."""
    return float(getattr(settings, "CONNECTOR_MAX_WAIT", None) or envstr("QADESK_CONNECTOR_MAX_WAIT", "120"))


class ConnectorError(ApplicationError):
    """The helpdesk could not be read: refused, unreachable, rate limited for too long, or a malformed answer."""


class NotFound(ConnectorError):
    """The record is gone (404): deleted at the helpdesk."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    data: Any


@dataclass
class HttpClient:
    base_url: str
    headers: dict[str, str]
    attempts: int = 6
    max_wait: float = field(default_factory=lambda: configured_max_wait())
    timeout: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0
    waited: float = 0.0
    _conn: http.client.HTTPConnection | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ConnectorError(_("The connector's address must start with https://"))
        if parts.scheme == "http" and parts.hostname not in LOOPBACK:
            raise ConnectorError(_("The connector's address must start with https:// (plain http only for this machine)."))
        self._scheme, self._netloc = parts.scheme, parts.netloc

    def copy(self) -> HttpClient:
        """A client like this one on its own connection (for requests made at the same time from another thread)."""
        return HttpClient(
            base_url=self.base_url,
            headers=dict(self.headers),
            attempts=self.attempts,
            max_wait=self.max_wait,
            timeout=self.timeout,
            sleep=self.sleep,
        )

    def get(self, path: str, params: dict[str, Any] | None = None) -> Response:
        return self.request("GET", path, params=params)

    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None) -> Response:
        """Send a request (a path, or a full URL on the same host as a vendor's `next` link) and decode its JSON."""
        url = self._target(path, params)
        payload = json.dumps(body).encode() if body is not None else None
        headers = {**self.headers, "Accept": "application/json"}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        for attempt in range(1, self.attempts + 1):
            try:
                status, answer_headers, raw = self._send(method, url, payload, headers)
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                if attempt == self.attempts:
                    raise ConnectorError(_("Cannot reach the helpdesk: {error}").format(error=exc)) from exc
                self._wait(2.0 ** (attempt - 1))
                continue
            if status in (429, 503) or status >= 500:
                if attempt == self.attempts:
                    raise ConnectorError(
                        _("The helpdesk answered {status} {attempts} times; giving up for now.").format(
                            status=status, attempts=self.attempts
                        )
                    )
                retry_after = _retry_after(answer_headers.get("retry-after"))
                self._wait(retry_after if retry_after is not None else 2.0 ** (attempt - 1))
                continue
            return self._decoded(status, answer_headers, raw, url)
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _target(self, path: str, params: dict[str, Any] | None) -> str:
        if path.startswith(("http://", "https://")):
            parts = urlsplit(path)
            if parts.netloc != self._netloc:  # a `next` link elsewhere would carry our credentials there
                raise ConnectorError(_("The helpdesk pointed to another host: {host}").format(host=parts.netloc))
            path = parts.path + (f"?{parts.query}" if parts.query else "")
        url = path if path.startswith("/") else urljoin("/", path)  # urljoin cost ~10 % of a request's CPU
        if params:
            url += ("&" if "?" in url else "?") + urlencode({k: v for k, v in params.items() if v is not None})
        return url

    def _send(self, method: str, url: str, payload: bytes | None, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if self._conn is None:
            kind = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
            self._conn = kind(self._netloc, timeout=self.timeout)
        self.requests += 1
        self._conn.request(method, url, body=payload, headers=headers)
        answer = self._conn.getresponse()
        raw = answer.read()
        if answer.getheader("connection", "").lower() == "close":
            self.close()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, raw

    def _decoded(self, status: int, headers: dict[str, str], raw: bytes, url: str) -> Response:
        if status == 404:
            raise NotFound(_("Not found at the helpdesk: {url}").format(url=url))
        if status in (401, 403):
            raise ConnectorError(_("The helpdesk refused the credentials ({status}).").format(status=status))
        if status >= 400:
            raise ConnectorError(_("The helpdesk answered {status} to {url}.").format(status=status, url=url))
        try:
            data = json.loads(raw) if raw else None
        except ValueError as exc:
            raise ConnectorError(_("The helpdesk sent a malformed page ({url}): {error}").format(url=url, error=exc)) from exc
        return Response(status=status, headers=headers, data=data)

    def _wait(self, seconds: float) -> None:
        seconds = max(0.0, min(seconds, self.max_wait))
        self.waited += seconds
        self.sleep(seconds)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return (parsedate_to_datetime(value) - timezone.now()).total_seconds()
    except (TypeError, ValueError):
        return None
