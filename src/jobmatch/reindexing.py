"""The work behind `jobmatch reindex`, also run by `jobmatch serve` for the first index in development."""

from __future__ import annotations

import json
import logging
import sys
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from jobmatch.settings import Settings

logger = logging.getLogger("jobmatch.reindex")


def build_index(settings: Settings, engine: Engine, *, full: bool, batch_size: int, executor_name: str,
                address: str | None, compact: bool = False) -> int:
    """Build, verify and switch to a new index version, then refresh the stay prior; returns the exit code."""
    from jobmatch.db.engine import make_session_factory
    from jobmatch.embedding.sentence import load_embedder
    from jobmatch.search.reindex import ExitCode, ReindexRunning, run_reindex
    from jobmatch.search.versions import IndexStore
    from jobmatch.stay_prior.cli import refresh_in_batch

    embedder = load_embedder(settings.embedding_model, query_prefix=settings.embedding_query_prefix,
                             passage_prefix=settings.embedding_passage_prefix)
    executor = None
    if executor_name == "ray":
        from jobmatch.search.ray_executor import RayExecutor

        executor = RayExecutor(settings, address=address, model_id=embedder.model_id)
    elif executor_name != "local":
        typer.echo(f"unknown executor {executor_name!r}: use local or ray", err=True)
        return int(ExitCode.FAILED)
    session_factory = make_session_factory(engine)
    total = active_postings(session_factory)
    try:
        with typer.progressbar(length=total, label="reindexing", file=sys.stderr) as bar:
            summary = run_reindex(session_factory, embedder=embedder, index_store=IndexStore(settings.index_dir),
                                  full=full, compact=compact, keep=settings.index_keep_versions, batch_size=batch_size,
                                  executor=executor, progress=bar.update)
    except ReindexRunning as error:
        typer.echo(str(error), err=True)
        return int(ExitCode.LOCKED)
    except Exception as error:
        logger.exception("reindex failed; the previous index version keeps serving")
        typer.echo(json.dumps({"error": f"{type(error).__name__}: {error}"}), err=True)
        return int(ExitCode.FAILED)
    # The nightly run also refreshes the stay prior; a failure there keeps the old prior and does not undo the switch.
    summary["stay_prior"] = refresh_in_batch(session_factory, min_placements=settings.stay_prior_min_placements)
    typer.echo(json.dumps(summary, indent=2))
    return int(ExitCode.OK)


def active_postings(session_factory: sessionmaker[Session]) -> int:
    from datetime import UTC, datetime

    from sqlalchemy import func, select

    from jobmatch.db.tables import PostingRow
    from jobmatch.postings.repository import is_active

    with session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(PostingRow).where(is_active(datetime.now(UTC)))) or 0)
