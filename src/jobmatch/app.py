"""The one way in: `create_app(settings)`."""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from threadpoolctl import threadpool_limits

from jobmatch import __version__, tracing
from jobmatch.admin.api import router as admin_router
from jobmatch.auth.context import build_access_context
from jobmatch.auth.dev_api import router as dev_router
from jobmatch.auth.rules import check_every_route_has_a_rule
from jobmatch.candidates.api import router as candidates_router
from jobmatch.candidates.side import SeekerSide
from jobmatch.candidates.upkeep import SeekerUpkeep, watch
from jobmatch.db import migrate
from jobmatch.db.engine import make_engine, make_session_factory
from jobmatch.embedding.base import Embedder
from jobmatch.embedding.sentence import load_embedder
from jobmatch.fairness.api import router as fairness_router
from jobmatch.feedback.api import router as feedback_router
from jobmatch.hardening.failures import UnexpectedErrorMiddleware
from jobmatch.hardening.headers import SecurityHeadersMiddleware
from jobmatch.hardening.limits import BodyLimitMiddleware
from jobmatch.hardening.query import QueryTextMiddleware
from jobmatch.health.api import router as health_router
from jobmatch.logs import RequestContextMiddleware
from jobmatch.matching.api import router as matching_router
from jobmatch.matching.service import keep_priors_current
from jobmatch.metrics.api import router as metrics_router
from jobmatch.metrics.middleware import MetricsMiddleware
from jobmatch.placements.api import router as placements_router
from jobmatch.postings.api import router as postings_router
from jobmatch.privacy.api import router as me_router
from jobmatch.problems import install_problem_handlers
from jobmatch.search.holder import IndexHolder
from jobmatch.search.index_api import router as index_router
from jobmatch.search.reindex import ReindexRunning, run_reindex
from jobmatch.seekers.api import router as seekers_router
from jobmatch.settings import INVALID_SETTINGS_EXIT, InvalidSettings, Settings, read_settings
from jobmatch.state import AppState
from jobmatch.web.serve import mount_web_app

logger = logging.getLogger(__name__)


def _refit(settings: Settings, session_factory: sessionmaker[Session], embedder: Embedder, index: IndexHolder) -> None:
    """A reindex from inside the serving process (see IndexHolder.start); one already running does the same work."""
    try:
        summary = run_reindex(session_factory, embedder=embedder, index_store=index.index_store, keep=settings.index_keep_versions,
                              refit=True)
    except ReindexRunning:
        logger.info("a reindex is running already: its version fits the grown corpus")
        return
    logger.info("built index version %s for %d postings", summary["index_version"], summary["postings"])


def _warn_if_not_ready(engine: Engine) -> None:
    """Start anyway: `/readyz` keeps reporting until the database is reachable and current."""
    try:
        if not migrate.is_current(engine):
            logger.warning("database schema is behind; /readyz reports not ready until `jobmatch db upgrade` runs")
    except SQLAlchemyError as exc:
        logger.warning("database unreachable at start (%s); /readyz reports not ready", type(exc).__name__)


