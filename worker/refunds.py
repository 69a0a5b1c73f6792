"""Sending requested refunds to Whop. SQL hands each requested refund out once
(`claim_refunds_to_submit` stamps it before the call), so a refund is never sent twice,
even when a worker dies mid-call. The order changes only when Whop confirms the refund
(its webhook, or reconciliation), through `record_refund`. A definite refusal closes the
request (`record_refund_failed`); an unclear outcome (timeout, 5xx) leaves it submitted
for reconciliation to settle and for an operator to see (`admin_refunds_in_flight`)."""

from __future__ import annotations

import logging
from collections import Counter

from worker import errors
from worker.db import Database
from worker.whop.client import WhopClient

log = logging.getLogger("gigflow.refunds")


def submit_refunds(
    db: Database, whop: WhopClient, *, only_refund: str | None = None, limit: int = 20
) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    claims = db.rpc("claim_refunds_to_submit", {"max_refunds": limit, "only_refund": only_refund})
    for claim in claims:
        try:
            whop.refund_payment(
                claim["whop_payment_id"],
                partial_amount_cents=None if claim["full_refund"] else claim["amount_cents"],
            )
            outcomes["submitted"] += 1
        except errors.Unavailable as error:
            log.warning(
                "refund submission unclear; reconciliation will settle it",
                extra={"refund_id": claim["refund_id"], "error": error.message},
            )
            outcomes["unconfirmed"] += 1
        except errors.GigflowError as error:
            db.rpc(
                "record_refund_failed",
                {"refund_request_id": claim["refund_id"], "reason": error.message[:200]},
            )
            outcomes["refused"] += 1
    if claims:
        log.info("refunds submitted", extra=dict(outcomes))
    return outcomes
