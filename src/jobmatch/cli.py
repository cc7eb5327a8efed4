"""The `jobmatch` command line: serve the API, run migrations, import postings, follow NAV's feed, load the demo.

Imports are made inside each command, so a quick one (`token`, `--help`) does not load the model, FAISS or the database.
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from jobmatch.environment import default_data_dir
from jobmatch.fairness.cli import fairness_report
from jobmatch.feed.cli import feed_app
from jobmatch.geo.cli import geo_app
from jobmatch.relevance.cli import relevance_app
from jobmatch.stay_prior.cli import stay_prior_app

DATA_DIR = os.environ.get("JOBMATCH_DATA_DIR") or str(default_data_dir())

app = typer.Typer(
    help=(
        "jobmatch: job-seeker matching with the seeker's declared signals in charge.\n\n"
        f"Data folder (JOBMATCH_DATA_DIR): {DATA_DIR} (the embedded database, index versions, development keys). "
        "To start afresh, stop the server and delete that folder."
    ),
    no_args_is_help=True,
)
db_app = typer.Typer(help="Database schema: migrations and status.", no_args_is_help=True)
index_app = typer.Typer(help="Search index versions: status and rollback.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(index_app, name="index")
app.add_typer(geo_app, name="geo")
app.add_typer(stay_prior_app, name="stay-prior")
app.add_typer(relevance_app, name="relevance")
app.add_typer(feed_app, name="feed")
app.command("fairness-report")(fairness_report)


class FileFormat(StrEnum):
    """The `import --format` choices (`ImportFormat`'s values, without importing the importer)."""

    JOBMATCH = "jobmatch"
    NAV = "nav"


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes; each loads the model and the index.")] = 1,
    geonames: Annotated[Path | None, typer.Option(help="Development: load this GeoNames postal-code file when none are loaded.",
                                                  dir_okay=False)] = None,
) -> None:
    """Start the API (and the embedded PostgreSQL when JOBMATCH_DATABASE_URL is unset).

    In development the schema is migrated and, on an empty database, the demo data loaded and the first index built.
    In production the API waits for its first index (`/readyz` says so) until `jobmatch reindex` has run.
    """
    from jobmatch.commands import database_url, load_settings, sigterm_unwinds
    from jobmatch.serving import prepare_development, reserve_port, run_server

    listener = reserve_port(host, port)
    settings = load_settings()
    with sigterm_unwinds(), database_url(settings) as url:
        prepare_development(settings, url, geonames=geonames)
        run_server(settings, url, listener=listener, workers=workers)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    from jobmatch.commands import database_url, load_settings
    from jobmatch.db import migrate
    from jobmatch.db.engine import make_engine

    settings = load_settings()
    with database_url(settings) as url:
        engine = make_engine(url)
        migrate.upgrade(engine, revision)
        typer.echo(f"schema at {migrate.current_revision(engine)}")
        engine.dispose()


@db_app.command("current")
def db_current() -> None:
    """Print the schema's revision and whether it is the newest; exits 1 when behind."""
    from jobmatch.commands import database_url, load_settings
    from jobmatch.db import migrate
    from jobmatch.db.engine import make_engine

    settings = load_settings()
    with database_url(settings) as url:
        engine = make_engine(url)
        current, head = migrate.current_revision(engine), migrate.head_revision(engine)
        engine.dispose()
    typer.echo(json.dumps({"current": current, "head": head, "up_to_date": current == head}))
    if current != head:
        raise typer.Exit(1)


