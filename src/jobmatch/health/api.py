"""`/healthz` (the process is alive) and `/readyz` (it can serve: database reachable, schema current, an index version
served and prepared)."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from jobmatch.auth.rules import Rule, access
from jobmatch.db import migrate
from jobmatch.deps import StateDep

router = APIRouter(tags=["operations"])
logger = logging.getLogger(__name__)


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    ready: bool
    checks: dict[str, str]


@router.get("/healthz", response_model=Health, **access(Rule.PUBLIC))
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness,
            **access(Rule.PUBLIC, responses={503: {"model": Readiness, "description": "Not ready"}}))
def readyz(state: StateDep) -> JSONResponse:
    checks: dict[str, str] = {}
    try:
        with state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
        current, head = migrate.current_revision(state.engine), migrate.head_revision(state.engine)
        checks["schema"] = "ok" if current == head else f"behind: at {current}, needs {head}; run `jobmatch db upgrade`"
    except Exception as exc:  # noqa: BLE001  (readiness reports any failure instead of raising)
        checks["database"] = f"unreachable: {type(exc).__name__}"
    state.index.reload_if_changed()
    if checks.get("database") == "ok":
        try:
            state.index.prepare(state.session_factory)
        except Exception:  # noqa: BLE001  (upkeep retries; readiness says the version is not prepared)
            logger.exception("preparing the served index version failed")
    if state.index.ready:
        checks["index"] = "ok"
    else:
        checks["index"] = "warming up" if state.index.snapshot is not None else "no search index yet; run `jobmatch reindex`"
    ready = all(value == "ok" for value in checks.values()) and "schema" in checks
    body = Readiness(ready=ready, checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)
