"""jobmatch as a user meets it, for benchmarks/quality.py: a live `jobmatch serve` on a scratch PostgreSQL database.

Postings go in through `POST /v1/postings/import`, the index is built by `jobmatch reindex`, each seeker creates their own
profile with `POST /v1/seekers` and reads `GET /v1/seekers/{id}/matches`. Nothing of the engine is imported.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

from jobmatch.auth import dev

JOBMATCH = [sys.executable, "-m", "jobmatch"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def reset_database(url: str) -> None:
    """Drop and recreate the public schema: the database named must be a scratch one."""
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
        connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
        connection.execute("CREATE SCHEMA public")


class Jobmatch:
    """A running server and what it takes to speak to it as the admin, the importer and any seeker."""

    def __init__(self, url: str, env: dict[str, str], data_dir: Path) -> None:
        self.url, self.env, self.data_dir = url, env, data_dir
        self.keys = dev.ensure_dev_keys(data_dir)
        self.http = httpx.Client(base_url=url, timeout=600)
        self.admin = self.headers("admin", None)

    def headers(self, role: str, subject: str | None, scopes: list[str] | None = None) -> dict[str, str]:
        claims = dev.dev_claims(role, subject=subject, scopes=scopes)
        return {"Authorization": f"Bearer {dev.mint(self.keys.private_pem, claims, ttl_seconds=6 * 3600)}"}

    def cli(self, *args: str) -> str:
        done = subprocess.run([*JOBMATCH, *args], env=self.env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"jobmatch {' '.join(args)} exited {done.returncode}: {done.stderr[-2000:]}")
        return done.stdout

    def import_postings(self, bodies: list[dict[str, Any]]) -> dict[str, int]:
        """Import through the API (expiring in 90 days), then map each external_id to the id the service gave it."""
        expires = (datetime.now(UTC) + timedelta(days=90)).isoformat()
        ndjson = "".join(json.dumps({**body, "expires_at": expires}, ensure_ascii=False) + "\n" for body in bodies)
        writer = self.headers("service", "quality-benchmark", ["postings:write"])
        response = self.http.post("/v1/postings/import", content=ndjson.encode("utf-8"),
                                  headers={**writer, "Content-Type": "application/x-ndjson"})
        response.raise_for_status()
        report = response.json()
        if report["rejected"]:
            raise RuntimeError(f"import rejected lines: {report['rejected_lines'][:3]}")
        ids: dict[str, int] = {}
        cursor = None
        while True:
            page = self.http.get("/v1/postings", params={"limit": 200, **({"cursor": cursor} if cursor else {})}, headers=self.admin)
            page.raise_for_status()
            found = page.json()
            ids.update({item["external_id"]: item["id"] for item in found["items"]})
            cursor = found["next_cursor"]
            if not cursor:
                return ids

    def reindex(self, expected: int) -> dict[str, Any]:
        """`jobmatch reindex`, then wait until the server serves the new version with every posting."""
        started = time.perf_counter()
        self.cli("reindex")
        while time.perf_counter() - started < 1200:
            status = self.http.get("/v1/index", headers=self.admin).json()
            if status["version"] and status["version"] == status["current_version"] and status["posting_count"] >= expected:
                log(f"index {status['version']}: {status['posting_count']} postings, model {status['model_id']}, "
                    f"{time.perf_counter() - started:.0f} s")
                return dict(status)
            time.sleep(1)
        raise RuntimeError("the server did not pick up the new index version")

    def ranked(self, key: str, profile: dict[str, Any], limit: int) -> list[int]:
        """The seeker (subject `quality-<key>`) creates their profile and reads their first `limit` matches."""
        own = self.headers("seeker", f"quality-{key}")
        created = self.http.post("/v1/seekers", json=profile, headers=own)
        if created.status_code != 201:
            raise RuntimeError(f"seeker {key}: {created.status_code} {created.text[:500]}")
        seeker_id = created.json()["id"]
        matches = self.http.get(f"/v1/seekers/{seeker_id}/matches", params={"limit": limit}, headers=own)
        matches.raise_for_status()
        return [int(item["posting_id"]) for item in matches.json()["items"]]


@contextmanager
def serve(database_url: str, *, model: str | None, query_prefix: str, passage_prefix: str,
          geonames: Path | None, keep_database: bool = False) -> Iterator[Jobmatch]:
    """A fresh schema in `database_url` (or the one there, migrated), a data folder of its own, and `jobmatch serve` on a
    free port until the block ends. Keeping the database keeps the stored vectors, so a rerun embeds only what changed."""
    if not keep_database:
        reset_database(database_url)
    with tempfile.TemporaryDirectory(prefix="jobmatch-quality-") as folder:
        data_dir = Path(folder)
        env = {**os.environ, "JOBMATCH_DATABASE_URL": database_url, "JOBMATCH_DATA_DIR": str(data_dir),
               "JOBMATCH_ENVIRONMENT": "development", "JOBMATCH_DEMO_ON_EMPTY": "false", "JOBMATCH_LOG_LEVEL": "WARNING",
               "JOBMATCH_RATE_LIMIT_PER_MINUTE": "100000000", "JOBMATCH_RATE_LIMIT_BURST": "100000000", "HF_HUB_OFFLINE": "1",
               "JOBMATCH_EMBEDDING_QUERY_PREFIX": query_prefix, "JOBMATCH_EMBEDDING_PASSAGE_PREFIX": passage_prefix}
        if model and model != "default":
            env["JOBMATCH_EMBEDDING_MODEL"] = model
        subprocess.run([*JOBMATCH, "db", "upgrade"], env=env, check=True, capture_output=True)
        if geonames is not None and geonames.is_file():  # also into a kept database: a first run with it had none
            subprocess.run([*JOBMATCH, "geo", "load", str(geonames)], env=env, check=True, capture_output=True)
        dev.ensure_dev_keys(data_dir)  # before the server starts, so both read the same key
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([*JOBMATCH, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                                  stderr=(data_dir / "server.log").open("w"))
        try:
            deadline = time.monotonic() + 3600  # the server builds its first index before it answers
            while time.monotonic() < deadline:
                if server.poll() is not None:
                    raise RuntimeError(f"jobmatch serve exited: {(data_dir / 'server.log').read_text()[-2000:]}")
                try:
                    if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
            else:
                raise RuntimeError("jobmatch serve did not answer /healthz")
            yield Jobmatch(url, env, data_dir)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
