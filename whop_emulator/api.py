"""The subset of Whop's v1 API (under `/api/v1`) the worker uses, validating requests as
Whop does and answering in its shapes and error bodies."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from whop_emulator.control import WhopControl
from whop_emulator.state import Obj, WhopApiError, json_body, json_response, new_id, now, page
from worker.whop.money import cents_from_whop


def router(whop: WhopControl) -> APIRouter:
    api = APIRouter()

    @api.post("/companies")
    async def create_company(request: Request) -> Response:
        body = await json_body(request)
        title = _text(body, "title", 1, 100)
        parent = body.get("parent_company_id")
        if parent is not None and parent != whop.platform_company_id:
            raise WhopApiError(403, "forbidden", "the API key cannot create under that parent")
        if parent is not None:
            _text(body, "email", 3, 254)
        metadata = _object(body, "metadata")
        with whop.lock:
            company = whop.company_object(new_id("biz"), title, parent, metadata)
            whop.companies[company["id"]] = company
        return json_response(_public_company(company))

    @api.get("/companies/{company_id}")
    def get_company(company_id: str) -> Response:
        with whop.lock:
            return json_response(_public_company(whop.find(whop.companies, company_id, "company")))

    @api.get("/companies")
    def list_companies(request: Request) -> Response:
        parent = request.query_params.get("parent_company_id")
        with whop.lock:
            items = [
                _public_company(c)
                for c in whop.companies.values()
                if parent is None or c["parent_company_id"] == parent
            ]
        return page(items, request)

    @api.post("/checkout_configurations")
    async def create_checkout(request: Request) -> Response:
        body = await json_body(request)
        if body.get("mode", "payment") != "payment":
            raise WhopApiError(422, "invalid_request_error", "only mode payment", "mode")
        plan = _object(body, "plan", required=True)
        company_id = _text(plan, "company_id", 1, 64, prefix="plan.")
        with whop.lock:
            company = whop.find(whop.companies, company_id, "company")
        if company["parent_company_id"] != whop.platform_company_id:
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
        checkout_id = new_id("ch")
        plan_id = new_id("plan")
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
                    "id": new_id("prod"),
                    "external_identifier": product.get("external_identifier"),
                    "title": product.get("title"),
                },
            },
            "purchase_url": f"{whop.public_url}/checkout/{plan_id}?session={checkout_id}",
            "redirect_url": body.get("redirect_url"),
        }
        with whop.lock:
            whop.checkouts[checkout_id] = checkout
        return json_response(checkout)

    @api.get("/checkout_configurations/{checkout_id}")
    def get_checkout(checkout_id: str) -> Response:
        with whop.lock:
            return json_response(whop.find(whop.checkouts, checkout_id, "checkout configuration"))

    @api.get("/payments/{payment_id}")
    def get_payment(payment_id: str) -> Response:
        with whop.lock:
            return json_response(whop.find(whop.payments, payment_id, "payment"))

    @api.get("/payments")
    def list_payments(request: Request) -> Response:
        query = request.query_params
        company = query.get("company_id")
        checkouts = set(query.getlist("checkout_configuration_ids[]"))
        statuses = set(query.getlist("statuses[]"))
        with whop.lock:
            items = [
                p
                for p in whop.payments.values()
                if (company is None or p["company"]["id"] == company)
                and (not checkouts or p["checkout_configuration_id"] in checkouts)
                and (not statuses or p["status"] in statuses)
            ]
        return page(items, request)

    @api.post("/payments/{payment_id}/refund")
    async def refund_payment(payment_id: str, request: Request) -> Response:
        body = await json_body(request)
        partial = (
            cents_from_whop(_amount(body, "partial_amount", ""))
            if "partial_amount" in body
            else None
        )
        return json_response(whop.refund(payment_id, partial))

    @api.get("/refunds")
    def list_refunds(request: Request) -> Response:
        payment_id = request.query_params.get("payment_id")
        with whop.lock:
            items = [
                r
                for r in whop.refunds.values()
                if payment_id is None or r["payment"]["id"] == payment_id
            ]
        return page(items, request)

    @api.get("/refunds/{refund_id}")
    def get_refund(refund_id: str) -> Response:
        with whop.lock:
            return json_response(whop.find(whop.refunds, refund_id, "refund"))

    @api.post("/access_tokens")
    async def create_access_token(request: Request) -> Response:
        body = await json_body(request)
        company_id, user_id = body.get("company_id"), body.get("user_id")
        if bool(company_id) == bool(user_id):
            raise WhopApiError(
                422, "invalid_request_error", "give company_id or user_id", "company_id"
            )
        with whop.lock:
            if company_id:
                whop.find(whop.companies, company_id, "company")
            else:
                # A token for a Whop user: one Whop knows (never a made-up id).
                whop.find(whop.users, str(user_id), "user")
        actions = body.get("scoped_actions")
        if actions is not None and (
            not isinstance(actions, list) or not all(isinstance(a, str) for a in actions)
        ):
            raise WhopApiError(
                422, "invalid_request_error", "scoped_actions lists actions", "scoped_actions"
            )
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
        with whop.lock:
            whop.access_tokens[token["token"]] = {
                **token,
                "company_id": company_id,
                "user_id": user_id,
                "scoped_actions": actions,
            }
        return json_response(token)

    @api.get("/payout_methods")
    def list_payout_methods(request: Request) -> Response:
        company_id = request.query_params.get("company_id")
        if not company_id:
            raise WhopApiError(422, "invalid_request_error", "company_id is required", "company_id")
        with whop.lock:
            whop.find(whop.companies, company_id, "company")
            items = list(whop.payout_methods.get(company_id, []))
        return page(items, request)

    @api.post("/withdrawals")
    async def create_withdrawal(request: Request) -> Response:
        body = await json_body(request)
        company_id = _text(body, "company_id", 1, 64)
        amount = _amount(body, "amount", "")
        currency = _text(body, "currency", 3, 3)
        payout_method_id = body.get("payout_method_id")
        acting_for = request.state.whop_company
        if acting_for is not None and acting_for != company_id:
            raise WhopApiError(403, "forbidden", "the token is for another company", "company_id")
        with whop.lock:
            whop.find(whop.companies, company_id, "company")
            methods = whop.payout_methods.get(company_id, [])
            if payout_method_id is not None and payout_method_id not in {m["id"] for m in methods}:
                raise WhopApiError(
                    404,
                    "not_found",
                    f"payout method {payout_method_id} not found",
                    "payout_method_id",
                )
            pays_to = payout_method_id or next((m["id"] for m in methods if m["is_default"]), None)
            if whop.kyc.get(company_id) != "connected":
                raise WhopApiError(403, "forbidden", "the payout account is not connected")
            ledger = whop.ledger_object(company_id)
            balance = ledger["balances"][0]["balance"]
            in_flight = sum(
                (
                    w["amount"]
                    for w in whop.withdrawals.values()
                    if w["ledger_account"]["company_id"] == company_id
                    and w["status"] in ("requested", "awaiting_payment", "in_transit", "completed")
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
                "id": new_id("wdrl"),
                "amount": amount,
                "currency": currency.upper(),
                "status": "requested",
                "speed": "standard",
                "fee_amount": Decimal("0.00"),
                "ledger_account": {"id": ledger["id"], "company_id": company_id},
                "error_message": None,
                "created_at": now(),
            }
            whop.withdrawals[withdrawal["id"]] = withdrawal
            whop.withdrawal_payout_methods[withdrawal["id"]] = pays_to
        whop.emit("withdrawal.created", dict(withdrawal), company_id)
        return json_response(withdrawal)

    @api.get("/withdrawals/{withdrawal_id}")
    def get_withdrawal(withdrawal_id: str) -> Response:
        with whop.lock:
            return json_response(whop.find(whop.withdrawals, withdrawal_id, "withdrawal"))

    @api.post("/webhooks")
    async def create_webhook(request: Request) -> Response:
        body = await json_body(request)
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
            "id": new_id("hook"),
            "url": url,
            "events": events,
            "resource_id": body.get("resource_id") or whop.platform_company_id,
            "enabled": body.get("enabled", True),
            "api_version": body.get("api_version", "v1"),
            "child_resource_events": bool(body.get("child_resource_events", False)),
            "created_at": now(),
            "webhook_secret": "ws_" + secrets.token_urlsafe(32),
        }
        with whop.lock:
            whop.webhooks[hook["id"]] = hook
        return json_response(hook)

    @api.get("/webhooks")
    def list_webhooks(request: Request) -> Response:
        company = request.query_params.get("company_id")
        with whop.lock:
            items = [
                {key: value for key, value in hook.items() if key != "webhook_secret"}
                for hook in whop.webhooks.values()
                if company is None or hook["resource_id"] == company
            ]
        return page(items, request)

    @api.delete("/webhooks/{webhook_id}")
    def delete_webhook(webhook_id: str) -> Response:
        with whop.lock:
            whop.find(whop.webhooks, webhook_id, "webhook")
            del whop.webhooks[webhook_id]
        return json_response(True)

    @api.get("/ledger_accounts/{account_id}")
    def get_ledger_account(account_id: str) -> Response:
        company_id = "biz_" + account_id.split("_", 1)[-1]
        with whop.lock:
            whop.find(whop.companies, company_id, "ledger account")
            return json_response(whop.ledger_object(company_id))

    return api


def _public_company(company: Obj) -> Obj:
    return {key: value for key, value in company.items() if key != "parent_company_id"}


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
