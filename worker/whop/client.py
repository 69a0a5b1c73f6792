"""The Whop v1 API calls the worker makes, over httpx.

- The legacy payload shape is pinned (`Api-Version-Date: 2025-01-01`), so amounts are
  decimal dollars and sellers are `company_id` (see docs/whop-api.md).
- Retries: reads retry on 408/409/429/5xx and on transport errors; writes retry only
  where a retry cannot do the thing twice (429, or a connection that never opened),
  because Whop's idempotency keys are unconfirmed. `Retry-After` (seconds or an HTTP
  date, or Whop's "Try again in N seconds." body) is honoured up to a cap.
- Failures become `worker.errors` (Whop's status mapped once, in `errors.from_whop`).
"""

from __future__ import annotations

import email.utils
import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from worker import errors
from worker.whop import wire
from worker.whop.money import to_whop_amount

log = logging.getLogger("gigflow.whop")

API_VERSION_DATE = "2025-01-01"
RETRYABLE_READ_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
TRY_AGAIN_IN = re.compile(r"try again in (\d+(?:\.\d+)?) seconds?", re.IGNORECASE)

WhopObject = dict[str, Any]


class WhopClient:
    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = "https://api.whop.com/api/v1",
        timeout_seconds: float = 10.0,
        max_retries: int = 2,
        backoff_seconds: float = 0.5,
        max_retry_after_seconds: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            timeout=timeout_seconds,
            transport=transport,
            headers={
                "Authorization": f"Bearer {api_key}",
                "Api-Version-Date": API_VERSION_DATE,
                "Accept": "application/json",
                "User-Agent": "gigflow-worker",
            },
        )
        self._max_retries = max_retries
        self._backoff_seconds = backoff_seconds
        self._max_retry_after_seconds = max_retry_after_seconds
        self._sleep = sleep

    def close(self) -> None:
        self._http.close()

    # Companies (sellers are connected companies under the platform's company).

    def create_company(
        self, *, title: str, email: str, parent_company_id: str, metadata: Mapping[str, Any]
    ) -> WhopObject:
        return self._post(
            "companies",
            {
                "title": title,
                "email": email,
                "parent_company_id": parent_company_id,
                "metadata": dict(metadata),
            },
        )

    def get_company(self, company_id: str) -> WhopObject:
        return self._get(f"companies/{_segment(company_id)}")

    def list_companies(self, *, parent_company_id: str) -> Iterator[WhopObject]:
        return self._pages("companies", {"parent_company_id": parent_company_id})

    # Checkout.

    def create_checkout_configuration(
        self,
        *,
        company_id: str,
        currency: str,
        price_cents: int,
        application_fee_cents: int,
        title: str,
        external_identifier: str,
        metadata: Mapping[str, Any],
        redirect_url: str | None = None,
    ) -> WhopObject:
        body: dict[str, Any] = {
            "mode": "payment",
            "plan": {
                "company_id": company_id,
                "currency": currency.lower(),
                "initial_price": to_whop_amount(price_cents),
                "plan_type": "one_time",
                "application_fee_amount": to_whop_amount(application_fee_cents),
                "title": title[:80],
                "product": {"external_identifier": external_identifier, "title": title[:80]},
            },
            "metadata": dict(metadata),
        }
        if redirect_url:
            body["redirect_url"] = redirect_url
        return self._post("checkout_configurations", body)

    def get_checkout_configuration(self, checkout_id: str) -> WhopObject:
        return self._get(f"checkout_configurations/{_segment(checkout_id)}")

    # Payments and refunds.

    def get_payment(self, payment_id: str) -> WhopObject:
        return self._get(f"payments/{_segment(payment_id)}")

    def list_payments(
        self,
        *,
        company_id: str | None = None,
        checkout_configuration_ids: Sequence[str] = (),
        statuses: Sequence[str] = (),
    ) -> Iterator[WhopObject]:
        params: dict[str, Any] = {}
        if company_id:
            params["company_id"] = company_id
        if checkout_configuration_ids:
            params["checkout_configuration_ids[]"] = list(checkout_configuration_ids)
        if statuses:
            params["statuses[]"] = list(statuses)
        return self._pages("payments", params)

    def refund_payment(
        self, payment_id: str, *, partial_amount_cents: int | None = None
    ) -> WhopObject:
        body: dict[str, Any] = {}
        if partial_amount_cents is not None:
            body["partial_amount"] = to_whop_amount(partial_amount_cents)
        return self._post(f"payments/{_segment(payment_id)}/refund", body)

    def list_refunds(self, *, payment_id: str) -> Iterator[WhopObject]:
        return self._pages("refunds", {"payment_id": payment_id})

    # Seller identity (KYC) and payouts.

    def get_ledger_account(self, account_id: str) -> WhopObject:
        return self._get(f"ledger_accounts/{_segment(account_id)}")

    def list_payout_methods(self, *, company_id: str) -> Iterator[WhopObject]:
        return self._pages("payout_methods", {"company_id": company_id})

    # Embedded components and payouts.

    def create_access_token(
        self,
        *,
        company_id: str | None = None,
        user_id: str | None = None,
        lifetime_seconds: int = 3600,
        scoped_actions: Sequence[str] = (),
    ) -> WhopObject:
        """A short-lived token for Whop's embedded components: scoped to one company (the
        payout and verification components), or acting as one Whop user (their chat).
        Exactly one of the two: a company's token acts as the company, never as a user."""
        if (company_id is None) == (user_id is None):
            raise ValueError("an access token is for a company or for a user")
        expires_at = datetime.now(UTC) + timedelta(seconds=min(lifetime_seconds, 3 * 3600))
        body: dict[str, Any] = {
            **({"company_id": company_id} if company_id else {"user_id": user_id}),
            "expires_at": expires_at.isoformat(timespec="seconds"),
        }
        if scoped_actions:
            body["scoped_actions"] = list(scoped_actions)
        return self._post("access_tokens", body)

    # Chat: DM channels between Whop users.

    def create_dm_channel(
        self, *, with_user_ids: Sequence[str], company_id: str, custom_name: str
    ) -> WhopObject:
        """A DM channel between these Whop users, in the company's context. Whop answers
        with the existing channel when one already exists for the same members, so asking
        again is safe (a retry included)."""
        return self._post(
            "dm_channels",
            {
                "with_user_ids": list(with_user_ids),
                "company_id": company_id,
                "custom_name": custom_name[:100],
            },
        )

    def create_withdrawal(
        self,
        *,
        company_id: str,
        amount_cents: int,
        currency: str,
        payout_method_id: str | None = None,
    ) -> WhopObject:
        body: dict[str, Any] = {
            "company_id": company_id,
            "amount": to_whop_amount(amount_cents),
            "currency": currency,
        }
        if payout_method_id is not None:
            body["payout_method_id"] = payout_method_id
        return self._post("withdrawals", body)

    def get_withdrawal(self, withdrawal_id: str) -> WhopObject:
        return self._get(f"withdrawals/{_segment(withdrawal_id)}")

    # The platform's own webhooks.

    def create_webhook(self, *, url: str, events: Sequence[str], resource_id: str) -> WhopObject:
        return self._post(
            "webhooks",
            {
                "url": url,
                "events": list(events),
                "resource_id": resource_id,
                "api_version": "v1",
                "enabled": True,
                "child_resource_events": True,
            },
        )

    def list_webhooks(self, *, company_id: str) -> Iterator[WhopObject]:
        return self._pages("webhooks", {"company_id": company_id})

    def delete_webhook(self, webhook_id: str) -> None:
        self._request("DELETE", f"webhooks/{_segment(webhook_id)}")

    # Transport.

    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> WhopObject:
        found: WhopObject = self._request("GET", path, params=params)
        return found

    def _post(self, path: str, body: Mapping[str, Any]) -> WhopObject:
        found: WhopObject = self._request("POST", path, body=body)
        return found

    def _pages(self, path: str, params: Mapping[str, Any]) -> Iterator[WhopObject]:
        """Every item of a cursor-paged list, fetching pages as they are consumed."""
        after: str | None = None
        while True:
            page = self._get(path, {**params, "first": 100, **({"after": after} if after else {})})
            yield from page.get("data") or []
            info = page.get("page_info") or {}
            after = info.get("end_cursor")
            if not info.get("has_next_page") or not after:
                return

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> wire.Json:
        content = wire.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if content is not None else {}
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._http.request(
                    method, path, params=params, content=content, headers=headers
                )
            except httpx.TransportError as error:
                never_sent = isinstance(error, httpx.ConnectError | httpx.ConnectTimeout)
                if attempt <= self._max_retries and (method == "GET" or never_sent):
                    self._sleep(self._backoff(attempt, None))
                    continue
                raise errors.Unavailable(f"Whop is unreachable ({type(error).__name__})") from error
            if response.is_success:
                return wire.loads(response.content) if response.content else None
            retryable = response.status_code == 429 or (
                method == "GET" and response.status_code in RETRYABLE_READ_STATUSES
            )
            if retryable and attempt <= self._max_retries:
                delay = self._backoff(attempt, response)
                log.warning(
                    "whop call retried",
                    extra={"path": path, "status": response.status_code, "delay": delay},
                )
                self._sleep(delay)
                continue
            raise errors.from_whop(response.status_code, _error_body(response))

    def _backoff(self, attempt: int, response: httpx.Response | None) -> float:
        told = _retry_after(response) if response is not None else None
        if told is not None:
            return min(told, self._max_retry_after_seconds)
        return float(min(self._backoff_seconds * 2 ** (attempt - 1), self._max_retry_after_seconds))


