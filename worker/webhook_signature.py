"""Standard Webhooks verification of Whop deliveries.

The key is the UTF-8 bytes of the secret exactly as Whop issued it (prefix included):
the `standardwebhooks` library uses a bytes key as is, while a str key would be base64-
decoded. The library raises its own error for a bad signature or a stale timestamp, but
ValueError or binascii.Error for a truncated, non-base64 or unversioned signature, and
its JSON parser a RecursionError for a body nested too deep: all of them are the
sender's fault and become one 4xx, never a 500 Whop would retry. The answer names the
problem in our words: Python's own text ("not enough values to unpack") tells an
unsigned caller about our code and nothing about its request.
"""

from __future__ import annotations

import binascii
import json
from collections.abc import Mapping, Sequence
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from worker import errors


class InvalidWebhook(errors.GigflowError):
    """The delivery's signature, timestamp or body does not verify; nothing was stored."""

    status = 400
    code = "invalid_webhook"


class WebhookVerifier:
    """Verifies against every configured secret: the one in the settings and those of
    the webhooks `gigflow webhooks ensure` created (a delivery passes with any)."""

    def __init__(self, secrets: str | Sequence[str]) -> None:
        chosen = [secrets] if isinstance(secrets, str) else list(secrets)
        if not chosen:
            raise ValueError("at least one webhook secret is needed")
        self._webhooks = [Webhook(secret.encode()) for secret in chosen]

    def verify(self, body: bytes, headers: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
        """The delivery's webhook id and its JSON payload, once the signature holds."""
        normalized = {name.lower(): value for name, value in headers.items()}
        webhook_id = normalized.get("webhook-id", "")
        failure: Exception | None = None
        payload: object = None
        for webhook in self._webhooks:
            try:
                payload = webhook.verify(body, normalized)
                failure = None
                break
            except (
                WebhookVerificationError,
                ValueError,
                binascii.Error,
                TypeError,
                RecursionError,
            ) as error:
                failure = error
        if failure is not None:
            raise InvalidWebhook(f"webhook rejected: {_refusal(failure)}") from failure
        event_type = payload.get("type") if isinstance(payload, dict) else None
        if not isinstance(payload, dict) or not isinstance(event_type, str):
            raise InvalidWebhook("webhook rejected: the body is not a Whop event")
        if not 1 <= len(event_type) <= 100:
            raise InvalidWebhook("webhook rejected: the event type must be 1 to 100 characters")
        if not 1 <= len(webhook_id) <= 200:
            raise InvalidWebhook("webhook rejected: webhook-id must be 1 to 200 characters")
        return webhook_id, payload


def _refusal(failure: Exception) -> str:
    """Why a delivery did not verify, as the sender can act on it."""
    if isinstance(failure, WebhookVerificationError):
        return str(failure)
    if isinstance(failure, RecursionError):
        return "the body is nested too deep"
    if isinstance(failure, UnicodeDecodeError):
        return "the body is not UTF-8"
    if isinstance(failure, json.JSONDecodeError):
        return "the body is not JSON"
    return "the webhook-signature header is malformed"
