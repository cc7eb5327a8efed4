"""Time every HTTP request and count it by method, route template (never the raw path) and status."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jobmatch.metrics.instruments import observe_request

UNMATCHED = "unmatched"
"""The route label of requests no route matched: raw paths would make one series per probe of a scanner."""


class MetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note_status)
        finally:
            observe_request(method=scope["method"], route=route_template(scope), status=status,
                            seconds=time.perf_counter() - started)


def route_template(scope: Scope) -> str:
    """The matched route's template with the prefixes it was included under, e.g. `/v1/postings/{posting_id}`.

    The router leaves the matched route in the (shared) scope; its `path_format` lacks the prefix of an `include_router`,
    which is the part of the requested path in front of the segments the route itself matched.
    """
    route_format = getattr(scope.get("route"), "path_format", None)
    if not isinstance(route_format, str):
        return UNMATCHED
    own = route_format.strip("/").split("/") if route_format.strip("/") else []
    requested = scope["path"].strip("/").split("/")
    prefix = requested[: max(0, len(requested) - len(own))]
    return "/" + "/".join([*prefix, *own]) if prefix or own else "/"
