"""Shared steps for matching tests: reference geography, demo data, and building an index version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from jobmatch.embedding.sentence import load_embedder
from jobmatch.geo.service import load_file
from jobmatch.search.holder import IndexHolder
from jobmatch.search.reindex import run_reindex
from jobmatch.search.versions import IndexStore
from jobmatch.settings import Settings
from tests.conftest import SHARED_DATA

GEONAMES = SHARED_DATA / "geo-no" / "NO.txt"
SAMPLE = Path(__file__).parent / "fixtures" / "postal_codes_sample.txt"
"""Six postal codes written for these tests (Oslo, Bergen, Trondheim, Stavanger, Tromsø), in GeoNames' format."""


def load_geography(session_factory: sessionmaker[Session]) -> None:
    """The GeoNames file when it is at hand, else the sample: the tests' own places are in both."""
    with session_factory.begin() as session:
        load_file(session, path=GEONAMES if GEONAMES.is_file() else SAMPLE)


def build_index(settings: Settings, session_factory: sessionmaker[Session]) -> dict[str, Any]:
    """Reindex, then let every running app in this process serve the new version (as its upkeep thread soon would)."""
    embedder = load_embedder(settings.embedding_model)
    summary = run_reindex(session_factory, embedder=embedder, index_store=IndexStore(settings.index_dir))
    settle()
    return summary


def settle() -> None:
    """One round of index upkeep in every running app now: new versions loaded, the change feed applied."""
    for holder in IndexHolder.running():
        holder.settle()
