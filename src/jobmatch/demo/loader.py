"""Load the demo postings and seekers into a database."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.db.tables import PostingRow, SeekerRow
from jobmatch.demo.generator import demo_postings, demo_seekers
from jobmatch.postings import repository as postings_repository
from jobmatch.postings.service import row_values
from jobmatch.privacy.pseudonyms import Pseudonyms
from jobmatch.seekers.service import profile_values

logger = logging.getLogger(__name__)

DEMO_NAMESPACE = uuid.UUID("6f1f6a2e-3b0c-4d1e-9a43-6a6f626d6174")


def demo_seeker_id(index: int) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"seeker-{index}")


DEMO_UNITS = ("0301", "4601")
"""Demo seekers alternate between a NAV unit in Oslo and one in Bergen, so caseworker tokens can be tried."""


def demo_subject(index: int) -> str:
    """The token subject of demo seeker `index` (1–12): `jobmatch token --role seeker --subject demo-1`."""
    return f"demo-{index}"


def load_demo(session_factory: sessionmaker[Session], *, pseudonyms: Pseudonyms | None = None) -> dict[str, int]:
    """Upsert the demo postings and add the demo seekers that are missing; returns counts.

    With `pseudonyms`, each demo seeker is bound to the token subject `demo-<n>` and assigned to a demo unit.
    """
    with session_factory.begin() as session:
        written = postings_repository.upsert_many(session, [row_values(posting) for posting in demo_postings()])
        seekers_added = 0
        for index, profile in enumerate(demo_seekers(), start=1):
            seeker_id = demo_seeker_id(index)
            if session.get(SeekerRow, seeker_id) is None:
                binding = {} if pseudonyms is None else {
                    "subject_ref": pseudonyms.subject(demo_subject(index)),
                    "assigned_unit": DEMO_UNITS[index % 2],
                }
                session.add(SeekerRow(id=seeker_id, **profile_values(profile), **binding))
                seekers_added += 1
    logger.info("demo loaded: %d postings written, %d seekers added", len(written), seekers_added)
    return {"postings_written": len(written), "seekers_added": seekers_added}


def load_demo_if_empty(session_factory: sessionmaker[Session], *, pseudonyms: Pseudonyms | None = None) -> bool:
    """Load the demo into a database that has no postings yet; returns whether it did."""
    with session_factory() as session:
        if session.scalar(select(exists().where(PostingRow.id.is_not(None)))):
            return False
    load_demo(session_factory, pseudonyms=pseudonyms)
    return True
