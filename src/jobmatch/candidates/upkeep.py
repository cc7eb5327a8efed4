"""Keep the seeker side current: this process's commits at once, every other process's through the seeker change feed.

- `watch` applies every committed change to a seeker row made through this process's sessions right after the commit:
  a created, changed, hidden or erased seeker is in (or gone from) the side before the response is sent.
- `SeekerUpkeep` runs in the index upkeep thread: the change feed reads seekers by keyset on (updated_at, id) after the
  last row applied, re-reads what a late commit inside the overlap window changed, and drops seekers erased elsewhere
  (no trace of an erased seeker is kept to tell: the side's count is compared with the database's, and only when the
  database holds fewer are the ids compared). When the served posting index version changes, every seeker is re-tuned
  to it beside the tuning in use.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.candidates import repository
from jobmatch.candidates.facts import facts_for, searchable, state_key
from jobmatch.candidates.side import SeekerSide
from jobmatch.db.tables import SeekerRow
from jobmatch.embedding.base import Embedder
from jobmatch.search.snapshot import IndexSnapshot

logger = logging.getLogger(__name__)

ROWS_PER_READ = 2_000
CHANGED = "jobmatch.changed_seekers"


def apply_rows(side: SeekerSide, session: Session, rows: Sequence[SeekerRow], *, embedder: Embedder) -> int:
    """Apply the rows the side does not hold as they are; a row it holds costs a key comparison."""
    changed = [row for row in rows if side.key_of.get(row.id) != state_key(row) or (row.id in side.row_of) != searchable(row)]
    if not changed:
        return 0
    facts = facts_for(session, [row for row in changed if searchable(row)], embedder=embedder)
    return side.apply(facts, removed=[row.id for row in changed if not searchable(row)])


def refresh(side: SeekerSide, session: Session, seeker_ids: Iterable[uuid.UUID], *, embedder: Embedder) -> int:
    """Read these seekers as committed now and apply them; the ones no longer there leave the side."""
    wanted = set(seeker_ids)
    rows = repository.rows_of(session, wanted)
    applied = apply_rows(side, session, rows, embedder=embedder)
    return applied + side.apply([], removed=sorted(wanted - {row.id for row in rows}))


def sync_seekers(side: SeekerSide, session: Session, *, embedder: Embedder) -> int:
    """Apply seekers changed since the last read, late commits behind the watermark, and erasures made elsewhere."""
    applied = 0
    while True:
        rows = repository.changed_after(session, side.watermark, limit=ROWS_PER_READ)
        if not rows:
            break
        applied += apply_rows(side, session, rows, embedder=embedder)
        side.watermark = (rows[-1].updated_at, rows[-1].id)
        if len(rows) < ROWS_PER_READ:
            break
    return applied + _late_commits(side, session, embedder=embedder) + _erased(side, session)


def _late_commits(side: SeekerSide, session: Session, *, embedder: Embedder) -> int:
    if side.watermark is None:
        return 0
    recent = repository.keys_behind(session, side.watermark)
    missed = [row.id for row in recent if side.key_of.get(row.id) != state_key(row) or (row.id in side.row_of) != searchable(row)]
    return refresh(side, session, missed, embedder=embedder) if missed else 0


def _erased(side: SeekerSide, session: Session) -> int:
    if repository.searchable_count(session) >= side.live_count:
        return 0
    present = repository.searchable_ids(session)
    return side.apply([], removed=[seeker_id for seeker_id in list(side.row_of) if seeker_id not in present])


class SeekerUpkeep:
    """One round of seeker upkeep, run by the index holder after each of its own rounds."""

    def __init__(self, side: SeekerSide, *, embedder: Embedder) -> None:
        self.side = side
        self.embedder = embedder

    def __call__(self, snapshot: IndexSnapshot, session_factory: sessionmaker[Session]) -> None:
        with session_factory.begin() as session:  # the vector store may write a vector it had to compute
            sync_seekers(self.side, session, embedder=self.embedder)
        if self.side.tuned_version != snapshot.version:
            self.side.retune(snapshot)


def watch(session_factory: sessionmaker[Session], side: SeekerSide, *, embedder: Embedder) -> None:
    """Apply every seeker row this process's sessions change to the side right after their commit."""

    def collect(session: Session, _context: Any) -> None:
        touched = [row.id for row in (*session.new, *session.dirty, *session.deleted) if isinstance(row, SeekerRow)]
        if touched:
            session.info.setdefault(CHANGED, set()).update(touched)

    def forget(session: Session, *_: Any) -> None:
        session.info.pop(CHANGED, None)

    def apply(session: Session) -> None:
        if session.in_nested_transaction():
            return  # a SAVEPOINT released: nothing is committed until the outer transaction is
        changed = session.info.pop(CHANGED, None)
        if not changed:
            return
        try:
            with session_factory.begin() as reader:
                refresh(side, reader, changed, embedder=embedder)
        except Exception:  # the change is committed; the change feed applies it within a round
            logger.exception("could not apply %d changed seekers to candidate search at once", len(changed))

    event.listen(session_factory, "after_flush", collect)
    event.listen(session_factory, "after_commit", apply)
    event.listen(session_factory, "after_rollback", forget)
