"""`jobmatch feed`: follow NAV's public job feed into the postings table."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from jobmatch.commands import current_database, load_settings

feed_app = typer.Typer(help="NAV's public job feed (arbeidsplassen's pam-stilling-feed).", no_args_is_help=True)

EXIT_FEED_FAILED = 1
EXIT_LOCKED = 75


def _token_reader(token_file: Path) -> str:
    """The token, read again for every request: a rotated token in a mounted secret is picked up without a restart."""
    try:
        token = token_file.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise typer.BadParameter(f"cannot read the token file {token_file}: {error.strerror}") from error
    if not token:
        raise typer.BadParameter(f"the token file {token_file} is empty")
    return token


@feed_app.command("follow")
def follow(
    url: Annotated[str, typer.Option(help="The feed's base URL, e.g. https://pam-stilling-feed.nav.no")],
    token_file: Annotated[Path, typer.Option(help="File holding the feed's bearer token (read before every request).")],
    once: Annotated[bool, typer.Option("--once", help="Read to the end of the feed and exit (for cron).")] = False,
    poll_seconds: Annotated[float, typer.Option(min=0.01, help="Without --once: seconds between polls at the end of the feed.")]
    = 60.0,
    since: Annotated[str | None, typer.Option(help="First run only: start at ads changed after this RFC 1123 date.")] = None,
    chunk_size: Annotated[int, typer.Option(min=1, max=1000, help="Items committed per transaction.")] = 100,
    metrics_port: Annotated[int | None, typer.Option(help="Serve Prometheus metrics on this port while following.")] = None,
) -> None:
    """Follow the feed into the postings (source `nav`, external id = the ad's uuid); INACTIVE ads are deactivated.

    The position is kept in PostgreSQL and moves in the same transaction as the postings, so a killed run resumes
    where it stopped. Exit codes: 0 done; 1 the feed refused us or stayed unavailable (the position is kept);
    2 bad arguments; 3 database schema behind; 75 another follower is reading this feed.
    """
    from jobmatch.db.engine import make_session_factory
    from jobmatch.feed import repository
    from jobmatch.feed.client import FeedClient, FeedError, FeedRefused
    from jobmatch.feed.follower import Follower
    from jobmatch.feed.protocol import MalformedFeedData

    _token_reader(token_file)
    settings = load_settings()
    if metrics_port is not None:
        from prometheus_client import start_http_server

        start_http_server(metrics_port)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    client = FeedClient(url, token=lambda: _token_reader(token_file))
    with current_database(settings) as engine, engine.connect() as lock_connection:
        if not repository.try_lock(lock_connection, url):
            typer.echo(f"another follower is reading {url}; this one does nothing", err=True)
            raise typer.Exit(EXIT_LOCKED)
        follower = Follower(make_session_factory(engine), client, feed_url=url, chunk_size=chunk_size, since=since)
        while True:
            try:
                follower.run(once=once, poll_seconds=poll_seconds, stop=stop)
                break
            except (FeedRefused, MalformedFeedData) as error:
                typer.echo(f"feed: {error}", err=True)
                _print(follower.report.as_dict())
                raise typer.Exit(EXIT_FEED_FAILED) from error
            except FeedError as error:
                if once:
                    typer.echo(f"feed: {error}", err=True)
                    _print(follower.report.as_dict())
                    raise typer.Exit(EXIT_FEED_FAILED) from error
                typer.echo(f"feed: {error}; trying again in {poll_seconds:.0f} s", err=True)
                if stop.wait(poll_seconds):
                    break
    client.close()
    _print(follower.report.as_dict())


@feed_app.command("status")
def status() -> None:
    """Print where the follower stands in each feed it has read."""
    from jobmatch.db.engine import make_session_factory
    from jobmatch.feed import repository

    settings = load_settings()
    with current_database(settings) as engine, make_session_factory(engine)() as session:
        rows = [{"feed": row.feed_url, "page": row.page_url, "etag": row.etag, "last_modified": row.last_modified,
                 "items_in_page": row.items_in_page, "items_applied": row.items_applied, "items_skipped": row.items_skipped,
                 "updated_at": row.updated_at.isoformat()} for row in repository.all_positions(session)]
    _print({"feeds": rows})


def _print(document: dict[str, object]) -> None:
    typer.echo(json.dumps(document, indent=2))
