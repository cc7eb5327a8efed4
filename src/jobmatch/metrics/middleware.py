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
            # The router records the matched route in the (shared) scope; its path is the template, e.g. /v1/seekers/{seeker_id}.
            route = getattr(scope.get("route"), "path", None) or UNMATCHED
            observe_request(method=scope["method"], route=route, status=status, seconds=time.perf_counter() - started)