@app.command("import")
def import_postings(
    file: Annotated[Path, typer.Argument(help="NDJSON file, one posting a line; '-' reads standard input.",
                                         allow_dash=True)],
    format: Annotated[FileFormat, typer.Option("--format", help="jobmatch's own schema, or NAV's feed ads.")]
    = FileFormat.JOBMATCH,
) -> None:
    """Import postings from an NDJSON file (idempotent: re-importing changes nothing).

    Prints the report as JSON; exits 1 when any line was rejected (the good lines are kept).
    """
    from jobmatch.commands import current_database, load_settings
    from jobmatch.db.engine import make_session_factory
    from jobmatch.postings.importer import Importer, ImportFormat

    settings = load_settings()
    with current_database(settings) as engine:
        importer = Importer(make_session_factory(engine), fmt=ImportFormat(format.value), batch_size=settings.import_batch_size,
                            max_line_bytes=settings.max_import_line_bytes)
        stream = sys.stdin.buffer if str(file) == "-" else file.open("rb")
        total = None if str(file) == "-" else file.stat().st_size
        with stream, typer.progressbar(length=total or 0, label="importing", file=sys.stderr,
                                       hidden=total is None) as progress:
            for line in stream:
                importer.feed([line])
                progress.update(len(line))
        report = importer.finish()
    typer.echo(report.model_dump_json(indent=2))
    if report.rejected:
        raise typer.Exit(1)


@app.command()
def openapi(
    out: Annotated[Path, typer.Option(help="Where to write the OpenAPI document.")] = Path("openapi.yaml"),
) -> None:
    """Write the API's OpenAPI document (the committed `openapi.yaml` is checked against it by the tests)."""
    from jobmatch.openapi import render_openapi

    out.write_text(render_openapi())
    typer.echo(f"wrote {out}")


@app.command()
def demo() -> None:
    """Load the demo postings and seekers (idempotent for postings; seekers are added once)."""
    from jobmatch.commands import current_database, load_settings
    from jobmatch.db.engine import make_session_factory
    from jobmatch.demo.loader import load_demo
    from jobmatch.privacy.pseudonyms import Pseudonyms, load_secret

    settings = load_settings()
    with current_database(settings) as engine:
        summary = load_demo(make_session_factory(engine), pseudonyms=Pseudonyms(load_secret(settings)))
    typer.echo(json.dumps(summary))


@app.command()
def reindex(
    full: Annotated[bool, typer.Option("--full", help="Re-embed every posting (e.g. after changing the model).")] = False,
    compact: Annotated[bool, typer.Option("--compact", help="Write a fresh base segment instead of a delta.")] = False,
    batch_size: Annotated[int, typer.Option(help="Texts per encoder batch.")] = 256,
    executor: Annotated[str, typer.Option(help="Where embeddings are computed: local, or ray (needs jobmatch[ray]).")]
    = "local",
    address: Annotated[str | None, typer.Option(help="Ray cluster address for --executor ray (default: local Ray).")]
    = None,
) -> None:
    """Nightly job: deactivate expired postings, embed what changed, build and verify a new index version, switch.

    Exit codes: 0 done; 1 failed (the previous version keeps serving); 3 schema behind; 75 another run holds the lock.
    Every run's outcome is kept beside the index versions for `/metrics`.
    """
    import time

    from jobmatch.commands import SCHEMA_BEHIND_EXIT, database_url, load_settings
    from jobmatch.db import migrate
    from jobmatch.db.engine import make_engine
    from jobmatch.metrics.reindex_runs import record_reindex_attempt
    from jobmatch.reindexing import build_index

    settings = load_settings()
    started = time.perf_counter()
    with database_url(settings) as url:
        engine = make_engine(url)
        if migrate.is_current(engine):
            code = build_index(settings, engine, full=full, compact=compact, batch_size=batch_size, executor_name=executor,
                               address=address)
        else:
            typer.echo("the database schema is behind; run `jobmatch db upgrade` first", err=True)
            code = SCHEMA_BEHIND_EXIT
        engine.dispose()
    outcome = {0: "ok", SCHEMA_BEHIND_EXIT: "schema_behind", 75: "locked"}.get(code, "failed")
    record_reindex_attempt(settings.index_dir, outcome=outcome, seconds=time.perf_counter() - started)
    raise typer.Exit(code)


