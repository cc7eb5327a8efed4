"""OpenTelemetry: with `OTEL_EXPORTER_OTLP_ENDPOINT` set, each request becomes a span sent to that OTLP/HTTP endpoint."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from jobmatch.app import create_app
from jobmatch.settings import Settings
from tests.auth import admin_headers


def test_requests_are_exported_as_spans_to_the_configured_endpoint(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch,
) -> None:
    received: list[tuple[str, bytes]] = []

    class Collector(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            received.append((self.path, self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "50")
    try:
        with TestClient(create_app(settings), headers=admin_headers()) as client:
            assert client.get("/v1/postings").status_code == 200
            deadline = time.monotonic() + 15
            while not any(b"/v1/postings" in body for _, body in received) and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        server.shutdown()
    assert any(path == "/v1/traces" and b"/v1/postings" in body for path, body in received)
