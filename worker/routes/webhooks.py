"""Whop webhooks: verify, store durably, acknowledge; process after answering.

Every Whop delivery comes here, so the endpoint is plain ASGI, served ahead of FastAPI's
routing: FastAPI's per-request work (resolving the route, validating and serializing the
response model) cost about 0.1 ms of CPU per delivery, a sixth of the worker's. At 1,000
deliveries a second on two cores, with the events processed beside them, the p99 time to
2xx was 57-76 ms through FastAPI and 38-41 ms here (the bench's paced run, alternated).
The middleware around it still applies: request ids, the body limit, the refusal of
browsers. FastAPI documents it from `document` below.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from worker import errors
from worker.deps import Services
from worker.intake import WebhookIntake
from worker.webhook_signature import InvalidWebhook

# Whop calls it server to server: its own body limit, and no CORS approval for browsers.
WHOP_WEBHOOK_PATH = "/webhooks/whop"

DESCRIPTION = """A Whop delivery. 2xx only once the event is committed to the inbox; a bad
signature, a stale timestamp or a malformed body is refused with 400 and stores
nothing."""


class WhopEvent(BaseModel):
    """A delivery as Whop sends it (docs/whop-api.md). Documentation only: the raw bytes
    are verified against the signature before anything parses them."""

    id: str | None = None
    api_version: str | None = Field(default=None, examples=["v1"])
    type: str = Field(min_length=1, max_length=100, examples=["payment.succeeded"])
    timestamp: str | None = None
    company_id: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class WebhookReceipt(BaseModel):
    received: bool
    duplicate: bool


class WhopWebhookEndpoint:
    """Answers every request to WHOP_WEBHOOK_PATH (POST, else 405 as FastAPI would) and
    hands everything else on."""

    def __init__(self, app: ASGIApp, *, services: Services, intake: WebhookIntake) -> None:
        self.app = app
        self._services = services
        self._intake = intake

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != WHOP_WEBHOOK_PATH:
            await self.app(scope, receive, send)
            return
        if scope["method"] == "POST":
            response = await self._deliver(scope, receive)
        else:
            response = JSONResponse(
                {"code": "method_not_allowed", "message": "Method Not Allowed"},
                status_code=405,
                headers={"allow": "POST"},
            )
        await response(scope, receive, send)

    async def _deliver(self, scope: Scope, receive: Receive) -> Response:
        body = await Request(scope, receive).body()
        try:
            webhook_id, payload = self._services.webhooks.verify(body, Headers(scope=scope))
            stored = await self._intake.store(webhook_id, payload)
        except errors.GigflowError as error:
            return errors.response(error)
        return JSONResponse(WebhookReceipt(received=True, duplicate=stored.duplicate).model_dump())


def _signature_header(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": True,
        "description": description,
        "schema": {"type": "string"},
    }


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def document(openapi: dict[str, Any]) -> None:
    """Add the endpoint to the worker's OpenAPI document, as FastAPI documents a route."""
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    schemas["WebhookReceipt"] = WebhookReceipt.model_json_schema()
    schemas.setdefault("ErrorBody", errors.ErrorBody.model_json_schema())
    failures = errors.responses(InvalidWebhook, errors.Unavailable, errors.PayloadTooLarge)
    responses: dict[str, Any] = {
        "200": {
            "description": "Successful Response",
            "content": _json({"$ref": "#/components/schemas/WebhookReceipt"}),
        },
        **{
            str(status): {
                "description": failure["description"],
                "content": _json({"$ref": "#/components/schemas/ErrorBody"}),
            }
            for status, failure in failures.items()
        },
    }
    openapi.setdefault("paths", {})[WHOP_WEBHOOK_PATH] = {
        "post": {
            "tags": ["webhooks"],
            "summary": "Whop Webhook",
            "description": DESCRIPTION,
            "operationId": "whop_webhook_webhooks_whop_post",
            "parameters": [
                _signature_header("webhook-id", "the delivery's id, the same on every retry"),
                _signature_header("webhook-timestamp", "Unix seconds; five minutes' tolerance"),
                _signature_header(
                    "webhook-signature", "`v1,<base64 HMAC-SHA256>` (Standard Webhooks)"
                ),
            ],
            "requestBody": {"required": True, "content": _json(WhopEvent.model_json_schema())},
            "responses": responses,
        }
    }
