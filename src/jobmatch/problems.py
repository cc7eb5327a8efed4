"""RFC 9457 problem details: the body of every error answer, and the handlers that write it."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
UNPARSEABLE_BODY = "There was an error parsing the body"
HTTP_METHODS = frozenset({"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS"})


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = None


def problem_response(
    *, status: int, title: str, detail: str | None, request: Request, type_: str = "about:blank",
    headers: dict[str, str] | None = None, **extra: Any,
) -> JSONResponse:
    body = {"type": type_, "title": title, "status": status, "detail": detail, "instance": request.url.path, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    from jobmatch.errors import JobmatchError

    @app.exception_handler(JobmatchError)
    async def _jobmatch_error(request: Request, exc: JobmatchError) -> JSONResponse:
        if exc.status >= 500:
            logger.error("%s: %s", type(exc).__name__, exc.detail)
        return problem_response(
            status=exc.status, title=exc.title, detail=exc.detail, request=request,
            type_=exc.problem_type(), headers=exc.headers, **exc.extra,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(err.get("loc", ())), "msg": str(err.get("msg", "")), "type": str(err.get("type", ""))}
            for err in exc.errors()
        ]
        summary = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors[:5])
        return problem_response(
            status=422, title="Invalid request", detail=summary, request=request,
            type_="https://jobmatch.no/problems/invalidrequest", errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 400 and exc.detail == UNPARSEABLE_BODY:  # FastAPI's answer to a body that is not UTF-8
            return problem_response(
                status=422, title="Invalid request", detail="the request body is not valid UTF-8 JSON", request=request,
                type_="https://jobmatch.no/problems/invalidrequest",
            )
        if exc.status_code == 405:  # the router names only the first route's methods; the path may have more
            headers["Allow"] = ", ".join(allowed_methods(app, request.url.path)) or headers.get("Allow", "")
        return problem_response(
            status=exc.status_code, title=_reason(exc.status_code), detail=str(exc.detail), request=request, headers=headers,
        )


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method the OpenAPI document lists for the paths that match `path`."""
    paths: dict[str, dict[str, Any]] = app.openapi().get("paths", {})
    if path in paths:  # a literal path wins over templates, as in the router (`/postings/import`, not `/postings/{id}`)
        matching = [paths[path]]
    else:
        matching = [
            operations for template, operations in paths.items()
            if re.match("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$", path)
        ]
    return sorted({method.upper() for operations in matching for method in operations if method.upper() in HTTP_METHODS})


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
