"""A local stand-in for a helpdesk API, started by a test in a thread: serves fixture files per route, in order.

A route is (method, path, match): `match` holds query parameters (or, for a JSON POST body, `starting_after` and
`value` found in it) that must all be present. Each route answers its responses in turn, the last one again and
again. Absolute links to the vendor's host in a fixture are rewritten to the stand-in's address. Every request
is logged (method, path, query) so a test can say what was asked for, and in which order.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"
VENDOR_HOSTS = ("https://acme.zendesk.com", "https://acme.freshdesk.com", "https://api.intercom.io")


@dataclass
class Answer:
    status: int = 200
    fixture: str | None = None  # a file under fixtures/
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


def ok(fixture: str, **headers: str) -> Answer:
    return Answer(fixture=fixture, headers=headers)


@dataclass
class Route:
    method: str
    path: str
    match: dict[str, str]
    answers: list[Answer]
    served: int = 0


class StandIn:
    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.log: list[tuple[str, str, dict[str, str]]] = []
        self.dynamic: Callable[[str, str, dict[str, str]], tuple[int, dict[str, str], bytes] | None] | None = None
        self.url = ""

    def route(self, method: str, path: str, *answers: Answer, **match: str) -> None:
        self.routes.insert(0, Route(method, path, match, list(answers)))  # the latest route declared wins

    def answer(self, method: str, target: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(target)
        params = dict(parse_qsl(parts.query))
        if body:
            search = json.loads(body)
            params["starting_after"] = str((search.get("pagination") or {}).get("starting_after") or "")
            params["value"] = str((search.get("query") or {}).get("value"))
        self.log.append((method, parts.path, params))
        if self.dynamic is not None:
            found = self.dynamic(method, parts.path, params)
            if found is not None:
                return found
        for route in self.routes:
            if route.method == method and route.path == parts.path and all(params.get(k) == v for k, v in route.match.items()):
                answer = route.answers[min(route.served, len(route.answers) - 1)]
                route.served += 1
                data = answer.body if answer.body is not None else (FIXTURES / (answer.fixture or "")).read_bytes()
                for host in VENDOR_HOSTS:
                    data = data.replace(host.encode(), self.url.encode())
                headers = {k: v.replace("{url}", self.url) for k, v in answer.headers.items()}
                return answer.status, headers, data
        return 404, {}, b'{"error": "RecordNotFound"}'

    def requests_to(self, path: str) -> list[dict[str, str]]:
        return [params for _method, logged, params in self.log if logged == path]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the client expects
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms wait for the ACK between them
    server: _Server

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.auth.append(self.headers.get("Authorization", ""))
        status, headers, data = self.server.standin.answer(self.command, self.path, body)
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _serve

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    standin: StandIn
    auth: list[str]


@contextmanager
def running(standin: StandIn) -> Iterator[_Server]:
    """Serve `standin` on 127.0.0.1 (a free port) in a thread for the duration of the block."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.standin, server.auth = standin, []
    standin.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
