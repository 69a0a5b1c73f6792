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

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from worker import errors
from worker.deps import Services
from worker.intake import WebhookIntake
from worker.webhook_signature import InvalidWebhook

# Whop calls it server to server: its own body limit, and no CORS approval for browsers.
WHOP_WEBHOOK_PATH = "/webhooks/whop"
# JSON that Python reads but jsonb cannot parse (22P02: NaN, an unpaired surrogate, a
# number out of range) or hold (22P05: \u0000). PostgreSQL's own text for it would name
# our storage, not the sender's mistake.
JSONB_REFUSALS = frozenset({"22P02", "22P05"})
JSONB_REFUSAL = (
    "the body holds a value PostgreSQL's jsonb cannot store"
    " (a \\u0000, an unpaired surrogate, NaN or a number out of range)"
)

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
        if scope["method"] != "POST":
            refusal = errors.response(errors.MethodNotAllowed("Method Not Allowed"))
            refusal.headers["allow"] = "POST"
            await refusal(scope, receive, send)
            return
        try:
            response = await self._deliver(Request(scope, receive))
        except ClientDisconnect:
            # The sender hung up before its body arrived: nothing was stored, and there
            # is no one to answer (nor any failure of ours to log).
            return
        await response(scope, receive, send)

    async def _deliver(self, request: Request) -> Response:
        body = await request.body()
        try:
            webhook_id, payload = self._services.webhooks.verify(body, request.headers)
            stored = await self._intake.store(webhook_id, payload)
        except errors.InvalidInput as error:
            # The sender's body, refused as any unverifiable one is.
            reason = JSONB_REFUSAL if error.sqlstate in JSONB_REFUSALS else error.message
            return errors.response(InvalidWebhook(f"webhook rejected: {reason}"))
        except errors.GigflowError as error:
            return errors.response(error)
        return JSONResponse({"received": True, "duplicate": stored.duplicate})


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


def _component(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(
        ref_template="#/components/schemas/{model}", mode="serialization"
    )


def document(openapi: dict[str, Any], *, every_route: Sequence[type[errors.GigflowError]]) -> None:
    """Add the endpoint to the worker's OpenAPI document as FastAPI documented it when it
    was a route (its operation id and summary kept, so generated clients keep their
    names), refused as every route can be (`every_route`) and as it refuses."""
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("WebhookReceipt", _component(WebhookReceipt))
    schemas.setdefault("ErrorBody", _component(errors.ErrorBody))
    openapi["components"]["schemas"] = dict(sorted(schemas.items()))
    failures = errors.responses(*every_route, InvalidWebhook, errors.Unavailable)
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
