"""Whop webhooks: verify, store durably, acknowledge; process after answering."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from worker.deps import Services
from worker.intake import WebhookIntake

router = APIRouter(tags=["webhooks"])

# Whop calls it server to server: its own body limit, and no CORS approval for browsers.
WHOP_WEBHOOK_PATH = "/webhooks/whop"


class WebhookReceipt(BaseModel):
    received: bool
    duplicate: bool


@router.post(WHOP_WEBHOOK_PATH, response_model=WebhookReceipt)
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
