"""Cross-origin access for frontends calling the worker with `fetch` from their own
origin. Only the listed origins are approved, and only for the worker's own browser
routes: an unlisted origin gets no CORS header at all (not even
`Access-Control-Allow-Credentials`), and routes called server to server (Whop's
webhook) or that do not exist are left out, so a browser's preflight to them is never
approved."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Match
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
        routes: Sequence[BaseRoute],
    ) -> None:
        self.app = app
        self._origins = frozenset(origins)
        self._server_only = frozenset(path.rstrip("/") for path in server_only_paths)
        self._routes = routes
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

    def _is_browser_route(self, scope: Scope) -> bool:
        if scope["path"].rstrip("/") in self._server_only:
            return False
        # A preflight names its method in a header, so a path that exists for any method
        # (a partial match) is a route.
        return any(route.matches(scope)[0] != Match.NONE for route in self._routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        origin = headers.get(b"origin", b"").decode("latin-1")
        # Server-to-server calls (Whop's webhooks among them) carry no Origin: no routing here.
        if not origin:
            await self.app(scope, receive, send)
            return
        preflight = scope["method"] == "OPTIONS" and b"access-control-request-method" in headers
        browser_route = self._is_browser_route(scope)
        if origin in self._origins and browser_route:
            await self._cors(scope, receive, send)
        elif preflight and browser_route:
            # Refused as Starlette refuses one, but without its credentials header.
            await PlainTextResponse("Disallowed CORS origin", status_code=400)(scope, receive, send)
        else:
            # No CORS headers, so the browser keeps the answer from the page; a preflight
            # elsewhere gets the path's own 404 or 405.
            await self.app(scope, receive, send)
