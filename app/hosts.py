"""Refuse requests for a Host the site does not serve (400), before anything reads the header.

Links are built from the configured public URL (app.urls.public_base), never from the Host header, so a
forged Host can no longer reach a cached page; refusing unknown Hosts as well stops whatever else might
read it (the admin's same-origin check, a future template) and keeps the site from answering under
another site's name. Like Starlette's TrustedHostMiddleware, with two additions that keep the defaults
working without configuration: the address the server answers on is always allowed (the quick start's
127.0.0.1:8000, the test client's "testserver"), and so is localhost (a health check on the machine).
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send


def host_name(value: str) -> str:
    """The name in a Host header, without the port ("[::1]:8000" -> "::1")."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class AllowedHostsMiddleware:
    def __init__(self, app: ASGIApp, names: frozenset[str]) -> None:
        self.app = app
        self.names = names

    def allowed(self, scope: Scope) -> bool:
        header = Headers(scope=scope).get("host")
        if header is None:  # HTTP/1.0, or the page cache's own renders: nothing to forge
            return True
        host = host_name(header)
        if host in self.names:
            return True
        server = scope.get("server")
        return bool(host) and server is not None and host == str(server[0]).lower()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self.allowed(scope):
            await self.app(scope, receive, send)
            return
        response = PlainTextResponse("Invalid host header: this site does not answer to that name.", 400)
        await response(scope, receive, send)
