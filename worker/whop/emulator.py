"""An offline Whop: a real HTTP server speaking the subset of the Whop v1 API the worker
uses (legacy `2025-01-01` shape, see whop-api.md), with state, Whop's validation and
error bodies, and correctly signed Standard Webhooks sent to a configured URL.

What Whop does on its own (a buyer paying, a seller passing KYC, a refund from the
dashboard) is triggered through control endpoints under `/_emulator/`, which the demo
and the tests call. Deliveries can be duplicated, held and released out of order,
dropped, or sent with a header id that differs from the body id, on request.
"""

from __future__ import annotations

import base64
import hashlib
import html
import logging
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from standardwebhooks import Webhook

from worker.whop import wire
from worker.whop.money import cents_from_whop, to_whop_amount

log = logging.getLogger("gigflow.whop_emulator")

SUPPORTED_VERSION = "2025-01-01"
KYC_STATUSES = (
    "connected",
    "disabled",
    "action_required",
    "pending_verification",
    "verification_failed",
    "not_started",
)
WITHDRAWAL_STATUSES = (
    "requested", "awaiting_payment", "in_transit", "completed", "failed", "canceled", "denied",
)  # fmt: skip
Obj = dict[str, Any]


class WhopApiError(Exception):
    def __init__(self, status: int, kind: str, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.param = status, kind, message, param

    def response(self) -> Response:
        error: Obj = {"type": self.kind, "message": self.message}
        if self.param:
            error["param"] = self.param
        return _json({"error": error}, self.status)


def _json(value: object, status: int = 200) -> Response:
    return Response(wire.dumps(value), status_code=status, media_type="application/json")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(7)}"


@dataclass
class Delivery:
    """One attempt to deliver one webhook message, as the emulator saw it."""

    webhook_id: str
    event_type: str
    status_code: int | None
    error: str | None = None


@dataclass
class _Message:
    webhook_id: str
    event_type: str
    body: str


