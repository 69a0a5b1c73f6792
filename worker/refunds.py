"""Sending refunds to Whop: the ones orders ask for, and the full refunds admins decided
for quarantined payments. SQL hands each out once (`claim_refunds_to_submit`,
`claim_quarantine_refunds` stamp it before the call), so a refund is never sent twice,
even when a worker dies mid-call. Money moves only when Whop confirms the refund (its
webhook, or reconciliation, through `apply_whop_refund`). A definite refusal closes the
request (`record_refund_failed`); an unclear outcome (timeout, 5xx) leaves it submitted
for reconciliation to settle and for an operator to see (`admin_refunds_in_flight`)."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from worker import errors
from worker.db import Database
from worker.whop.client import WhopClient

log = logging.getLogger("gigflow.refunds")


def _submit(db: Database, whop: WhopClient, claim: dict[str, Any]) -> tuple[str, dict | None]:
    """Send one claimed refund; the outcome, and the refund as SQL recorded a refusal."""
    try:
        whop.refund_payment(
            claim["whop_payment_id"],
            partial_amount_cents=None if claim["full_refund"] else claim["amount_cents"],
        )
    except errors.GigflowError as error:
        if not error.definite:
            log.warning(
                "refund submission unclear; reconciliation will settle it",
                extra={"refund_id": claim["refund_id"], "error": error.message},
            )
            return "unconfirmed", None
        refused = db.rpc(
            "record_refund_failed",
            {"refund_request_id": claim["refund_id"], "reason": error.message[:200]},
        )
        return "refused", refused
    return "submitted", None


def submit_refund(db: Database, whop: WhopClient, refund_id: str) -> tuple[str, dict | None]:
    """Send the refund just asked for now: the outcome (submitted, refused, unconfirmed,
    or claimed elsewhere), and the refund as SQL recorded a refusal."""
    claims = db.rpc("claim_refunds_to_submit", {"max_refunds": 1, "only_refund": refund_id})
    for claim in claims:
        return _submit(db, whop, claim)
    return "claimed elsewhere", None


def submit_refunds(db: Database, whop: WhopClient, *, limit: int = 20) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    for claim in db.rpc("claim_refunds_to_submit", {"max_refunds": limit}):
        outcome, _ = _submit(db, whop, claim)
        outcomes[outcome] += 1
    for quarantined in db.rpc("claim_quarantine_refunds", {"max_refunds": limit}):
        try:
            whop.refund_payment(quarantined["whop_payment_id"], partial_amount_cents=None)
            outcomes["quarantine_submitted"] += 1
        except errors.GigflowError as error:
            if error.definite:
                db.rpc(
                    "record_quarantine_refund_refused",
                    {
                        "whop_payment_id": quarantined["whop_payment_id"],
                        "reason": error.message[:200],
                    },
                )
                outcomes["quarantine_refused"] += 1
                continue
            # Whop's refund object (webhook or reconciliation) settles it; an admin sees
            # one that never comes in admin_quarantined_payments.
            log.warning(
                "quarantined payment refund unclear; reconciliation will settle it",
                extra={"whop_payment_id": quarantined["whop_payment_id"], "error": error.message},
            )
            outcomes["quarantine_unconfirmed"] += 1
    if any(outcomes.values()):
        log.info("refunds submitted", extra=dict(outcomes))
    return outcomes
