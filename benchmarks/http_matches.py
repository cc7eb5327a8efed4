"""End-to-end HTTP throughput of `GET /v1/seekers/{id}/matches` under wrk.

Starts an embedded PostgreSQL (or uses --database-url), loads the demo data and, if given, GeoNames postal codes,
builds the index with the configured model, serves the API with uvicorn in a subprocess, and drives it with wrk from
a second process over loopback. Prints requests/s and latency percentiles per concurrency level, side by side.

    .venv/bin/python benchmarks/http_matches.py --geonames ../shared/data/geo-no/NO.txt --duration 20
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JOBMATCH = [sys.executable, "-m", "jobmatch"]


def run(args: list[str], env: dict[str, str]) -> str:
    return subprocess.run([*JOBMATCH, *args], env=env, check=True, capture_output=True, text=True).stdout


def wait_ready(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=2) as response:  # noqa: S310  (our own loopback URL)
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the server did not become ready")


def parse_wrk(output: str) -> dict[str, float]:
    """Requests/s and latency percentiles (ms) from `wrk --latency` output."""
    def ms(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    result = {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}  # type: ignore[union-attr]
    for percent in ("50", "90", "99"):
        match = re.search(rf"\s{percent}%\s+([\d.]+(?:us|ms|s))", output)
        if match:
            result[f"p{percent}_ms"] = ms(match.group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    result["non_2xx"] = float(errors.group(1)) if errors else 0.0
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL to use (default: an embedded one in a temp folder)")
    parser.add_argument("--geonames", type=Path, help="GeoNames NO.txt, so commute distances are computed")
    parser.add_argument("--model", default=None, help="JOBMATCH_EMBEDDING_MODEL (default: the bundled MiniLM)")
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    parser.add_argument("--connections", default="1,4,16", help="concurrency levels")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "http_matches.json")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")

    data_dir = Path(tempfile.mkdtemp(prefix="jobmatch-http-"))
    env = {**os.environ, "JOBMATCH_DATA_DIR": str(data_dir), "JOBMATCH_ENVIRONMENT": "development",
           "JOBMATCH_RATE_LIMIT_PER_MINUTE": "100000000", "JOBMATCH_RATE_LIMIT_BURST": "100000000",
           "HF_HUB_OFFLINE": "1", "JOBMATCH_LOG_LEVEL": "WARNING"}
    if args.model:
        env["JOBMATCH_EMBEDDING_MODEL"] = args.model
    server_pg = None
    if args.database_url:
        env["JOBMATCH_DATABASE_URL"] = args.database_url
    else:
        from jobmatch.db.embedded import embedded_postgres

        server_pg = embedded_postgres(data_dir / "pgdata")
        env["JOBMATCH_DATABASE_URL"] = server_pg.__enter__()
    server = None
    try:
        run(["db", "upgrade"], env)
        run(["demo"], env)
        if args.geonames:
            run(["geo", "load", str(args.geonames)], env)
        started = time.perf_counter()
        run(["reindex"], env)
        print(f"index built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        token = run(["token", "--role", "seeker", "--subject", "demo-1"], env).strip()
        url = f"http://127.0.0.1:{args.port}"
        server = subprocess.Popen([*JOBMATCH, "serve", "--port", str(args.port), "--workers", str(args.workers)], env=env)
        wait_ready(url)
        request = urllib.request.Request(url + "/v1/me", headers={"Authorization": f"Bearer {token}"})  # noqa: S310
        with urllib.request.urlopen(request) as response:  # noqa: S310  (our own loopback URL)
            seeker_id = json.load(response)["id"]
        target = f"{url}/v1/seekers/{seeker_id}/matches?limit=20"
        results = {}
        for connections in (int(c) for c in args.connections.split(",")):
            output = subprocess.run(
                ["wrk", "--latency", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{args.duration}s",
                 "-H", f"Authorization: Bearer {token}", target],
                check=True, capture_output=True, text=True,
            ).stdout
            results[connections] = parse_wrk(output)
        print(f"matches endpoint, {args.workers} uvicorn workers, demo market (340 postings), seeker demo-1, limit=20")
        print(f"{'connections':>11} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
        for connections, figures in results.items():
            print(f"{connections:>11} {figures['requests_per_s']:>8.1f} {figures.get('p50_ms', 0):>8.1f} "
                  f"{figures.get('p90_ms', 0):>8.1f} {figures.get('p99_ms', 0):>8.1f} {figures['non_2xx']:>8.0f}")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"workers": args.workers, "duration_s": args.duration, "results": results}, indent=2))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if server_pg is not None:
            server_pg.__exit__(None, None, None)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
