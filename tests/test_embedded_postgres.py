"""The embedded PostgreSQL starts in a data folder, serves, and stops when released."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg
import pytest

from jobmatch.db.embedded import embedded_postgres


def _postmaster_pid(pgdata: Path) -> int:
    return int((pgdata / "postmaster.pid").read_text().splitlines()[0])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_embedded_postgres_starts_serves_and_stops(tmp_path: Path) -> None:
    pgdata = tmp_path / "pgdata"
    with embedded_postgres(pgdata) as url:
        pid = _postmaster_pid(pgdata)
        with psycopg.connect(url) as connection:
            version = connection.execute("SHOW server_version_num").fetchone()
            configs = {row[0] for row in connection.execute("SELECT cfgname FROM pg_ts_config")}
        assert version is not None
        assert int(version[0]) >= 150000
        assert "norwegian" in configs
        assert _alive(pid)
    assert not (pgdata / "postmaster.pid").exists() or not _alive(pid)

    with embedded_postgres(pgdata) as url, psycopg.connect(url) as connection:
        assert connection.execute("SELECT 1").fetchone() == (1,)


def test_sigterm_to_serve_stops_the_embedded_postgres_too(tmp_path_factory: pytest.TempPathFactory) -> None:
    data_dir = tmp_path_factory.mktemp("serve")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {key: value for key, value in os.environ.items() if not key.startswith("JOBMATCH_")}
    env |= {"JOBMATCH_DATA_DIR": str(data_dir), "JOBMATCH_EMBEDDING_MODEL": "hashing", "JOBMATCH_DEMO_ON_EMPTY": "false"}
    serve = subprocess.Popen([sys.executable, "-m", "jobmatch", "serve", "--port", str(port)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("jobmatch serve did not come up")
        postmaster = _postmaster_pid(data_dir / "pgdata")
        assert _alive(postmaster)
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
    finally:
        if serve.poll() is None:
            serve.kill()
    for _ in range(100):
        if not _alive(postmaster):
            break
        time.sleep(0.1)
    assert not _alive(postmaster)
