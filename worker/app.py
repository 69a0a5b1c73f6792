"""The worker's HTTP API (FastAPI). Every endpoint is thin: authenticate, call SQL (and
Whop where a secret or an outbound call is needed), map errors one way."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.telemetry import TelemetryConfig
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from worker import errors, logs
from worker.body_limits import JSON_BODY_LIMIT, WEBHOOK_BODY_LIMIT, BodyLimits
from worker.cors import CrossOrigin
from worker.deps import Services
from worker.intake import WebhookIntake
from worker.routes import (
    admin,
    chat,
    checkout,
    operations,
    payouts,
    sellers,
    webhooks,
    whop_accounts,
)


class RequestIds:
    """Tags every request with an id (the caller's x-request-id, else a new one) for the
    logs and the response. Plain ASGI: a BaseHTTPMiddleware costs a task per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        current = Headers(scope=scope).get("x-request-id") or uuid.uuid4().hex

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["x-request-id"] = current
            await send(message)

        token = logs.request_id.set(current)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            logs.request_id.reset(token)


HTTP_ERROR_CODES = {400: "invalid_input", 404: "not_found", 405: errors.MethodNotAllowed.code}
# Every route can be refused this way: the body limits stand in front of them all.
EVERY_ROUTE_FAILURES = (errors.PayloadTooLarge,)

# FastAPI's native telemetry, every part of it, when the operator has not asked for it.
TELEMETRY_OFF: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
}


def create_app(
    services: Services, *, cors_origins: Sequence[str] = (), opentelemetry: bool = False
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await intake.settle()
        services.close()

    app = FastAPI(
        telemetry=None if opentelemetry else TELEMETRY_OFF,
        title="GigFlow worker",
        version="0.1.0",
        description="Whop webhooks, checkout and seller onboarding: the parts of GigFlow"
        " that need a secret or an outbound call. Everything else is SQL behind Supabase.",
        lifespan=lifespan,
        responses=errors.responses(*EVERY_ROUTE_FAILURES),
    )
    app.state.services = services
    intake = WebhookIntake(services.db)

    # FastAPI documents its routes; the webhook endpoint, served before routing, is
    # added to the same document (FastAPI caches it, and the addition is idempotent).
    def openapi() -> dict[str, Any]:
        document = FastAPI.openapi(app)
        webhooks.document(document, every_route=EVERY_ROUTE_FAILURES)
        return document

    app.openapi = openapi  # type: ignore[method-assign]

    @app.exception_handler(errors.GigflowError)
    async def gigflow_error(_: Request, error: errors.GigflowError) -> JSONResponse:
        return errors.response(error)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(part) for part in first["loc"])
        return errors.response(errors.InvalidInput(f"{where}: {first['msg']}"))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        # What FastAPI raises itself (a body it cannot parse, an unknown path or method):
        # the same {code, message} body as every other refusal.
        code = HTTP_ERROR_CODES.get(error.status_code, "error")
        return JSONResponse(
            status_code=error.status_code,
            content={"code": code, "message": str(error.detail)},
            headers=getattr(error, "headers", None),
        )

    app.include_router(operations.router)
    app.include_router(checkout.router)
    app.include_router(sellers.router)
    app.include_router(payouts.router)
    app.include_router(whop_accounts.router)
    app.include_router(chat.router)
    app.include_router(admin.router)

    # Starlette runs the middleware added last outermost: request ids on every answer,
    # preflights included; CORS headers on a 413 too, so the page can read it. The
    # webhook endpoint sits inside them all but outside FastAPI's exception handlers:
    # it answers its own failures.
    app.add_middleware(webhooks.WhopWebhookEndpoint, services=services, intake=intake)
    app.add_middleware(
        BodyLimits,
        default=JSON_BODY_LIMIT,
        by_path={webhooks.WHOP_WEBHOOK_PATH: WEBHOOK_BODY_LIMIT},
    )
    app.add_middleware(
        CrossOrigin,
        origins=cors_origins,
        server_only_paths={webhooks.WHOP_WEBHOOK_PATH},
        routes=app.router.routes,
    )
    app.add_middleware(RequestIds)
    return app