@index_app.command("status")
def index_status() -> None:
    """Print the current index version, the versions kept, and the last reindex summary."""
    from jobmatch.commands import load_settings
    from jobmatch.search.reindex import last_run
    from jobmatch.search.versions import IndexStore

    settings = load_settings()
    store = IndexStore(settings.index_dir)
    typer.echo(json.dumps({"current": store.current(), "versions": store.versions(), "last_run": last_run(store)}, indent=2))


@index_app.command("rollback")
def index_rollback() -> None:
    """Make the previous index version current again (serving processes switch within seconds)."""
    from jobmatch.commands import load_settings
    from jobmatch.embedding.sentence import load_embedder
    from jobmatch.search.reindex import ExitCode, ReindexRunning, rollback
    from jobmatch.search.versions import IndexStore, VersionError

    settings = load_settings()
    embedder = load_embedder(settings.embedding_model, query_prefix=settings.embedding_query_prefix,
                             passage_prefix=settings.embedding_passage_prefix)
    try:
        version = rollback(IndexStore(settings.index_dir), model_id=embedder.model_id)
    except ReindexRunning as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(int(ExitCode.LOCKED)) from error
    except VersionError as error:
        typer.echo(f"cannot roll back: {error}", err=True)
        raise typer.Exit(int(ExitCode.FAILED)) from error
    typer.echo(json.dumps({"current": version}))


@app.command()
def token(
    role: Annotated[str, typer.Option(help="seeker, caseworker, admin, or service (with --scope).")],
    subject: Annotated[str | None, typer.Option(help="Seeker: the person id (pid); caseworker: NAVident; service: client id.")]
    = None,
    unit: Annotated[list[str] | None, typer.Option(help="Caseworker: a unit they work in (repeatable; default 0301).")] = None,
    protected_access: Annotated[bool, typer.Option(help="Caseworker: may read seekers with a protected address.")] = False,
    scope: Annotated[list[str] | None, typer.Option(help="Service: a scope, e.g. postings:write (repeatable).")] = None,
    ttl: Annotated[int, typer.Option(help="Seconds the token is valid.", min=60, max=86_400)] = 3600,
) -> None:
    """Mint a development token, signed by the key under the data folder that the development server trusts.

    Refused in production; use your identity provider's tokens there.
    """
    from jobmatch.auth import dev
    from jobmatch.environment import DevTokenSettings, dev_token_settings

    # No logging, no database, not even the full settings (pydantic): this command only signs, and should be quick.
    settings = dev_token_settings()
    if settings is None:  # a value only the full settings can judge: let them
        from jobmatch.settings import Settings

        full = Settings()
        settings = DevTokenSettings(enabled=full.dev_tokens_enabled and not full.is_production, data_dir=full.data_dir)
    if not settings.enabled:
        typer.echo("development tokens are off here (production, or JOBMATCH_DEV_TOKENS=false)", err=True)
        raise typer.Exit(2)
    if role not in dev.DEV_ROLES:
        typer.echo(f"--role must be one of {', '.join(dev.DEV_ROLES)}", err=True)
        raise typer.Exit(2)
    claims = dev.dev_claims(role, subject=subject, units=unit, protected_access=protected_access, scopes=scope)
    typer.echo(dev.mint(dev.ensure_dev_keys(settings.data_dir).private_pem, claims, ttl_seconds=ttl))


@app.command("purge-inactive")
def purge_inactive(
    days: Annotated[int | None, typer.Option(help="Inactive for longer than this (default: JOBMATCH_SEEKER_RETENTION_DAYS).",
                                             min=1)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count them.")] = False,
) -> None:
    """Batch job: erase every seeker profile with no activity for the retention period (profile, vectors, references)."""
    from jobmatch.commands import current_database, load_settings
    from jobmatch.db.engine import make_session_factory
    from jobmatch.privacy.retention import purge_inactive as purge

    settings = load_settings()
    with current_database(settings) as engine:
        count = purge(make_session_factory(engine), days=days or settings.seeker_retention_days, dry_run=dry_run)
    typer.echo(json.dumps({"would_purge" if dry_run else "purged": count}))
