"""Wall time of quick CLI commands as a user runs them: `jobmatch token` and `jobmatch --help`, each in a fresh process.

Prints wall time (minimum, median) and CPU time (median) over --runs, and the machine's load average: on a busy machine
the wall time grows with the load, the CPU time much less.

    .venv/bin/python benchmarks/cli_startup.py --runs 15
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JOBMATCH = str(ROOT / ".venv" / "bin" / "jobmatch")
COMMANDS = {"token": ["token", "--role", "admin"], "help": ["--help"]}


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds, and CPU seconds (user + system) of the child: the second is what load on the machine inflates least."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([JOBMATCH, *args], env=env, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "JOBMATCH_DATA_DIR": data_dir}
        timed(COMMANDS["token"], env)  # the first run writes the development keys and warms the file cache
        figures = {}
        for name, args in COMMANDS.items():
            runs = [timed(args, env) for _ in range(options.runs)]
            wall, cpu = [run[0] for run in runs], [run[1] for run in runs]
            figures[name] = {"wall_min_s": round(min(wall), 3), "wall_median_s": round(statistics.median(wall), 3),
                             "cpu_median_s": round(statistics.median(cpu), 3), "runs": options.runs}
            print(f"jobmatch {' '.join(args):<22} wall min {min(wall):.3f} s, median {statistics.median(wall):.3f} s; "
                  f"CPU median {statistics.median(cpu):.3f} s")
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "cli_startup.json").write_text(json.dumps({**figures, "load_average": load, "cpus": os.cpu_count()}, indent=2))


if __name__ == "__main__":
    main()
