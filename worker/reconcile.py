"""Reconciliation: ask Whop about everything still waiting on it, and apply what Whop
says through the webhook handlers (`apply_whop_object`), so a missed webhook loses
nothing and a late one changes nothing.

SQL hands out what is open (`claim_reconciliation_work`, which stamps each item's last
check: the watermark, and a lease so concurrent workers split the work); this module
only makes the Whop calls. Pending payments are asked about 25 checkouts per request.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from worker import errors
from worker.db import Database
from worker.whop import wire
from worker.whop.client import WhopClient, WhopObject

log = logging.getLogger("gigflow.reconcile")

CHECKOUTS_PER_REQUEST = 25
FINAL_REFUND_STATUSES = frozenset({"succeeded", "failed", "canceled"})


@dataclass
class Report:
    checked: int = 0
    advanced: int = 0
    cancelled: int = 0
    errors: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _chunks(items: Sequence[dict[str, Any]], size: int) -> Iterable[Sequence[dict[str, Any]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _apply(db: Database, event_type: str, data: WhopObject, company_id: str | None = None) -> bool:
    """Apply a Whop object as its webhook would; True when it changed something."""
    outcome = db.rpc(
        "apply_whop_object",
        {"event_type": event_type, "data": wire.plain(data), "company_id": company_id},
    )
    return outcome == "processed"


def event_for_payment(payment: WhopObject) -> str | None:
    """The webhook a Whop payment's state stands for (whop-api.md: succeeded is
    paid/succeeded, failed is open/failed); None while it is neither."""
    if payment.get("status") == "paid":
        return "payment.succeeded"
    if (payment.get("status"), payment.get("substatus")) == ("open", "failed"):
        return "payment.failed"
    return None


def apply_payment(db: Database, payment: WhopObject) -> bool:
    """Apply a payment read from Whop as its webhook would; True when it changed something."""
    event_type = event_for_payment(payment)
    return _apply(db, event_type, payment) if event_type else False


def _payments(
    db: Database, whop: WhopClient, pending: Sequence[dict[str, Any]], report: Report
) -> None:
    for chunk in _chunks(pending, CHECKOUTS_PER_REQUEST):
        try:
            found = list(
                whop.list_payments(checkout_configuration_ids=[c["whop_id"] for c in chunk])
            )
        except errors.GigflowError as error:
            log.warning("listing payments failed", extra={"error": error.message})
            report.errors += len(chunk)
            continue
        by_checkout: dict[str, list[WhopObject]] = {}
        for payment in found:
            by_checkout.setdefault(str(payment.get("checkout_configuration_id")), []).append(
                payment
            )
        for candidate in chunk:
            report.checked += 1
            payments = by_checkout.get(candidate["whop_id"], [])
            try:
                paid = [p for p in payments if event_for_payment(p) == "payment.succeeded"]
                if paid:
                    report.advanced += apply_payment(db, paid[0])
                elif candidate["expired"]:
                    db.rpc("expire_unpaid_checkout", {"target_order_id": candidate["subject"]})
                    report.cancelled += 1
            except errors.GigflowError as error:
                log.warning(
                    "reconciling a payment failed",
                    extra={"order_id": candidate["subject"], "error": error.message},
                )
                report.errors += 1


def _refunds(
    db: Database, whop: WhopClient, requested: Sequence[dict[str, Any]], report: Report
) -> None:
    for payment_id in sorted({r["whop_id"] for r in requested}):
        try:
            for refund in whop.list_refunds(payment_id=payment_id):
                if refund.get("status") in FINAL_REFUND_STATUSES:
                    report.advanced += _apply(db, "refund.updated", refund)
        except errors.GigflowError as error:
            log.warning(
                "reconciling refunds failed",
                extra={"payment_id": payment_id, "error": error.message},
            )
            report.errors += 1
    report.checked += len(requested)


def _kyc(db: Database, whop: WhopClient, pending: Sequence[dict[str, Any]], report: Report) -> None:
    for seller in pending:
        report.checked += 1
        company_id = seller["whop_id"]
        try:
            details = whop.get_ledger_account(company_id).get("payout_account_details") or {}
            report.advanced += _apply(
                db,
                "payout_account.status_updated",
                {"status": details.get("status"), "company_id": company_id},
                company_id,
            )
        except errors.GigflowError as error:
            log.warning(
                "reconciling KYC failed", extra={"company_id": company_id, "error": error.message}
            )
            report.errors += 1


def _withdrawals(
    db: Database, whop: WhopClient, in_flight: Sequence[dict[str, Any]], report: Report
) -> None:
    for withdrawal in in_flight:
        report.checked += 1
        try:
            found = whop.get_withdrawal(withdrawal["whop_id"])
            report.advanced += _apply(
                db,
                "withdrawal.updated",
                found,
                (found.get("ledger_account") or {}).get("company_id"),
            )
        except errors.GigflowError as error:
            log.warning(
                "reconciling a withdrawal failed",
                extra={"withdrawal_id": withdrawal["subject"], "error": error.message},
            )
            report.errors += 1


def reconcile_once(db: Database, whop: WhopClient, *, max_items: int = 500) -> Report:
    """One pass over what is waiting on Whop; counts of what it checked and did."""
    candidates: list[dict[str, Any]] = db.rpc("claim_reconciliation_work", {"max_rows": max_items})
    report = Report()
    by_kind: dict[str, list[dict[str, Any]]] = {
        "payment": [], "refund": [], "kyc": [], "withdrawal": [],
    }  # fmt: skip
    for candidate in candidates:
        by_kind[candidate["kind"]].append(candidate)
    _payments(db, whop, by_kind["payment"], report)
    if by_kind["refund"]:
        _refunds(db, whop, by_kind["refund"], report)
    if by_kind["kyc"]:
        _kyc(db, whop, by_kind["kyc"], report)
    if by_kind["withdrawal"]:
        _withdrawals(db, whop, by_kind["withdrawal"], report)
    log.info("reconciliation finished", extra=report.as_dict())
    return report
