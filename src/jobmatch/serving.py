"""What `jobmatch serve` does around uvicorn: a free port first, development set-up, workers, one line when ready."""

from __future__ import annotations

import errno
import logging
import os
import shutil
import socket
import sys
import threading
import time
import urllib.request
from pathlib import Path

import typer
from sqlalchemy import Engine

from jobmatch.settings import Environment, Settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def step(message: str) -> None:
    typer.echo(f"==> {message}", err=True)


def reserve_port(host: str, port: int) -> socket.socket:
    """Bind and listen before the model loads: a taken port fails in a second, and nobody takes it while we prepare."""
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
        listener.listen(2048)
    except OSError as error:
        listener.close()
        reason = "is in use" if error.errno == errno.EADDRINUSE else f"cannot be used ({error.strerror})"
        typer.echo(f"port {port} on {host} {reason}; pick another: `make run PORT=8001` or `jobmatch serve --port 8001`", err=True)
        raise typer.Exit(2) from None
    listener.set_inheritable(True)  # the worker processes serve on it too
    return listener


def prepare_development(settings: Settings, url: str, *, geonames: Path | None) -> None:
    """Development only: migrate, load the demo data and postal codes when missing, build the first index."""
    if settings.environment is not Environment.DEVELOPMENT:
        return
    from jobmatch.db import migrate
    from jobmatch.db.engine import make_engine, make_session_factory
    from jobmatch.reindexing import build_index
    from jobmatch.search.versions import IndexStore

    engine = make_engine(url)
    try:
        step("migrating the database")
        logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)  # a line per revision; the step says enough
        migrate.upgrade(engine)
        if settings.demo_on_empty:
            from jobmatch.demo.loader import load_demo_if_empty
            from jobmatch.privacy.pseudonyms import Pseudonyms, load_secret

            step("loading the demo data if the database is empty")
            load_demo_if_empty(make_session_factory(engine), pseudonyms=Pseudonyms(load_secret(settings)))
        if geonames is not None:
            _load_postal_codes(engine, geonames)
        if IndexStore(settings.index_dir).current() is None:
            step("building the first search index")
            build_index(settings, engine, full=False, batch_size=256, executor_name="local", address=None)
    finally:
        engine.dispose()


def _load_postal_codes(engine: Engine, geonames: Path) -> None:
    from jobmatch.db.engine import make_session_factory
    from jobmatch.geo import repository, service

    with make_session_factory(engine).begin() as session:
        if repository.count(session):
            return
        step(f"loading postal codes from {geonames}")
        with geonames.open(encoding="utf-8") as handle:
            repository.replace_all(session, service.parse_geonames(handle))


def run_server(settings: Settings, url: str, *, listener: socket.socket, workers: int) -> None:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from jobmatch.app import create_app

    host, port = listener.getsockname()[:2]
    _announce_when_ready(host, port)
    step(f"starting the API on http://{host}:{port} ({workers} worker{'s' if workers > 1 else ''})")
    if workers == 1:
        uvicorn.Server(uvicorn.Config(create_app(settings, database_url=url, serving=True), log_config=None)).run(sockets=[listener])
        return
    _fresh_metrics_folder(settings)
    # Each worker builds its own app from the environment; the URL may be the embedded server's.
    os.environ["JOBMATCH_DATABASE_URL"] = url
    config = uvicorn.Config("jobmatch.app:app_from_environment", factory=True, workers=workers, log_config=None)
    Multiprocess(config, sockets=[listener]).run()


def _fresh_metrics_folder(settings: Settings) -> None:
    """Workers share their Prometheus samples through files; left-overs of an earlier run would be counted again."""
    if os.environ.get(MULTIPROC_ENV):
        folder = Path(os.environ[MULTIPROC_ENV])
    else:
        folder = settings.data_dir / "prometheus"
        os.environ[MULTIPROC_ENV] = str(folder)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)


def _announce_when_ready(host: str, port: int) -> None:
    """Print one line once `/healthz` answers: where the API is, and where to start."""
    local = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104  (comparing, not binding)
    base = f"http://{local}:{port}"

    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # a proxy must not answer for us

    def wait() -> None:
        # The port listens from the start, so a request waits in its queue until uvicorn serves it: one long wait each.
        for _ in range(30):
            try:
                with direct.open(f"{base}/healthz", timeout=120):
                    break
            except OSError:
                time.sleep(1)
        else:
            return
        page = f"web page {base}/, " if _serves_a_page(direct, base) else ""
        print(f"jobmatch is ready at {base}: {page}API docs {base}/docs; try the README's curls from `API={base}`",
              file=sys.stderr, flush=True)

    threading.Thread(target=wait, name="ready-line", daemon=True).start()


def _serves_a_page(opener: urllib.request.OpenerDirector, base: str) -> bool:
    """Whether `/` answers with HTML: the web app, once it is built."""
    try:
        with opener.open(f"{base}/", timeout=10) as response:
            return response.status == 200 and "text/html" in response.headers.get("Content-Type", "")
    except OSError:
        return False
