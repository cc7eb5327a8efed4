"""`jobmatch stay-prior`: recompute the stay prior table from placements and follow-ups (also run by `jobmatch reindex`)."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import typer

from jobmatch.commands import current_database, load_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)

stay_prior_app = typer.Typer(help="The stay prior: who still works where 12 months after a placement.", no_args_is_help=True)


@stay_prior_app.callback()
def stay_prior() -> None:
    """The stay prior: who still works where 12 months after a placement."""
    # A callback keeps `refresh` a subcommand even though it is the only one.


def refresh_in_batch(session_factory: sessionmaker[Session], *, min_placements: int) -> dict[str, Any]:
    """Recompute and replace the table in one transaction; a failure is logged and reported, the old table stays."""
    from jobmatch.stay_prior import service

    try:
        with session_factory.begin() as session:
            return service.refresh(session, min_placements=min_placements)
    except Exception as error:
        logger.exception("stay prior refresh failed; the previous prior keeps serving")
        return {"error": f"{type(error).__name__}: {error}"}


@stay_prior_app.command("refresh")
def refresh() -> None:
    """Recompute every published cell from placements and follow-ups; prints a summary as JSON (exit 1 on failure)."""
    from jobmatch.db.engine import make_session_factory

    settings = load_settings()
    with current_database(settings) as engine:
        summary = refresh_in_batch(make_session_factory(engine), min_placements=settings.stay_prior_min_placements)
    typer.echo(json.dumps(summary, indent=2))
    if "error" in summary:
        raise typer.Exit(1)