def _segment(identifier: str) -> str:
    """An id placed in a path: refuse anything that could walk to another endpoint."""
    if not identifier or not re.fullmatch(r"[A-Za-z0-9_-]{1,128}", identifier):
        raise errors.InvalidInput(f"not a Whop id: {identifier!r}")
    return identifier


def _retry_after(response: httpx.Response) -> float | None:
    header = response.headers.get("retry-after")
    if header:
        if header.strip().isdigit():
            return float(header)
        try:
            parsed = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError):
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return max(0.0, (parsed - datetime.now(UTC)).total_seconds())
    match = TRY_AGAIN_IN.search(_error_body(response).get("message", ""))
    return float(match.group(1)) if match else None


def _error_body(response: httpx.Response) -> dict[str, str]:
    """Whop's `{"error": {"type", "message"}}`, or OAuth's `{error, error_description}`."""
    try:
        payload = wire.loads(response.content)
    except ValueError:
        return {"type": "http_error", "message": response.text[:200] or response.reason_phrase}
    error = payload.get("error") if isinstance(payload, dict) else None
    if isinstance(error, dict):
        return {"type": str(error.get("type", "")), "message": str(error.get("message", ""))}
    if isinstance(error, str):
        return {"type": error, "message": str(payload.get("error_description", error))}
    return {"type": "http_error", "message": response.reason_phrase}
