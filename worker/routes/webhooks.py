"""Whop webhooks: verify, store durably, acknowledge; process after answering."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from worker import errors
from worker.deps import Services
from worker.intake import WebhookIntake
from worker.webhook_signature import InvalidWebhook

router = APIRouter(tags=["webhooks"])

# Whop calls it server to server: its own body limit, and no CORS approval for browsers.
WHOP_WEBHOOK_PATH = "/webhooks/whop"


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


def _signature_header(name: str, description: str) -> dict[str, Any]:
    schema = {"type": "string"}
    return {
        "name": name,
        "in": "header",
        "required": True,
        "description": description,
        "schema": schema,
    }


@router.post(
    WHOP_WEBHOOK_PATH,
    response_model=WebhookReceipt,
    responses=errors.responses(InvalidWebhook, errors.Unavailable),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": WhopEvent.model_json_schema()}},
        },
        "parameters": [
            _signature_header("webhook-id", "the delivery's id, the same on every retry"),
            _signature_header("webhook-timestamp", "Unix seconds; five minutes' tolerance"),
            _signature_header("webhook-signature", "`v1,<base64 HMAC-SHA256>` (Standard Webhooks)"),
        ],
    },
)
async def whop_webhook(request: Request) -> WebhookReceipt:
    """A Whop delivery. 2xx only once the event is committed to the inbox; a bad
    signature, a stale timestamp or a malformed body is refused with 400 and stores
    nothing."""
    # The hottest endpoint: it takes what it needs from the app state directly rather
    # than through dependency resolution.
    found: Services = request.app.state.services
    webhook_id, payload = found.webhooks.verify(await request.body(), request.headers)
    intake: WebhookIntake = request.app.state.webhook_intake
    stored = await intake.store(webhook_id, payload)
    return WebhookReceipt(received=True, duplicate=stored.duplicate)