@dataclass
class WhopEmulator:
    api_key: str
    webhook_secret: str
    platform_company_id: str = "biz_gigflowplatform"
    webhook_url: str | None = None
    public_url: str = "http://127.0.0.1:8787"
    delivery_attempts: int = 3
    send: Callable[[str, Mapping[str, str], bytes], int] | None = None

    companies: dict[str, Obj] = field(default_factory=dict)
    checkouts: dict[str, Obj] = field(default_factory=dict)
    payments: dict[str, Obj] = field(default_factory=dict)
    refunds: dict[str, Obj] = field(default_factory=dict)
    kyc: dict[str, str] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    held: list[_Message] = field(default_factory=list)
    dropped: list[_Message] = field(default_factory=list)
    holding: bool = False
    requests: list[tuple[str, str]] = field(default_factory=list)
    access_tokens: dict[str, Obj] = field(default_factory=dict)
    withdrawals: dict[str, Obj] = field(default_factory=dict)
    webhooks: dict[str, Obj] = field(default_factory=dict)
    oauth_client_id: str = "app_gigflowlocal"
    oauth_client_secret: str = field(default_factory=lambda: "ocs_" + secrets.token_urlsafe(16))
    oauth_users: dict[str, Obj] = field(default_factory=dict)
    oauth_codes: dict[str, Obj] = field(default_factory=dict)
    oauth_tokens: dict[str, Obj] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.companies[self.platform_company_id] = self._company_object(
            self.platform_company_id, "GigFlow platform", None, {}
        )
        self._signer = Webhook(self.webhook_secret.encode())

    # What happens at Whop without an API call from us.

    def pay(
        self,
        checkout_id: str,
        *,
        duplicate: bool = False,
        drop_webhook: bool = False,
        header_id_differs: bool = False,
    ) -> Obj:
        """The buyer completes the checkout: a paid payment and its payment.succeeded."""
        with self._lock:
            checkout = self._find(self.checkouts, checkout_id, "checkout configuration")
            if any(p["checkout_configuration_id"] == checkout_id for p in self.payments.values()):
                raise WhopApiError(409, "conflict", f"checkout {checkout_id} is already paid")
            payment = self._payment_object(checkout, status="paid", substatus="succeeded")
            self.payments[payment["id"]] = payment
        self._emit(
            "payment.succeeded",
            payment,
            checkout["company_id"],
            copies=2 if duplicate else 1,
            drop=drop_webhook,
            header_id_differs=header_id_differs,
        )
        return payment

    def fail(self, checkout_id: str, message: str = "Your card was declined.") -> Obj:
        with self._lock:
            checkout = self._find(self.checkouts, checkout_id, "checkout configuration")
            payment = self._payment_object(checkout, status="open", substatus="failed")
            payment["failure_message"] = message
            payment["paid_at"] = None
            self.payments[payment["id"]] = payment
        self._emit("payment.failed", payment, checkout["company_id"])
        return payment

    def adopt_company(self, company_id: str, title: str, kyc_status: str) -> None:
        """A seller's company that existed at Whop before this emulator started (the
        seed's demo sellers): known, under the platform, with its payout status. No
        webhook: nothing changed at Whop."""
        if kyc_status not in KYC_STATUSES:
            raise WhopApiError(
                422, "invalid_request_error", f"unknown status {kyc_status}", "status"
            )
        with self._lock:
            self.companies.setdefault(
                company_id,
                self._company_object(company_id, title, self.platform_company_id, {}),
            )
            self.kyc[company_id] = kyc_status

    def set_kyc(self, company_id: str, status: str) -> Obj:
        """The seller's payout account changes status; `connected` means verified."""
        if status not in KYC_STATUSES:
            raise WhopApiError(422, "invalid_request_error", f"unknown status {status}", "status")
        with self._lock:
            self._find(self.companies, company_id, "company")
            self.kyc[company_id] = status
            ledger = self._ledger_object(company_id)
        details = ledger["payout_account_details"]
        if status == "connected":
            self._emit("verification.succeeded", details["latest_verification"], company_id)
        self._emit(
            "payout_account.status_updated", {**details, "company_id": company_id}, company_id
        )
        return ledger

    def refund(self, payment_id: str, amount_cents: int | None = None) -> Obj:
        """A refund of a paid payment (the API call, or an operator in Whop's dashboard):
        refund.created while pending, then refund.updated once it succeeded."""
        with self._lock:
            payment = self._find(self.payments, payment_id, "payment")
            total = cents_from_whop(payment["total"]) or 0
            refunded = cents_from_whop(payment["refunded_amount"]) or 0
            if payment["status"] != "paid":
                raise WhopApiError(422, "invalid_request_error", "payment is not refundable")
            amount = total - refunded if amount_cents is None else amount_cents
            if not 0 < amount <= total - refunded:
                raise WhopApiError(
                    422,
                    "invalid_request_error",
                    f"refund of {to_whop_amount(amount)} exceeds the refundable"
                    f" {to_whop_amount(total - refunded)}",
                    "partial_amount",
                )
            refund: Obj = {
                "id": _new_id("rf"),
                "amount": to_whop_amount(amount),
                "currency": payment["currency"],
                "status": "pending",
                "payment": {
                    key: payment[key] for key in ("id", "metadata", "total", "currency", "user")
                },
            }
            self.refunds[refund["id"]] = refund
            payment["refunded_amount"] = to_whop_amount(refunded + amount)
            payment["refunded_at"] = _now()
            payment["substatus"] = (
                "refunded" if refunded + amount == total else "partially_refunded"
            )
            payment["refundable"] = refunded + amount < total
            fee = payment["application_fee"]
            fee_cents = cents_from_whop(fee["amount"]) or 0
            fee["amount_refunded"] = to_whop_amount(
                int(
                    (Decimal(fee_cents) * (refunded + amount) / total).to_integral_value(
                        ROUND_HALF_UP
                    )
                )
            )
            company_id = payment["company"]["id"]
        self._emit("refund.created", dict(refund), company_id)
        with self._lock:
            refund["status"] = "succeeded"
        self._emit("refund.updated", dict(refund), company_id)
        return payment

    def settle_withdrawal(self, withdrawal_id: str, status: str = "completed") -> Obj:
        """Whop moves a withdrawal on (in_transit, completed, failed, …) and says so."""
        if status not in WITHDRAWAL_STATUSES:
            raise WhopApiError(422, "invalid_request_error", f"unknown status {status}", "status")
        with self._lock:
            withdrawal = self._find(self.withdrawals, withdrawal_id, "withdrawal")
            withdrawal["status"] = status
            if status == "failed":
                withdrawal["error_message"] = "The bank rejected the transfer."
            company_id = withdrawal["ledger_account"]["company_id"]
        self._emit("withdrawal.updated", dict(withdrawal), company_id)
        return withdrawal

    def approve_oauth(self, authorize_url: str, *, whop_user_id: str = "user_gigflowdemo") -> str:
        """The user signs in at Whop and approves: the redirect back, with a code."""
        query = httpx.URL(authorize_url).params
        if query.get("client_id") != self.oauth_client_id:
            raise WhopApiError(400, "invalid_client", "unknown client_id")
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            raise WhopApiError(400, "invalid_request", "PKCE with S256 is required")
        code = secrets.token_urlsafe(24)
        with self._lock:
            self.oauth_users.setdefault(
                whop_user_id,
                {
                    "sub": whop_user_id,
                    "name": "Whop User",
                    "preferred_username": whop_user_id,
                    "email": f"{whop_user_id}@whop.example",
                },
            )
            self.oauth_codes[code] = {
                "user": whop_user_id,
                "challenge": query["code_challenge"],
                "redirect_uri": query.get("redirect_uri"),
                "scope": query.get("scope", ""),
            }
        return str(httpx.URL(query["redirect_uri"], params={"code": code, "state": query["state"]}))

    # Webhook delivery.

    def hold_webhooks(self) -> None:
        """Keep messages instead of sending them, until release_webhooks()."""
        with self._lock:
            self.holding = True

    def release_webhooks(self, order: Literal["sent", "reversed"] = "sent") -> int:
        with self._lock:
            self.holding = False
            messages, self.held = self.held, []
        for message in reversed(messages) if order == "reversed" else messages:
            self._deliver(message)
        return len(messages)

    def deliver_dropped(self) -> int:
        """Send, late, the messages dropped on request (a retry that comes after all)."""
        with self._lock:
            messages, self.dropped = self.dropped, []
        for message in messages:
            self._deliver(message)
        return len(messages)

    def _emit(
        self,
        event_type: str,
        data: Obj,
        company_id: str,
        *,
        copies: int = 1,
        drop: bool = False,
        header_id_differs: bool = False,
    ) -> None:
        body_id = _new_id("msg")
        envelope = {
            "id": body_id,
            "api_version": "v1",
            "type": event_type,
            "timestamp": _now(),
            "company_id": company_id,
            "data": data,
        }
        header_id = _new_id("msg") if header_id_differs else body_id
        message = _Message(header_id, event_type, wire.dumps(envelope))
        if drop:
            self.deliveries.append(Delivery(header_id, event_type, None, "dropped on request"))
            with self._lock:
                self.dropped.append(message)
            return
        for _ in range(copies):
            with self._lock:
                if self.holding:
                    self.held.append(message)
                    continue
            self._deliver(message)

    def _targets(self, event_type: str) -> list[tuple[str, Webhook]]:
        """Where a message goes: the configured URL, and every enabled webhook created
        through the API that subscribes to the event (each signed with its own secret)."""
        targets = [(self.webhook_url, self._signer)] if self.webhook_url else []
        with self._lock:
            hooks = list(self.webhooks.values())
        targets += [
            (hook["url"], Webhook(hook["webhook_secret"].encode()))
            for hook in hooks
            if hook["enabled"] and event_type in hook["events"]
        ]
        return targets

    def _deliver(self, message: _Message) -> None:
        targets = self._targets(message.event_type)
        if not targets:
            self.deliveries.append(Delivery(message.webhook_id, message.event_type, None, "no url"))
        for url, signer in targets:
            self._deliver_to(url, signer, message)

    def _deliver_to(self, url: str, signer: Webhook, message: _Message) -> None:
        for _ in range(self.delivery_attempts):
            sent_at = datetime.now(UTC)
            headers = {
                "webhook-id": message.webhook_id,
                "webhook-timestamp": str(int(sent_at.timestamp())),
                "webhook-signature": signer.sign(message.webhook_id, sent_at, message.body),
                "content-type": "application/json",
                "user-agent": "gigflow-whop-emulator",
            }
            try:
                status = (self.send or _http_send)(url, headers, message.body.encode())
            except httpx.HTTPError as error:
                self.deliveries.append(
                    Delivery(message.webhook_id, message.event_type, None, type(error).__name__)
                )
                continue
            self.deliveries.append(Delivery(message.webhook_id, message.event_type, status))
            if 200 <= status < 300:
                return
        log.warning("webhook delivery gave up", extra={"webhook_id": message.webhook_id})

    # Objects, in Whop's legacy shapes.

    def _company_object(
        self, company_id: str, title: str, parent: str | None, metadata: Mapping[str, Any]
    ) -> Obj:
        return {
            "id": company_id,
            "title": title,
            "route": title.lower().replace(" ", "-")[:40],
            "metadata": dict(metadata),
            "owner_user": {"id": _new_id("user"), "username": None, "name": None},
            "verified": False,
            "created_at": _now(),
            "parent_company_id": parent,
        }

    def _payment_object(self, checkout: Obj, *, status: str, substatus: str) -> Obj:
        plan = checkout["plan"]
        company = self.companies[checkout["company_id"]]
        total = plan["initial_price"]
        fee = plan["application_fee_amount"]
        return {
            "id": _new_id("pay"),
            "status": status,
            "substatus": substatus,
            "total": total,
            "subtotal": total,
            "usd_total": total if plan["currency"] == "usd" else None,
            "amount_after_fees": total - fee,
            "refunded_amount": Decimal("0.00"),
            "refunded_at": None,
            "currency": plan["currency"],
            "application_fee": {
                "amount": fee,
                "amount_refunded": Decimal("0.00"),
                "currency": plan["currency"],
            },
            "metadata": dict(checkout["metadata"]),
            "checkout_configuration_id": checkout["id"],
            "company": {"id": company["id"], "title": company["title"]},
            "user": {
                "id": _new_id("user"),
                "email": "buyer@example.com",
                "name": "Buyer",
                "username": "buyer",
            },
            "plan": {"id": plan["id"]},
            "product": dict(plan["product"]),
            "paid_at": _now() if status == "paid" else None,
            "created_at": _now(),
            "refundable": status == "paid",
            "failure_message": None,
        }

    def _ledger_object(self, company_id: str) -> Obj:
        status = self.kyc.get(company_id, "not_started")
        verification_status = {
            "connected": "verified",
            "verification_failed": "declined",
            "disabled": "declined",
            "action_required": "requires_input",
            "pending_verification": "review",
        }.get(status, "created")
        earned = sum(
            (cents_from_whop(p["amount_after_fees"]) or 0)
            - (cents_from_whop(p["refunded_amount"]) or 0)
            for p in self.payments.values()
            if p["company"]["id"] == company_id and p["status"] == "paid"
        )
        return {
            "id": "ldgr_" + company_id.removeprefix("biz_"),
            "balances": [
                {
                    "currency": "usd",
                    "balance": to_whop_amount(max(earned, 0)),
                    "pending_balance": Decimal("0.00"),
                    "reserve_balance": Decimal("0.00"),
                }
            ],
            "payout_account_details": {
                "status": status,
                "latest_verification": {
                    "id": "verf_" + company_id.removeprefix("biz_"),
                    "status": verification_status,
                    "last_error_code": "document_unreadable"
                    if verification_status == "declined"
                    else None,
                    "last_error_reason": None,
                },
            },
        }

    @staticmethod
    def _find(table: dict[str, Obj], key: str, what: str) -> Obj:
        found = table.get(key)
        if found is None:
            raise WhopApiError(404, "not_found", f"{what} {key} was not found")
        return found

    # The HTTP face.

    def app(self) -> FastAPI:
        app = FastAPI(title="Whop API emulator (GigFlow)", docs_url=None, redoc_url=None)

        @app.exception_handler(WhopApiError)
        async def whop_error(_: Request, error: WhopApiError) -> Response:
            return error.response()

        @app.middleware("http")
        async def authenticate(request: Request, call_next: Callable[..., Any]) -> Response:
            path = request.url.path
            self.requests.append((request.method, path))
            if path.startswith("/api/v1/"):
                if request.headers.get("authorization") != f"Bearer {self.api_key}":
                    return WhopApiError(401, "unauthorized", "invalid API key").response()
                version = request.headers.get("api-version-date")
                if version is not None and version != SUPPORTED_VERSION:
                    return WhopApiError(
                        400,
                        "invalid_request_error",
                        f"unknown or unsupported Api-Version-Date {version!r}",
                    ).response()
            response: Response = await call_next(request)
            return response

        @app.get("/checkout/{plan_id}", response_class=HTMLResponse)
        def hosted_checkout(plan_id: str, session: str) -> str:
            """The page a purchase_url opens: what a buyer sees at Whop, reduced to a button."""
            with self._lock:
                checkout = self._find(self.checkouts, session, "checkout configuration")
            if checkout["plan"]["id"] != plan_id:
                raise WhopApiError(404, "not_found", f"plan {plan_id} was not found")
            price = checkout["plan"]["initial_price"]
            action = f"/_emulator/checkout_configurations/{html.escape(session)}/pay"
            return (
                f"<!doctype html><title>Whop emulator checkout</title>"
                f"<h1>{html.escape(str(checkout['plan']['title'] or 'Checkout'))}</h1>"
                f"<p>{price} {html.escape(checkout['plan']['currency'].upper())}</p>"
                f'<form method="post" action="{action}"><button>Pay</button></form>'
            )

        app.include_router(self._api_router(), prefix="/api/v1")
        app.include_router(self._oauth_router(), prefix="/oauth")
        app.include_router(self._control_router(), prefix="/_emulator")
        return app

    def _api_router(self) -> APIRouter:
        api = APIRouter()

        @api.post("/companies")
        async def create_company(request: Request) -> Response:
            body = await _body(request)
            title = _text(body, "title", 1, 100)
            parent = body.get("parent_company_id")
            if parent is not None and parent != self.platform_company_id:
                raise WhopApiError(403, "forbidden", "the API key cannot create under that parent")
            if parent is not None:
                _text(body, "email", 3, 254)
            metadata = _object(body, "metadata")
            with self._lock:
                company = self._company_object(_new_id("biz"), title, parent, metadata)
                self.companies[company["id"]] = company
            return _json(_public_company(company))

        @api.get("/companies/{company_id}")
        def get_company(company_id: str) -> Response:
            with self._lock:
                return _json(_public_company(self._find(self.companies, company_id, "company")))

        @api.get("/companies")
        def list_companies(request: Request) -> Response:
            parent = request.query_params.get("parent_company_id")
            with self._lock:
                items = [
                    _public_company(c)
                    for c in self.companies.values()
                    if parent is None or c["parent_company_id"] == parent
                ]
            return _page(items, request)

        @api.post("/checkout_configurations")
        async def create_checkout(request: Request) -> Response:
            body = await _body(request)
            if body.get("mode", "payment") != "payment":
                raise WhopApiError(422, "invalid_request_error", "only mode payment", "mode")
            plan = _object(body, "plan", required=True)
            company_id = _text(plan, "company_id", 1, 64, prefix="plan.")
            with self._lock:
                company = self._find(self.companies, company_id, "company")
            if company["parent_company_id"] != self.platform_company_id:
                raise WhopApiError(
                    422,
                    "invalid_request_error",
                    "application fees work only on a connected (child) company",
                    "plan.company_id",
                )
            currency = _text(plan, "currency", 3, 3, prefix="plan.")
            if currency != currency.lower():
                raise WhopApiError(
                    422, "invalid_request_error", "currency is lowercase", "plan.currency"
                )
            if plan.get("plan_type") != "one_time":
                raise WhopApiError(422, "invalid_request_error", "plan_type", "plan.plan_type")
            price = _amount(plan, "initial_price", "plan.")
            fee = _amount(plan, "application_fee_amount", "plan.", allow_zero=True)
            if fee >= price:
                raise WhopApiError(
                    422,
                    "invalid_request_error",
                    "application_fee_amount must be less than the price",
                    "plan.application_fee_amount",
                )
            product = _object(plan, "product")
            metadata = _object(body, "metadata")
            checkout_id = _new_id("ch")
            plan_id = _new_id("plan")
            checkout = {
                "id": checkout_id,
                "company_id": company_id,
                "mode": "payment",
                "metadata": metadata,
                "plan": {
                    "id": plan_id,
                    "currency": currency,
                    "initial_price": price,
                    "application_fee_amount": fee,
                    "plan_type": "one_time",
                    "title": plan.get("title"),
                    "product": {
                        "id": _new_id("prod"),
                        "external_identifier": product.get("external_identifier"),
                        "title": product.get("title"),
                    },
                },
                "purchase_url": f"{self.public_url}/checkout/{plan_id}?session={checkout_id}",
                "redirect_url": body.get("redirect_url"),
            }
            with self._lock:
                self.checkouts[checkout_id] = checkout
            return _json(checkout)

        @api.get("/checkout_configurations/{checkout_id}")
        def get_checkout(checkout_id: str) -> Response:
            with self._lock:
                return _json(self._find(self.checkouts, checkout_id, "checkout configuration"))

        @api.get("/payments/{payment_id}")
        def get_payment(payment_id: str) -> Response:
            with self._lock:
                return _json(self._find(self.payments, payment_id, "payment"))

        @api.get("/payments")
        def list_payments(request: Request) -> Response:
            query = request.query_params
            company = query.get("company_id")
            checkouts = set(query.getlist("checkout_configuration_ids[]"))
            statuses = set(query.getlist("statuses[]"))
            with self._lock:
                items = [
                    p
                    for p in self.payments.values()
                    if (company is None or p["company"]["id"] == company)
                    and (not checkouts or p["checkout_configuration_id"] in checkouts)
                    and (not statuses or p["status"] in statuses)
                ]
            return _page(items, request)

        @api.post("/payments/{payment_id}/refund")
        async def refund_payment(payment_id: str, request: Request) -> Response:
            body = await _body(request)
            partial = (
                cents_from_whop(_amount(body, "partial_amount", ""))
                if "partial_amount" in body
                else None
            )
            return _json(self.refund(payment_id, partial))

        @api.get("/refunds")
        def list_refunds(request: Request) -> Response:
            payment_id = request.query_params.get("payment_id")
            with self._lock:
                items = [
                    r
                    for r in self.refunds.values()
                    if payment_id is None or r["payment"]["id"] == payment_id
                ]
            return _page(items, request)

        @api.get("/refunds/{refund_id}")
        def get_refund(refund_id: str) -> Response:
            with self._lock:
                return _json(self._find(self.refunds, refund_id, "refund"))

        @api.post("/access_tokens")
        async def create_access_token(request: Request) -> Response:
            body = await _body(request)
            company_id, user_id = body.get("company_id"), body.get("user_id")
            if bool(company_id) == bool(user_id):
                raise WhopApiError(
                    422, "invalid_request_error", "give company_id or user_id", "company_id"
                )
            if company_id:
                with self._lock:
                    self._find(self.companies, company_id, "company")
            now = datetime.now(UTC)
            expires = body.get("expires_at")
            expires_at = (
                datetime.fromisoformat(expires)
                if isinstance(expires, str)
                else now + timedelta(hours=1)
            )
            if expires_at > now + timedelta(hours=3, minutes=1) or expires_at <= now:
                raise WhopApiError(
                    422, "invalid_request_error", "expires_at is at most 3 hours away", "expires_at"
                )
            token = {
                "token": "wat_" + secrets.token_urlsafe(24),
                "expires_at": expires_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
            }
            with self._lock:
                self.access_tokens[token["token"]] = {
                    **token,
                    "company_id": company_id,
                    "user_id": user_id,
                    "scoped_actions": body.get("scoped_actions"),
                }
            return _json(token)

        @api.post("/withdrawals")
        async def create_withdrawal(request: Request) -> Response:
            body = await _body(request)
            company_id = _text(body, "company_id", 1, 64)
            amount = _amount(body, "amount", "")
            currency = _text(body, "currency", 3, 3)
            with self._lock:
                self._find(self.companies, company_id, "company")
                if self.kyc.get(company_id) != "connected":
                    raise WhopApiError(403, "forbidden", "the payout account is not connected")
                ledger = self._ledger_object(company_id)
                balance = ledger["balances"][0]["balance"]
                in_flight = sum(
                    (
                        w["amount"]
                        for w in self.withdrawals.values()
                        if w["ledger_account"]["company_id"] == company_id
                        and w["status"]
                        in ("requested", "awaiting_payment", "in_transit", "completed")
                    ),
                    Decimal("0.00"),
                )
                if amount > balance - in_flight:
                    raise WhopApiError(
                        422,
                        "invalid_request_error",
                        f"amount {amount} exceeds the balance {balance - in_flight}",
                        "amount",
                    )
                withdrawal = {
                    "id": _new_id("wdrl"),
                    "amount": amount,
                    "currency": currency.upper(),
                    "status": "requested",
                    "speed": "standard",
                    "fee_amount": Decimal("0.00"),
                    "ledger_account": {"id": ledger["id"], "company_id": company_id},
                    "error_message": None,
                    "created_at": _now(),
                }
                self.withdrawals[withdrawal["id"]] = withdrawal
            self._emit("withdrawal.created", dict(withdrawal), company_id)
            return _json(withdrawal)

        @api.get("/withdrawals/{withdrawal_id}")
        def get_withdrawal(withdrawal_id: str) -> Response:
            with self._lock:
                return _json(self._find(self.withdrawals, withdrawal_id, "withdrawal"))

        @api.post("/webhooks")
        async def create_webhook(request: Request) -> Response:
            body = await _body(request)
            url = _text(body, "url", 8, 2000)
            events = body.get("events")
            if (
                not isinstance(events, list)
                or not events
                or not all(isinstance(e, str) for e in events)
            ):
                raise WhopApiError(
                    422, "invalid_request_error", "events must be a list of event types", "events"
                )
            hook = {
                "id": _new_id("hook"),
                "url": url,
                "events": events,
                "resource_id": body.get("resource_id") or self.platform_company_id,
                "enabled": body.get("enabled", True),
                "api_version": body.get("api_version", "v1"),
                "child_resource_events": bool(body.get("child_resource_events", False)),
                "created_at": _now(),
                "webhook_secret": "ws_" + secrets.token_urlsafe(32),
            }
            with self._lock:
                self.webhooks[hook["id"]] = hook
            return _json(hook)

        @api.get("/webhooks")
        def list_webhooks(request: Request) -> Response:
            company = request.query_params.get("company_id")
            with self._lock:
                items = [
                    {key: value for key, value in hook.items() if key != "webhook_secret"}
                    for hook in self.webhooks.values()
                    if company is None or hook["resource_id"] == company
                ]
            return _page(items, request)

        @api.delete("/webhooks/{webhook_id}")
        def delete_webhook(webhook_id: str) -> Response:
            with self._lock:
                self._find(self.webhooks, webhook_id, "webhook")
                del self.webhooks[webhook_id]
            return _json(True)

        @api.get("/ledger_accounts/{account_id}")
        def get_ledger_account(account_id: str) -> Response:
            company_id = "biz_" + account_id.split("_", 1)[-1]
            with self._lock:
                self._find(self.companies, company_id, "ledger account")
                return _json(self._ledger_object(company_id))

        return api

    def _oauth_router(self) -> APIRouter:
        """Whop's OAuth 2.1 endpoints (PKCE with S256). The client may authenticate in the
        body or with HTTP Basic; errors are {error, error_description}."""
        oauth = APIRouter()

        def refuse(status: int, error: str, description: str) -> Response:
            return _json({"error": error, "error_description": description}, status)

        @oauth.post("/token")
        async def token(request: Request) -> Response:
            form = (
                dict(await request.form())
                if "form" in request.headers.get("content-type", "")
                else None
            )
            body: Obj = form if form is not None else await _body(request)
            client_id, client_secret = body.get("client_id"), body.get("client_secret")
            basic = request.headers.get("authorization", "")
            if basic.lower().startswith("basic "):
                decoded = base64.b64decode(basic[6:]).decode()
                client_id, _, client_secret = decoded.partition(":")
            if client_id != self.oauth_client_id or client_secret != self.oauth_client_secret:
                return refuse(401, "invalid_client", "client authentication failed")
            with self._lock:
                if body.get("grant_type") == "authorization_code":
                    grant = self.oauth_codes.pop(str(body.get("code")), None)
                    verifier = str(body.get("code_verifier") or "")
                    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                    if (
                        grant is None
                        or grant["redirect_uri"] != body.get("redirect_uri")
                        or challenge.decode().rstrip("=") != grant["challenge"]
                    ):
                        return refuse(
                            400,
                            "invalid_grant",
                            "the code is unknown, used, or the verifier is wrong",
                        )
                    user, scope = grant["user"], grant["scope"]
                elif body.get("grant_type") == "refresh_token":
                    previous = self.oauth_tokens.pop(
                        "refresh:" + str(body.get("refresh_token")), None
                    )
                    if previous is None:
                        return refuse(
                            400, "invalid_grant", "the refresh token is unknown or revoked"
                        )
                    self.oauth_tokens.pop("access:" + previous["access_token"], None)
                    user, scope = previous["user"], previous["scope"]
                else:
                    return refuse(
                        400, "unsupported_grant_type", "authorization_code or refresh_token"
                    )
                issued = {
                    "access_token": "oat_" + secrets.token_urlsafe(24),
                    "refresh_token": "ort_" + secrets.token_urlsafe(24),
                    "token_type": "Bearer",
                    "expires_in": 3600,
                }
                record = {**issued, "user": user, "scope": scope}
                self.oauth_tokens["access:" + issued["access_token"]] = record
                self.oauth_tokens["refresh:" + issued["refresh_token"]] = record
            return _json(issued)

        @oauth.get("/userinfo")
        def userinfo(request: Request) -> Response:
            bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
            with self._lock:
                record = self.oauth_tokens.get("access:" + bearer)
                if record is None:
                    return refuse(401, "invalid_token", "the access token is unknown or revoked")
                return _json(self.oauth_users[record["user"]])

        @oauth.post("/revoke")
        async def revoke(request: Request) -> Response:
            body = await _body(request)
            token_value = str(body.get("token", ""))
            with self._lock:
                for key in ("access:" + token_value, "refresh:" + token_value):
                    record = self.oauth_tokens.pop(key, None)
                    if record:
                        self.oauth_tokens.pop("access:" + record["access_token"], None)
                        self.oauth_tokens.pop("refresh:" + record["refresh_token"], None)
            return _json({})

        return oauth

    def _control_router(self) -> APIRouter:
        control = APIRouter()

        @control.post("/checkout_configurations/{checkout_id}/pay")
        def pay(
            checkout_id: str,
            duplicate: bool = False,
            drop_webhook: bool = False,
            header_id_differs: bool = False,
        ) -> Response:
            return _json(
                self.pay(
                    checkout_id,
                    duplicate=duplicate,
                    drop_webhook=drop_webhook,
                    header_id_differs=header_id_differs,
                )
            )

        @control.post("/checkout_configurations/{checkout_id}/fail")
        def fail(checkout_id: str) -> Response:
            return _json(self.fail(checkout_id))

        @control.post("/companies/{company_id}/kyc/{status}")
        def kyc(company_id: str, status: str) -> Response:
            return _json(self.set_kyc(company_id, status))

        @control.post("/payments/{payment_id}/refund")
        def dashboard_refund(payment_id: str, amount_cents: int | None = None) -> Response:
            return _json(self.refund(payment_id, amount_cents))

        @control.post("/webhooks/hold")
        def hold() -> Response:
            self.hold_webhooks()
            return _json({"holding": True})

        @control.post("/webhooks/release")
        def release(order: Literal["sent", "reversed"] = "sent") -> Response:
            return _json({"released": self.release_webhooks(order)})

        @control.post("/webhooks/deliver-dropped")
        def deliver_dropped() -> Response:
            return _json({"delivered": self.deliver_dropped()})

        @control.post("/withdrawals/{withdrawal_id}/{status}")
        def settle_withdrawal(withdrawal_id: str, status: str) -> Response:
            return _json(self.settle_withdrawal(withdrawal_id, status))

        @control.get("/deliveries")
        def deliveries() -> Response:
            return _json([vars(d) for d in self.deliveries])

        return control


