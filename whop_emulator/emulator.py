"""An offline Whop: an ASGI app speaking the subset of the Whop v1 API the worker uses
(legacy `2025-01-01` shape, see docs/whop-api.md), with state, Whop's validation and
error bodies, and correctly signed Standard Webhooks sent to a configured URL.

The pieces, each a module: `state` (Whop's objects), `delivery` (signed webhooks and
their faults), `control` (what happens at Whop on its own, as methods and as endpoints
under `/_emulator/`), `api` (the v1 API), `dms` (DM channels, the embedded chat), `oauth`
(the OAuth provider). This module
puts them together behind the API key check.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from whop_emulator import api, control, dms, oauth
from whop_emulator.control import WhopControl
from whop_emulator.oauth import OAuthProvider
from whop_emulator.state import SUPPORTED_VERSION, WhopApiError

# What a Whop user's own token may call here: their DMs.
USER_TOKEN_PATHS = ("/api/v1/dm_channels", "/api/v1/dm_members")
# What a company token (the embedded payouts component's) may do: withdraw from its own
# company's balance, as the component does, without the platform's say.
COMPANY_TOKEN_PATHS = ("/api/v1/withdrawals",)


@dataclass(kw_only=True)
class WhopEmulator(WhopControl, OAuthProvider):
    """Whop's state, webhook delivery, control and OAuth provider as one ASGI app."""

    api_key: str

    def app(self) -> FastAPI:
        app = FastAPI(title="Whop API emulator (GigFlow)", docs_url=None, redoc_url=None)

        @app.exception_handler(WhopApiError)
        async def whop_error(_: Request, error: WhopApiError) -> Response:
            return error.response()

        @app.middleware("http")
        async def authenticate(request: Request, call_next: Callable[..., Any]) -> Response:
            path = request.url.path
            self.requests.append((request.method, path))
            request.state.whop_user, request.state.whop_actions = None, None
            request.state.whop_company = None
            if path.startswith("/api/v1/"):
                authorization = request.headers.get("authorization", "")
                if authorization != f"Bearer {self.api_key}":
                    # A user's token (minted for them, or their OAuth token) reaches
                    # only the DM endpoints, as that user; a company token only
                    # withdrawals, for that company.
                    with self.lock:
                        bearer = self.token_bearer(authorization.removeprefix("Bearer "))
                        company = self.token_company(authorization.removeprefix("Bearer "))
                    if company is not None and path.startswith(COMPANY_TOKEN_PATHS):
                        request.state.whop_company = company
                    elif bearer is None or not path.startswith(USER_TOKEN_PATHS):
                        return WhopApiError(401, "unauthorized", "invalid API key").response()
                    else:
                        request.state.whop_user, request.state.whop_actions = bearer
                version = request.headers.get("api-version-date")
                if version is not None and version != SUPPORTED_VERSION:
                    return WhopApiError(
                        400,
                        "invalid_request_error",
                        f"unknown or unsupported Api-Version-Date {version!r}",
                    ).response()
            response: Response = await call_next(request)
            return response

        @app.get("/checkout/{plan_id}", response_class=HTMLResponse)
        def hosted_checkout(plan_id: str, session: str) -> str:
            """The page a purchase_url opens: what a buyer sees at Whop, reduced to a button."""
            with self.lock:
                checkout = self.find(self.checkouts, session, "checkout configuration")
            if checkout["plan"]["id"] != plan_id:
                raise WhopApiError(404, "not_found", f"plan {plan_id} was not found")
            price = checkout["plan"]["initial_price"]
            action = f"/_emulator/checkout_configurations/{html.escape(session)}/pay"
            return (
                f"<!doctype html><title>Whop emulator checkout</title>"
                f"<h1>{html.escape(str(checkout['plan']['title'] or 'Checkout'))}</h1>"
                f"<p>{price} {html.escape(checkout['plan']['currency'].upper())}</p>"
                f'<form method="post" action="{action}"><button>Pay</button></form>'
            )

        app.include_router(api.router(self), prefix="/api/v1")
        app.include_router(dms.router(self), prefix="/api/v1")
        app.include_router(oauth.router(self), prefix="/oauth")
        app.include_router(control.router(self), prefix="/_emulator")
        return app
