"""The embedded PostgreSQL starts in a data folder, serves, and stops when released."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg

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
