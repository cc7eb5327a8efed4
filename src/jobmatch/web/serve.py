"""Serve the single-page app: hashed assets under `/assets`, and `index.html` for the paths the app routes itself.

The app is the router's fallback, not a catch-all route: every API route still matches first, and a wrong method on an
API path stays a 405.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

DIST = Path(__file__).resolve().parent / "dist"
# Paths that belong to the API or the server, never to the app: an unknown one stays the API's 404.
SERVER_PREFIXES = ("/v1/", "/v1", "/docs", "/openapi.json", "/healthz", "/readyz", "/metrics", "/assets/")
NOT_BUILT = "The web app is not built: run `make run`, or `npm ci && npm run build` in web/.\n"


class ImmutableStaticFiles(StaticFiles):
    """Vite puts a content hash in every asset name, so a browser may keep them for a year."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


class WebAppFallback:
    """What the router answers when no route matched: a file of the app, its `index.html`, or the API's 404."""

    def __init__(self, dist: Path, *, not_found: ASGIApp) -> None:
        self.dist = dist.resolve()
        self.not_found = not_found

    def response_for(self, path: str) -> Response:
        target = (self.dist / path.lstrip("/")).resolve()
        if target != self.dist and target.is_relative_to(self.dist) and target.is_file():
            return FileResponse(target, headers={"Cache-Control": "no-cache"})
        index = self.dist / "index.html"
        if not index.is_file():
            return PlainTextResponse(NOT_BUILT, status_code=404)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or path.startswith(SERVER_PREFIXES):
            await self.not_found(scope, receive, send)
            return
        await self.response_for(path)(scope, receive, send)


def mount_web_app(app: FastAPI, *, dist: Path = DIST) -> None:
    """Serve the built app from `dist` at `/`, after every API route."""
    if (dist / "assets").is_dir():
        app.mount("/assets", ImmutableStaticFiles(directory=dist / "assets"), name="web-assets")
    app.router.default = WebAppFallback(dist, not_found=app.router.default)
