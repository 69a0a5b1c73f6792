"""How many bytes one request may send. Each route's limit is enforced while the body
streams in, so an oversized body is refused (413) without ever being held whole, and
the connection is closed so the server stops reading it at all."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from worker import errors

# JSON requests to the worker are a few ids and short strings: the largest, a checkout
# with 20 extras and its attribution, is under 4 KiB.
JSON_BODY_LIMIT = 64 * 1024
# Whop's largest events, payments carrying the user, plan, product and our metadata, are
# a few KB; 1 MiB leaves ample room for new fields while one delivery cannot cost more.
WEBHOOK_BODY_LIMIT = 1024 * 1024


class _BodyTooLarge(Exception):
    """Raised into the app from `receive`: it stops reading, whatever it was doing."""


class BodyLimits:
    def __init__(self, app: ASGIApp, *, default: int, by_path: Mapping[str, int]) -> None:
        self.app = app
        self._default = default
        self._by_path = dict(by_path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._by_path.get(scope["path"], self._default)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            # Answered before a byte of the body is read (and before any 100 Continue).
            await _refusal(limit)(scope, receive, send)
            return

        received = 0
        exceeded = started = False

        async def counted_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # the app's own answer to a body it never got whole (FastAPI: a 400)
            started = started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(_BodyTooLarge):
            await self.app(scope, counted_receive, guarded_send)
        if exceeded and not started:
            await _refusal(limit)(scope, receive, send)


def _refusal(limit: int) -> JSONResponse:
    failure = errors.PayloadTooLarge(f"the body may be at most {limit} bytes here")
    # Closing is what stops the server from reading (and discarding) the rest: on a
    # kept-alive connection uvicorn would drain the whole body to reach the next request.
    return JSONResponse(failure.body(), status_code=failure.status, headers={"connection": "close"})
