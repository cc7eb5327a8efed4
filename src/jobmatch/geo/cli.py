"""`jobmatch geo`: load the postal-code reference data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jobmatch.commands import current_database, load_settings

if TYPE_CHECKING:
    from jobmatch.geo import repository

geo_app = typer.Typer(
    help="Postal-code points (GeoNames, CC BY 4.0) used for distances.",
    no_args_is_help=True,
)

NO_PGEOCODE = (
    "no FILE given, and pgeocode is not installed to download one. Either pass a GeoNames postal-code file "
    "(NO.txt from https://download.geonames.org/export/zip/NO.zip), or, on a machine with internet access, "
    "run `pip install pgeocode` and then this command again."
)


@geo_app.callback()
def geo() -> None:
    """Postal-code points (GeoNames, CC BY 4.0) used for distances."""
    # A callback keeps `load` a subcommand even though it is the only one.


@geo_app.command("load")
def load(
    file: Annotated[
        Path | None,
        typer.Argument(help="GeoNames postal-code file (NO.txt); left out, pgeocode downloads it.",
                       exists=True, dir_okay=False, readable=True),
    ] = None,
) -> None:
    """Replace all postal codes with those in FILE, in one transaction; prints the count as JSON."""
    from jobmatch.db.engine import make_session_factory
    from jobmatch.geo import repository

    postal_codes = _read(file)
    settings = load_settings()
    with current_database(settings) as engine, make_session_factory(engine).begin() as session:
        loaded = repository.replace_all(session, postal_codes)
    typer.echo(json.dumps({"postal_codes": loaded, "source": str(file) if file else "pgeocode"}))


def _read(file: Path | None) -> list[repository.PostalCode]:
    from jobmatch.geo import service

    try:
        if file is not None:
            with file.open(encoding="utf-8") as handle:
                return list(service.parse_geonames(handle))
        return _from_pgeocode()
    except ValueError as error:
        typer.echo(f"{file or 'pgeocode data'}: {error}", err=True)
        raise typer.Exit(1) from error


def _from_pgeocode() -> list[repository.PostalCode]:
    from jobmatch.geo import service

    try:
        import pgeocode
    except ImportError:
        typer.echo(NO_PGEOCODE, err=True)
        raise typer.Exit(2) from None
    # pgeocode has no public accessor for its whole table; `_data` is the GeoNames file as a DataFrame.
    table = pgeocode.Nominatim("no")._data
    return list(service.postal_codes_from_pgeocode(table.to_dict("records")))
