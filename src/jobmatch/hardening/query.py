"""Query strings carry text that reaches PostgreSQL, which cannot hold U+0000: a NUL in any parameter is a 422."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from jobmatch.errors import InvalidRequest
from jobmatch.problems import problem_response


class QueryTextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query: bytes = scope.get("query_string", b"") if scope["type"] == "http" else b""
        if b"\x00" in query or (b"%" in query and b"\x00" in unquote_to_bytes(query)):
            response = problem_response(
                status=InvalidRequest.status, title=InvalidRequest.title, request=Request(scope),
                detail="query parameters may not contain the NUL character (U+0000)", type_=InvalidRequest.problem_type(),
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
