"""The last line: an error no handler expected becomes a problem answer inside the middleware that adds headers.

Starlette renders a handler for `Exception` in its outermost middleware, past every header and request-id
middleware; raised from here, the answer passes through them like any other.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jobmatch.errors import ServiceUnavailable
from jobmatch.problems import problem_response

logger = logging.getLogger(__name__)

# The database restarting, unreachable, cancelling a statement, or every pooled connection busy: try again soon.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)
RETRY_AFTER_SECONDS = 5


class UnexpectedErrorMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                raise
            request = Request(scope)
            if isinstance(exc, DATABASE_UNAVAILABLE):
                cause = getattr(exc, "orig", None) or exc
                logger.warning("database unavailable on %s %s: %s", request.method, request.url.path, type(cause).__name__)
                response = problem_response(
                    status=ServiceUnavailable.status, title=ServiceUnavailable.title, request=request,
                    detail="the database is not reachable right now; try again shortly", type_=ServiceUnavailable.problem_type(),
                    headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
                )
            else:
                logger.exception("unhandled error on %s %s", request.method, request.url.path)
                response = problem_response(
                    status=500, title="Internal error", detail="An unexpected error occurred; it has been logged.", request=request,
                )
            await response(scope, receive, send)
