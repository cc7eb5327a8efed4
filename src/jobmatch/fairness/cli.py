"""`jobmatch fairness-report`: exposure per group in served candidate and match lists, per index version."""

from __future__ import annotations

from typing import Annotated

import typer

from jobmatch.commands import current_database, load_settings


def fairness_report(
    index_version: Annotated[str | None, typer.Option(help="One index version (default: every version that served lists).")]
    = None,
    min_group_size: Annotated[int | None, typer.Option(help="Leave out smaller groups (default: JOBMATCH_FAIRNESS_MIN_GROUP_SIZE).",
                                                       min=1)] = None,
) -> None:
    """Print the fairness report as JSON: position-discounted exposure per group, impact ratios, small groups left out."""
    from jobmatch.db.engine import make_session_factory
    from jobmatch.fairness import service

    settings = load_settings()
    with current_database(settings) as engine, make_session_factory(engine)() as session:
        report = service.report(session, min_group_size=min_group_size or settings.fairness_min_group_size,
                                index_version=index_version)
    typer.echo(report.model_dump_json(indent=2))
