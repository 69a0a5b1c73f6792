"""Whop webhooks: verify, store durably, acknowledge; process after answering."""

from __future__ import annotations

import logging

from fastapi import APIRouter, BackgroundTasks, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from worker import errors, inbox
from worker.db import Database
from worker.deps import ServicesDep

router = APIRouter(tags=["webhooks"])
log = logging.getLogger("gigflow.webhooks")


class WebhookReceipt(BaseModel):
    received: bool
    duplicate: bool


@router.post("/webhooks/whop", response_model=WebhookReceipt)
async def whop_webhook(
    request: Request, found: ServicesDep, background: BackgroundTasks
) -> WebhookReceipt:
    """A Whop delivery. 2xx only once the event is committed to the inbox; a bad
    signature, a stale timestamp or a malformed body is refused with 400 and stores
    nothing."""
    webhook_id, payload = found.webhooks.verify(await request.body(), request.headers)
    stored = await run_in_threadpool(
        found.db.rpc, "ingest_whop_event", {"webhook_id": webhook_id, "payload": payload}
    )
    event = stored[0]
    if not event["duplicate"]:
        background.add_task(_process_after_answering, found.db, int(event["event_id"]))
    return WebhookReceipt(received=True, duplicate=bool(event["duplicate"]))


def _process_after_answering(db: Database, event_id: int) -> None:
    """A failure here is already recorded on the event by SQL, or the event stays due
    and the inbox loop takes it: never lost, so only logged."""
    try:
        inbox.process_event(db, event_id)
    except errors.GigflowError:
        log.exception("inline processing failed; the inbox loop will retry")
