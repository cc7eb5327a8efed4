"""Security headers and `Cache-Control: no-store` on every answer (personal data must not be cached), errors included.

The API's answers get a policy that allows nothing; the web app's pages one that allows only its own files. The app's
hashed assets are the one exception to `no-store`: they hold no personal data and keep their long cache.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HSTS = "max-age=31536000; includeSubDomains"
# The web app loads only its own scripts and styles; inline `style` attributes are what the design system's components set.
APP_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
           "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
API_PATHS = ("/v1/", "/healthz", "/readyz", "/openapi.json", "/metrics")
DOCS_PATHS = ("/docs",)  # Swagger UI needs its scripts; it is served only outside production


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "no-referrer"
                headers["Cross-Origin-Resource-Policy"] = "same-origin"
                if path.startswith(API_PATHS):
                    headers["Content-Security-Policy"] = API_CSP
                elif not path.startswith(DOCS_PATHS):
                    headers["Content-Security-Policy"] = APP_CSP
                if not (path.startswith("/assets/") and "cache-control" in headers):
                    headers["Cache-Control"] = "no-store"
                if self.hsts:
                    headers["Strict-Transport-Security"] = HSTS
            await send(message)

        await self.app(scope, receive, send_with_headers)
