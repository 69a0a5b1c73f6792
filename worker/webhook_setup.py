"""Provisioning the platform's webhook at Whop: `gigflow webhooks ensure --url …` and
`gigflow webhooks remove`. Whop shows a webhook's signing secret only when it creates
it, so the secret is stored then, encrypted; a webhook found at Whop without a stored
secret is replaced."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from worker import errors
from worker.db import Database
from worker.secretbox import SecretBox
from worker.whop.client import WhopClient

log = logging.getLogger("gigflow.webhook_setup")

# Every event the inbox acts on (functions/webhooks.sql).
HANDLED_EVENTS = (
    "payment.succeeded",
    "payment.failed",
    "payment.pending",
    "refund.created",
    "refund.updated",
    "dispute.created",
    "dispute.updated",
    "withdrawal.created",
    "withdrawal.updated",
    "verification.succeeded",
    "payout_account.status_updated",
    "identity_profile.approved",
    "identity_profile.rejected",
    "identity_profile.needs_action",
    "payout_method.created",
)


@dataclass(frozen=True)
class Ensured:
    webhook_id: str
    created: bool


def ensure(db: Database, whop: WhopClient, box: SecretBox, *, url: str, company_id: str) -> Ensured:
    stored = {e["whop_webhook_id"]: e for e in db.rpc("whop_webhook_endpoints")}
    for hook in whop.list_webhooks(company_id=company_id):
        if hook.get("url") != url:
            continue
        if hook["id"] in stored and set(hook.get("events") or []) >= set(HANDLED_EVENTS):
            return Ensured(str(hook["id"]), created=False)
        # Its secret is unknown to us (or it lacks events): replace it.
        whop.delete_webhook(str(hook["id"]))
        db.rpc("forget_whop_webhook_endpoint", {"whop_webhook_id": hook["id"]})
    created = whop.create_webhook(url=url, events=HANDLED_EVENTS, resource_id=company_id)
    secret = created.get("webhook_secret")
    if not isinstance(secret, str) or not secret:
        raise errors.UpstreamError("Whop created the webhook without returning its secret")
    db.rpc(
        "save_whop_webhook_endpoint",
        {
            "whop_webhook_id": created["id"],
            "url": url,
            "events": list(HANDLED_EVENTS),
            "secret_ciphertext": box.seal(secret),
        },
    )
    log.info("whop webhook created", extra={"webhook_id": created["id"], "url": url})
    return Ensured(str(created["id"]), created=True)


def remove(db: Database, whop: WhopClient, *, url: str | None = None) -> list[str]:
    removed = []
    for endpoint in db.rpc("whop_webhook_endpoints"):
        if url is not None and endpoint["url"] != url:
            continue
        # Already gone at Whop: forget it here too.
        with contextlib.suppress(errors.NotFound):
            whop.delete_webhook(endpoint["whop_webhook_id"])
        db.rpc("forget_whop_webhook_endpoint", {"whop_webhook_id": endpoint["whop_webhook_id"]})
        removed.append(str(endpoint["whop_webhook_id"]))
    return removed