def _http_send(url: str, headers: Mapping[str, str], body: bytes) -> int:
    return httpx.post(url, headers=dict(headers), content=body, timeout=10).status_code


def _public_company(company: Obj) -> Obj:
    return {key: value for key, value in company.items() if key != "parent_company_id"}


async def _body(request: Request) -> Obj:
    raw = await request.body()
    try:
        body = wire.loads(raw or b"{}")
    except ValueError as error:
        raise WhopApiError(400, "invalid_request_error", "the body is not JSON") from error
    if not isinstance(body, dict):
        raise WhopApiError(400, "invalid_request_error", "the body must be a JSON object")
    return body


def _text(body: Obj, name: str, low: int, high: int, *, prefix: str = "") -> str:
    value = body.get(name)
    if not isinstance(value, str) or not low <= len(value) <= high:
        raise WhopApiError(
            422,
            "invalid_request_error",
            f"{prefix}{name} is required ({low}-{high} characters)",
            f"{prefix}{name}",
        )
    return value


def _object(body: Obj, name: str, *, required: bool = False) -> Obj:
    value = body.get(name)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise WhopApiError(422, "invalid_request_error", f"{name} must be an object", name)
    return value


def _amount(body: Obj, name: str, prefix: str, *, allow_zero: bool = False) -> Decimal:
    """Whop amounts are JSON numbers in major units with at most two decimals."""
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise WhopApiError(
            422, "invalid_request_error", f"{prefix}{name} must be a number", f"{prefix}{name}"
        )
    exact = Decimal(value)
    if exact < 0 or (exact == 0 and not allow_zero) or exact != exact.quantize(Decimal("0.01")):
        raise WhopApiError(
            422,
            "invalid_request_error",
            f"{prefix}{name} must be a positive amount with at most 2 decimals",
            f"{prefix}{name}",
        )
    return exact.quantize(Decimal("0.01"))


def _page(items: list[Obj], request: Request) -> Response:
    """Whop's cursor pages: `first`/`after`, answered with data and page_info."""
    query = request.query_params
    try:
        first = max(1, min(int(query.get("first", "25")), 100))
        start = int(query.get("after", "0") or 0)
    except ValueError as error:
        raise WhopApiError(400, "invalid_request_error", "bad cursor") from error
    chunk = items[start : start + first]
    end = start + len(chunk)
    return _json(
        {
            "data": chunk,
            "page_info": {
                "start_cursor": str(start) if chunk else None,
                "end_cursor": str(end) if chunk else None,
                "has_next_page": end < len(items),
                "has_previous_page": start > 0,
            },
        }
    )
