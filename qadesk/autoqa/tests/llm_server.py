"""A local stand-in for an OpenAI-compatible chat-completions server (tests only): a threaded http.server on
127.0.0.1 at a random port that answers in the documented format (fixtures/chat_completions.yaml), counts and keeps
the requests, and plays a script of behaviours: "ok", "slow" (sleeps longer than the client waits), "malformed"
(content that is not JSON), "not_json" (a body that is not JSON), "429" (with Retry-After), "401"."""

from __future__ import annotations

import contextlib
import copy
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

FIXTURE = yaml.safe_load((Path(__file__).parent / "fixtures" / "chat_completions.yaml").read_text(encoding="utf-8"))


class StandIn(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.script: list[str] = []
        self.answer: dict[str, Any] = json.loads(FIXTURE["response"]["choices"][0]["message"]["content"])
        self.retry_after = "1"
        self.slow = 2.0
        self.requests: list[dict[str, Any]] = []  # {"path", "headers", "json", "at"}
        self.lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def next_behaviour(self) -> str:
        with self.lock:
            return self.script.pop(0) if self.script else "ok"


class Handler(BaseHTTPRequestHandler):
    server: StandIn

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with self.server.lock:
            self.server.requests.append(
                {"path": self.path, "headers": dict(self.headers), "json": json.loads(raw), "at": time.monotonic()}
            )
        behaviour = self.server.next_behaviour()
        if self.path != "/v1/chat/completions":
            return self._send(404, b'{"error": {"message": "not found"}}')
        if behaviour == "slow":
            time.sleep(self.server.slow)
        if behaviour == "429":
            body = json.dumps(FIXTURE["rate_limited"]["body"]).encode()
            return self._send(429, body, {"Retry-After": self.server.retry_after})
        if behaviour == "401":
            return self._send(401, b'{"error": {"message": "Incorrect API key provided", "code": "invalid_api_key"}}')
        if behaviour == "not_json":
            return self._send(200, b"<html>gateway</html>")
        response = copy.deepcopy(FIXTURE["response"])
        content = "Sure! The agent failed." if behaviour == "malformed" else json.dumps(self.server.answer)
        response["choices"][0]["message"]["content"] = content
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up waiting ("slow")
            self._send(200, json.dumps(response).encode())


@contextmanager
def stand_in() -> Iterator[StandIn]:
    server = StandIn()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
