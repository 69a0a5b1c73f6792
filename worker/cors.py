"""Cross-origin access for frontends calling the worker with `fetch` from their own
origin. Only the listed origins are approved; routes called server to server (Whop's
webhook) are left out, so a browser's preflight to them is never approved."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

# The methods of the worker's routes (a test keeps the two in step).
ALLOWED_METHODS = ("GET", "POST", "DELETE")
# What supabase-js style calls send: the user's access token and a JSON body.
ALLOWED_HEADERS = ("Authorization", "Content-Type")
# Readable by the page, so a frontend can quote it when reporting a failed request.
EXPOSED_HEADERS = ("x-request-id",)


class CrossOrigin:
    def __init__(
        self,
        app: ASGIApp,
        *,
        origins: Sequence[str],
        server_only_paths: Collection[str],
    ) -> None:
        self.app = app
        self._server_only = frozenset(server_only_paths)
        # Credentials are allowed because the origins are listed one by one (the settings
        # refuse a wildcard); the worker reads no cookies, so a page sending them with
        # `credentials: "include"` gains nothing but a working request.
        self._cors = CORSMiddleware(
            app,
            allow_origins=origins,
            allow_methods=ALLOWED_METHODS,
            allow_headers=ALLOWED_HEADERS,
            allow_credentials=True,
            expose_headers=EXPOSED_HEADERS,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] not in self._server_only:
            await self._cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