def create_app(settings: Settings, *, database_url: str | None = None, serving: bool = False) -> FastAPI:
    """Build the API; `database_url` overrides the settings (the CLI passes the embedded server's URL).

    `serving`: the app is a server process's only one. Start-up moves the objects it built before the index (libraries,
    the model) out of the garbage collector's reach: a full collection walking them paused requests for 100–200 ms. So
    does the served index version, until it is replaced.
    """
    url = database_url or (settings.database_url.get_secret_value() if settings.database_url else None)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if url is None:
            raise RuntimeError("no database URL; `jobmatch serve` starts the embedded PostgreSQL for you")
        # Concurrent requests are the parallelism: one BLAS thread per request, as FAISS gets one.
        threadpool_limits(1)
        app.state.access = build_access_context(settings)
        app.state.access.authenticator.wait_for_keys(settings.jwks_startup_wait_seconds)
        engine = make_engine(url, statement_timeout_ms=settings.statement_timeout_ms)
        _warn_if_not_ready(engine)
        session_factory = make_session_factory(engine)
        embedder = load_embedder(
            settings.embedding_model, query_prefix=settings.embedding_query_prefix,
            passage_prefix=settings.embedding_passage_prefix,
        )
        if serving:  # the libraries and the model live as long as the process: full collections no longer walk them
            gc.freeze()  # (and the served index version, once prepared: see IndexHolder.freeze_served)
        index = IndexHolder.at(settings.data_dir, model_id=embedder.model_id)
        index.reload_if_changed()
        if index.snapshot is None:
            logger.warning("no search index to serve yet: /readyz answers 503 until `jobmatch reindex` has run once "
                           "(Kubernetes: kubectl create job --from=cronjob/jobmatch-reindex jobmatch-first-index)")
        seekers = SeekerSide()
        watch(session_factory, seekers, embedder=embedder)
        index.follow(keep_priors_current, before_serving=True)
        index.follow(SeekerUpkeep(seekers, embedder=embedder))
        try:
            index.prepare(session_factory)  # before this worker takes its first request
        except SQLAlchemyError as exc:
            logger.warning("could not prepare the index version (%s); upkeep retries, /readyz reports it", type(exc).__name__)
        if serving:
            index.freeze_served()
        index.start(session_factory, embedder=embedder, interval=settings.index_upkeep_seconds,
                    refit=partial(_refit, settings, session_factory, embedder, index) if settings.index_refit_on_growth else None)
        app.state.jobmatch = AppState(
            settings=settings, engine=engine, session_factory=session_factory, embedder=embedder, index=index, seekers=seekers,
        )
        try:
            yield
        finally:
            index.stop()
            engine.dispose()
            app.state.access.authenticator.close()
            tracing.shutdown(app)

    docs = not settings.is_production
    app = FastAPI(
        title="jobmatch",
        version=__version__,
        summary="Job-seeker matching where the seeker's declared fit and stay signals are in charge.",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
    )
    # Added innermost first: the request id and access line wrap everything, unexpected errors are answered inside them.
    app.add_middleware(UnexpectedErrorMiddleware)
    app.add_middleware(QueryTextMiddleware)
    app.add_middleware(BodyLimitMiddleware, default_limit=settings.max_body_bytes,
                       limits={"/v1/postings/import": settings.max_import_bytes})
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                           allow_headers=["Authorization", "Content-Type", "If-Match", "X-Purpose", "X-Request-ID"],
                           expose_headers=["ETag", "Location", "Retry-After", "X-Request-ID"], max_age=600)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.is_production)
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(MetricsMiddleware)
    install_problem_handlers(app)
    app.include_router(health_router)
    app.include_router(metrics_router)
    app.include_router(postings_router, prefix="/v1")
    app.include_router(seekers_router, prefix="/v1")
    app.include_router(matching_router, prefix="/v1")
    app.include_router(index_router, prefix="/v1")
    app.include_router(me_router, prefix="/v1")
    app.include_router(admin_router, prefix="/v1")
    app.include_router(feedback_router, prefix="/v1")
    app.include_router(placements_router, prefix="/v1")
    app.include_router(candidates_router, prefix="/v1")
    app.include_router(fairness_router, prefix="/v1")
    if settings.dev_tokens_enabled:
        app.include_router(dev_router, prefix="/v1")
    check_every_route_has_a_rule(app)
    tracing.instrument(app)
    mount_web_app(app)
    return app


def app_from_environment() -> FastAPI:
    """The factory uvicorn's worker processes call: settings from `JOBMATCH_*` variables."""
    try:
        settings = read_settings()
    except InvalidSettings as error:
        print(error, file=sys.stderr)  # noqa: T201
        raise SystemExit(INVALID_SETTINGS_EXIT) from None
    return create_app(settings, serving=True)
