"""Security headers on every response: a small pure-ASGI middleware (BaseHTTPMiddleware would break
contextvars propagation and buffer streaming responses).

The Content-Security-Policy allows only the site's own scripts and styles: no inline script, no inline
style attribute, no framing. The API docs (app/docs.py) serve Swagger UI and ReDoc from /static/docs and
start them from a script file, so they too run only this origin's scripts; both inject their own style
elements and ReDoc starts a worker from a blob, which their policy allows.

A Permissions-Policy turns off the browser features no page uses (camera, microphone, geolocation...),
so that nothing injected could ask for them; HSTS is sent on answers that came over HTTPS.

The embeddable widgets under /embed/ (app/cards) are made to be framed by other sites: they alone get
frame-ancestors * and no X-Frame-Options. They run no script, so being framed exposes nothing.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)
HSTS = "max-age=31536000"
DOCS_PATHS = frozenset({"/docs", "/redoc"})
EMBED_PREFIX = "/embed/"
# Embeds run no script and post no form, so they may say so.
EMBED_CSP = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors *"
)


def _policy(path: str) -> str:
    if path in DOCS_PATHS:
        return DOCS_CSP
    return EMBED_CSP if path.startswith(EMBED_PREFIX) else CSP


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", _policy(path))
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if not path.startswith(EMBED_PREFIX):
                    headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
                headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
                if https:
                    headers.setdefault("Strict-Transport-Security", HSTS)
                if path == "/admin" or path.startswith("/admin/"):
                    # Admin pages show unpublished drafts and CSRF tokens: never cache them anywhere.
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)
