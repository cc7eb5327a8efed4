"""The outcome of every reindex run, kept beside the index versions so any process that mounts them can report it.

`last_run.json` (written by the engine) holds the last *successful* run; `last_attempt.json` (written here) the last
run whatever its outcome, so a failing nightly job shows on the API's `/metrics` and in alerts.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from jobmatch.search.versions import atomic_write

LAST_ATTEMPT_FILE = "last_attempt.json"
OUTCOMES = ("ok", "failed", "schema_behind", "locked")


@dataclass(frozen=True)
class ReindexAttempt:
    outcome: str
    seconds: float
    finished_at: datetime


def record_reindex_attempt(index_root: Path, *, outcome: str, seconds: float) -> ReindexAttempt:
    """The reindex command calls this when a run ends, successful or not."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
    attempt = ReindexAttempt(outcome=outcome, seconds=round(seconds, 3), finished_at=datetime.now(UTC))
    index_root.mkdir(parents=True, exist_ok=True)
    atomic_write(index_root / LAST_ATTEMPT_FILE, json.dumps({**asdict(attempt), "finished_at": attempt.finished_at.isoformat()}))
    return attempt


def last_attempt(index_root: Path) -> ReindexAttempt | None:
    try:
        raw = json.loads((index_root / LAST_ATTEMPT_FILE).read_text())
        return ReindexAttempt(outcome=str(raw["outcome"]), seconds=float(raw["seconds"]),
                              finished_at=datetime.fromisoformat(raw["finished_at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
