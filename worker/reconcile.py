"""Reconciliation: ask Whop about everything still waiting on it and hand Whop's answers,
untouched, to the same SQL entry points as its webhooks (functions/whop_objects.sql), so
a missed webhook loses nothing and a late one changes nothing. What a status means, and
whether an unpaid checkout is given up, is SQL's to decide; this only fetches, forwards
and counts.

SQL hands out what is open (`claim_reconciliation_work`, which stamps each item's last
check: the watermark, and a lease so concurrent workers split the work). Pending payments
are asked about 25 checkouts per request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from worker import errors
from worker.db import Database
from worker.whop import wire
from worker.whop.client import WhopClient

log = logging.getLogger("gigflow.reconcile")

CHECKOUTS_PER_REQUEST = 25


@dataclass
class Report:
    checked: int = 0
    advanced: int = 0
    cancelled: int = 0
    errors: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


Candidates = Sequence[dict[str, Any]]


def _chunks(items: Candidates, size: int) -> Iterable[Candidates]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _applied(db: Database, function: str, args: dict[str, Any]) -> bool:
    """Forward Whop's objects to an entry point; True when it changed something."""
    return bool(db.rpc(function, wire.plain(args)) == "processed")


def _each(report: Report, candidates: Candidates, what: str, check: Callable[[Any], None]) -> None:
    """Run `check` for each candidate, counting it; a failure is logged and counted, and
    the others go on."""
    for candidate in candidates:
        report.checked += 1
        try:
            check(candidate)
        except errors.GigflowError as error:
            log.warning(
                f"reconciling {what} failed", extra={"item": candidate, "error": error.message}
            )
            report.errors += 1


def _payments(db: Database, whop: WhopClient, pending: Candidates, report: Report) -> None:
    for chunk in _chunks(pending, CHECKOUTS_PER_REQUEST):
        try:
            found = list(
                whop.list_payments(checkout_configuration_ids=[c["whop_id"] for c in chunk])
            )
        except errors.GigflowError as error:
            log.warning("listing payments failed", extra={"error": error.message})
            report.errors += len(chunk)
            continue

        def check(candidate: dict[str, Any], found: list[Any] = found) -> None:
            payments = [
                p for p in found if p.get("checkout_configuration_id") == candidate["whop_id"]
            ]
            outcome = db.rpc(
                "apply_whop_checkout_payments",
                wire.plain({"target_order_id": candidate["subject"], "payments": payments}),
            )
            report.advanced += outcome in ("paid", "quarantined")
            report.cancelled += outcome == "expired"

        _each(report, chunk, "a payment", check)


def _refunds(db: Database, whop: WhopClient, requested: Candidates, report: Report) -> None:
    def check(payment_id: str) -> None:
        for refund in whop.list_refunds(payment_id=payment_id):
            report.advanced += _applied(db, "apply_whop_refund", {"refund": refund})

    payment_ids = sorted({r["whop_id"] for r in requested})
    _each(report, payment_ids, "refunds", check)


def sync_seller(db: Database, whop: WhopClient, company_id: str) -> bool:
    """Whop's word on a seller's payouts: the ledger account's payout status (KYC) and the
    payout methods. True when it changed something."""
    ledger = whop.get_ledger_account(company_id)
    methods = list(whop.list_payout_methods(company_id=company_id))
    changed = _applied(
        db, "apply_whop_ledger_account", {"account": ledger, "company_id": company_id}
    )
    return (
        _applied(db, "apply_whop_payout_methods", {"company_id": company_id, "methods": methods})
        or changed
    )


def _sellers(db: Database, whop: WhopClient, sellers: Candidates, report: Report) -> None:
    def check(seller: dict[str, Any]) -> None:
        report.advanced += sync_seller(db, whop, seller["whop_id"])

    _each(report, sellers, "a seller's payouts", check)


def _withdrawals(db: Database, whop: WhopClient, in_flight: Candidates, report: Report) -> None:
    def check(withdrawal: dict[str, Any]) -> None:
        found = whop.get_withdrawal(withdrawal["whop_id"])
        report.advanced += _applied(
            db,
            "apply_whop_withdrawal",
            {"withdrawal": found, "withdrawal_id": withdrawal["subject"]},
        )

    _each(report, in_flight, "a withdrawal", check)


def reconcile_once(db: Database, whop: WhopClient, *, max_items: int = 500) -> Report:
    """One pass over what is waiting on Whop; counts of what it checked and did."""
    candidates: list[dict[str, Any]] = db.rpc("claim_reconciliation_work", {"max_rows": max_items})
    report = Report()
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for candidate in candidates:
        by_kind.setdefault(candidate["kind"], []).append(candidate)
    _payments(db, whop, by_kind.get("payment", []), report)
    _refunds(db, whop, by_kind.get("refund", []) + by_kind.get("quarantine_refund", []), report)
    _sellers(db, whop, by_kind.get("kyc", []), report)
    _withdrawals(db, whop, by_kind.get("withdrawal", []), report)
    log.info("reconciliation finished", extra=report.as_dict())
    return report
