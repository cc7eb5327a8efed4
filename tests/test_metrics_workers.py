"""`/metrics` under `jobmatch serve --workers 2`: every worker's requests are counted, whichever worker answers the scrape."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from sqlalchemy import Engine

from tests.metrics_support import value

REQUESTS = 40


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_two_workers_report_every_request(database_url: str, engine: Engine, tmp_path: Path) -> None:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("JOBMATCH_", "PROMETHEUS_"))}
    env |= {"JOBMATCH_DATABASE_URL": database_url, "JOBMATCH_DATA_DIR": str(tmp_path), "JOBMATCH_ENVIRONMENT": "test",
            "JOBMATCH_EMBEDDING_MODEL": "hashing", "HF_HUB_OFFLINE": "1"}
    server = subprocess.Popen([sys.executable, "-m", "jobmatch", "serve", "--workers", "2", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("the server did not start")
        for _ in range(REQUESTS):
            assert get(f"{base}/v1/index")[0] == 401
        # Several scrapes, likely answered by different workers: each one sees all requests.
        counts = {value(get(f"{base}/metrics")[1], "jobmatch_http_request_duration_seconds_count", route="/v1/index", status="401")
                  for _ in range(6)}
        assert counts == {REQUESTS}
        assert any((tmp_path / "prometheus").iterdir())
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        _, stderr = server.communicate(timeout=30)
    assert "Traceback" not in stderr, stderr
