"""Whether the import endpoint's cost stays linear in a single over-long line.

    .venv/bin/python benchmarks/import_long_line.py --sizes-mb 12.5 25 50 100

The HTTP import cuts its body into lines as the chunks arrive (64 KiB each, as uvicorn hands them over) with
`LineSplitter`, then feeds the lines to `Importer`. One line of SIZE MB with no newline used to be re-joined and
re-split on every chunk. This times the splitter and importer on such a body (the line is rejected for its length
before any database work, so no database is needed) and prints seconds and MB/s per size: equal MB/s is linear.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from jobmatch.postings.importer import MAX_LINE_BYTES, Importer, LineSplitter

CHUNK = 64 * 1024


def run(size_mb: float) -> dict[str, float]:
    chunk = b"x" * CHUNK
    chunks = int(size_mb * 1024 * 1024 // CHUNK)
    importer = Importer(sessionmaker(), max_line_bytes=MAX_LINE_BYTES)  # every line is rejected before the database
    splitter = LineSplitter(max_line_bytes=MAX_LINE_BYTES)
    started = time.perf_counter()
    for _ in range(chunks):
        if lines := splitter.feed(chunk):
            importer.feed(lines)
    importer.feed(splitter.finish())
    report = importer.finish()
    seconds = time.perf_counter() - started
    assert report.rejected == 1
    return {"size_mb": size_mb, "seconds": round(seconds, 4), "mb_per_second": round(size_mb / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes-mb", type=float, nargs="+", default=[12.5, 25, 50, 100])
    args = parser.parse_args()
    results = [run(size) for size in args.sizes_mb]
    for result in results:
        print(f"{result['size_mb']:>7} MB  {result['seconds']:>8} s  {result['mb_per_second']:>8} MB/s")  # noqa: T201
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "import_long_line.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
