"""Webhooks as Whop sends them: Standard Webhooks signed with the webhook's secret, to the
configured URL and to every webhook created through the API that subscribes to the
event, retried a few times on failure.

And the faults a real delivery can have, on request, so the worker's inbox meets them
offline: the same message twice (`duplicate`), messages held and released later, in
order or reversed, a message dropped and delivered late (a retry that comes after all),
and a `webhook-id` header that differs from the body's id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

import httpx
from standardwebhooks import Webhook

from whop_emulator.state import Obj, WhopState, new_id, now
from worker.whop import wire

log = logging.getLogger("gigflow.whop_emulator")


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


@dataclass(kw_only=True)
class WebhookDelivery(WhopState):
    webhook_secret: str
    webhook_url: str | None = None
    delivery_attempts: int = 3
    send: Callable[[str, Mapping[str, str], bytes], int] | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    held: list[_Message] = field(default_factory=list)
    dropped: list[_Message] = field(default_factory=list)
    holding: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        self._signer = Webhook(self.webhook_secret.encode())

    def hold_webhooks(self) -> None:
        """Keep messages instead of sending them, until release_webhooks()."""
        with self.lock:
            self.holding = True

    def release_webhooks(self, order: Literal["sent", "reversed"] = "sent") -> int:
        with self.lock:
            self.holding = False
            messages, self.held = self.held, []
        for message in reversed(messages) if order == "reversed" else messages:
            self._deliver(message)
        return len(messages)

    def deliver_dropped(self) -> int:
        """Send, late, the messages dropped on request (a retry that comes after all)."""
        with self.lock:
            messages, self.dropped = self.dropped, []
        for message in messages:
            self._deliver(message)
        return len(messages)

    def emit(
        self,
        event_type: str,
        data: Obj,
        company_id: str,
        *,
        copies: int = 1,
        drop: bool = False,
        header_id_differs: bool = False,
    ) -> None:
        body_id = new_id("msg")
        envelope = {
            "id": body_id,
            "api_version": "v1",
            "type": event_type,
            "timestamp": now(),
            "company_id": company_id,
            "data": data,
        }
        header_id = new_id("msg") if header_id_differs else body_id
        message = _Message(header_id, event_type, wire.dumps(envelope))
        if drop:
            self.deliveries.append(Delivery(header_id, event_type, None, "dropped on request"))
            with self.lock:
                self.dropped.append(message)
            return
        for _ in range(copies):
            with self.lock:
                if self.holding:
                    self.held.append(message)
                    continue
            self._deliver(message)

    def _targets(self, event_type: str) -> list[tuple[str, Webhook]]:
        """Where a message goes: the configured URL, and every enabled webhook created
        through the API that subscribes to the event (each signed with its own secret)."""
        targets = [(self.webhook_url, self._signer)] if self.webhook_url else []
        with self.lock:
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


def _http_send(url: str, headers: Mapping[str, str], body: bytes) -> int:
    return httpx.post(url, headers=dict(headers), content=body, timeout=10).status_code
