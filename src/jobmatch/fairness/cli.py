"""`jobmatch fairness-report`: exposure per group in served candidate and match lists, per index version."""

from __future__ import annotations

from typing import Annotated

import typer

from jobmatch.db import migrate
from jobmatch.db.engine import make_engine, make_session_factory
from jobmatch.fairness import service


def fairness_report(
    index_version: Annotated[str | None, typer.Option(help="One index version (default: every version that served lists).")]
    = None,
    min_group_size: Annotated[int | None, typer.Option(help="Leave out smaller groups (default: JOBMATCH_FAIRNESS_MIN_GROUP_SIZE).",
                                                       min=1)] = None,
) -> None:
    """Print the fairness report as JSON: position-discounted exposure per group, impact ratios, small groups left out."""
    from jobmatch.cli import database_url, load_settings  # jobmatch.cli registers this command: a module-level import is circular

    settings = load_settings()
    with database_url(settings) as url:
        engine = make_engine(url)
        try:
            if not migrate.is_current(engine):
                typer.echo("the database schema is behind; run `jobmatch db upgrade` first", err=True)
                raise typer.Exit(3)
            with make_session_factory(engine)() as session:
                report = service.report(session, min_group_size=min_group_size or settings.fairness_min_group_size,
                                        index_version=index_version)
        finally:
            engine.dispose()
    typer.echo(report.model_dump_json(indent=2))
