"""HEAD answered as GET without the body, for every route.

FastAPI's ``@router.get`` routes answer HEAD with 405, yet link checkers, uptime monitors, crawlers and
``curl -I`` all send HEAD. Running the GET handler and dropping the body keeps the headers identical
(Content-Length, ETag, Cache-Control), which is what HTTP asks of HEAD (RFC 9110, 9.3.2).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGetMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the last body message closes the response
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)
