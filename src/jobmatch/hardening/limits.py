"""Request body limits, checked before a route reads the body: 413 as problem JSON."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jobmatch.errors import PayloadTooLarge
from jobmatch.problems import problem_response


class BodyLimitMiddleware:
    """`Content-Length` over the limit is refused at once; a body that streams past it fails the read."""

    def __init__(self, app: ASGIApp, *, default_limit: int, limits: dict[str, int]) -> None:
        self.app = app
        self.default_limit = default_limit
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(scope["path"], self.default_limit)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            response = problem_response(
                status=PayloadTooLarge.status, title=PayloadTooLarge.title, detail=f"the request body may be at most {limit} bytes",
                request=Request(scope), type_=PayloadTooLarge.problem_type(),
            )
            await response(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException, because FastAPI turns any other error while reading the body into a 400.
                    raise HTTPException(PayloadTooLarge.status, detail=f"the request body may be at most {limit} bytes")
            return message

        await self.app(scope, counting_receive, send)
