"""Standard Webhooks verification of Whop deliveries.

The key is the UTF-8 bytes of the secret exactly as Whop issued it (prefix included):
the `standardwebhooks` library uses a bytes key as is, while a str key would be base64-
decoded. The library raises its own error for a bad signature or a stale timestamp, but
ValueError or binascii.Error for a truncated, non-base64 or unversioned signature: all
of them are the sender's fault and become one 4xx, never a 500 Whop would retry.
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from worker import errors


class InvalidWebhook(errors.GigflowError):
    status = 400
    code = "invalid_webhook"


class WebhookVerifier:
    def __init__(self, secret: str) -> None:
        self._webhook = Webhook(secret.encode())

    def verify(self, body: bytes, headers: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
        """The delivery's webhook id and its JSON payload, once the signature holds."""
        normalized = {name.lower(): value for name, value in headers.items()}
        webhook_id = normalized.get("webhook-id", "")
        try:
            payload = self._webhook.verify(body, normalized)
        except (WebhookVerificationError, ValueError, binascii.Error, TypeError) as error:
            raise InvalidWebhook(f"webhook rejected: {error}") from error
        if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
            raise InvalidWebhook("webhook rejected: the body is not a Whop event")
        if not 1 <= len(webhook_id) <= 200:
            raise InvalidWebhook("webhook rejected: missing webhook-id")
        return webhook_id, payload
