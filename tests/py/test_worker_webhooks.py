"""POST /webhooks/whop on the real app and a real database: verified deliveries are
stored once and processed; anything unverifiable is refused and stores nothing."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from devstack.offline import wait_for
from tests.py import factories
from worker import errors, inbox
from worker.app import create_app
from worker.auth import TokenVerifier
from worker.db import Database, PostgresDatabase
from worker.deps import Services
from worker.files import LocalFileStore
from worker.intake import StoredEvent, WebhookIntake
from worker.webhook_signature import WebhookVerifier
from worker.whop.client import WhopClient

WEBHOOK_SECRET = "ws_test_secret_for_gigflow"
JWT_SECRET = "test-jwt-secret-with-at-least-32-bytes!"


@pytest.fixture
def services(db_url: str) -> Iterator[Services]:
    found = Services(
        db=PostgresDatabase(db_url, max_size=20),
        tokens=TokenVerifier(secret=JWT_SECRET),
        webhooks=WebhookVerifier(WEBHOOK_SECRET),
        # These tests never reach Whop: a closed port makes any call fail loudly.
        whop=WhopClient("apik_unused", base_url="http://127.0.0.1:9/api/v1", max_retries=0),
        whop_platform_company_id="biz_platform",
        files=LocalFileStore(db_url),
    )
    yield found
    found.close()


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services)) as test_client:
        yield test_client


def signed(
    payload: dict, *, webhook_id: str | None = None, at: datetime | None = None
) -> tuple[bytes, dict]:
    return signed_text(json.dumps(payload), webhook_id=webhook_id, at=at)


def signed_text(
    body: str, *, webhook_id: str | None = None, at: datetime | None = None
) -> tuple[bytes, dict]:
    """A body exactly as given (JSON that json.dumps would never write), signed."""
    message_id = webhook_id or f"msg_{uuid.uuid4().hex}"
    timestamp = at or datetime.now(UTC)
    signature = Webhook(WEBHOOK_SECRET.encode()).sign(message_id, timestamp, body)
    headers = {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
    }
    return body.encode(), headers


def payment_succeeded(market: factories.Marketplace, order_id: str) -> dict:
    """payment.succeeded for the order's own checkout, as Whop sends it."""
    return factories.payment_event(factories.whop_payment(market, order_id))


def stored_events(admin_url: str) -> int:
    with psycopg.connect(admin_url) as conn:
        return int(conn.execute("select count(*) from public.whop_events").fetchone()[0])


def test_a_signed_payment_is_stored_and_moves_the_order(client: TestClient, admin_url: str) -> None:
    market = factories.marketplace(admin_url)
    order_id = factories.pending_order(admin_url, market)
    body, headers = signed(payment_succeeded(market, order_id))
    response = client.post("/webhooks/whop", content=body, headers=headers)
    assert response.status_code == 200
    assert response.json() == {"received": True, "duplicate": False}
    wait_for(
        lambda: factories.order_status(admin_url, order_id) == "awaiting_requirements",
        "the payment to be processed after the answer",
    )


def test_a_repeated_delivery_is_acknowledged_as_a_duplicate(
    client: TestClient, admin_url: str
) -> None:
    market = factories.marketplace(admin_url)
    order_id = factories.pending_order(admin_url, market)
    body, headers = signed(payment_succeeded(market, order_id))
    client.post("/webhooks/whop", content=body, headers=headers)
    again = client.post("/webhooks/whop", content=body, headers=headers)
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert stored_events(admin_url) == 1


def test_a_wrong_signature_is_refused_and_nothing_is_stored(
    client: TestClient, admin_url: str
) -> None:
    body, headers = signed({"type": "payment.succeeded", "data": {}})
    headers["webhook-signature"] = "v1," + "A" * 44
    response = client.post("/webhooks/whop", content=body, headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_webhook"
    assert stored_events(admin_url) == 0


@pytest.mark.parametrize("signature", ["v1,@@not-base64@@", "garbage", "v1,", "v2,abc"])
def test_a_malformed_signature_header_is_a_400_not_a_500(
    client: TestClient, signature: str
) -> None:
    body, headers = signed({"type": "payment.succeeded", "data": {}})
    headers["webhook-signature"] = signature
    assert client.post("/webhooks/whop", content=body, headers=headers).status_code == 400


def test_a_stale_timestamp_is_refused(client: TestClient, admin_url: str) -> None:
    stale = datetime.fromtimestamp(time.time() - 600, UTC)
    body, headers = signed({"type": "payment.succeeded", "data": {}}, at=stale)
    assert client.post("/webhooks/whop", content=body, headers=headers).status_code == 400
    assert stored_events(admin_url) == 0


def test_a_tampered_body_is_refused(client: TestClient, admin_url: str) -> None:
    body, headers = signed({"type": "payment.succeeded", "data": {"total": 1}})
    tampered = body.replace(b'"total": 1', b'"total": 9')
    assert client.post("/webhooks/whop", content=tampered, headers=headers).status_code == 400
    assert stored_events(admin_url) == 0


def test_a_signed_body_that_is_not_an_event_is_refused(client: TestClient) -> None:
    body, headers = signed({"no": "type"})
    assert client.post("/webhooks/whop", content=body, headers=headers).status_code == 400


def test_concurrent_duplicates_have_exactly_one_effect(services: Services, admin_url: str) -> None:
    market = factories.marketplace(admin_url)
    order_id = factories.pending_order(admin_url, market)
    body, headers = signed(payment_succeeded(market, order_id))
    statuses: list[int] = []
    with TestClient(create_app(services)) as test_client:
        barrier = threading.Barrier(10)

        def deliver() -> None:
            barrier.wait()
            for _ in range(5):
                statuses.append(
                    test_client.post("/webhooks/whop", content=body, headers=headers).status_code
                )

        threads = [threading.Thread(target=deliver) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert statuses == [200] * 50
    with psycopg.connect(admin_url) as conn:
        pays = conn.execute(
            "select count(*) from public.order_events where order_id = %s and action = 'pay'",
            (order_id,),
        ).fetchone()[0]
    assert pays == 1
    assert stored_events(admin_url) == 1


def test_an_event_stored_but_never_processed_is_processed_by_the_inbox_loop(
    services: Services, admin_url: str
) -> None:
    market = factories.marketplace(admin_url)
    order_id = factories.pending_order(admin_url, market)
    # The worker died right after the insert committed: nothing processed it.
    services.db.rpc(
        "ingest_whop_event",
        {"webhook_id": "msg_crashed", "payload": payment_succeeded(market, order_id)},
    )
    assert factories.order_status(admin_url, order_id) == "pending_payment"
    outcomes = inbox.process_due(services.db)
    assert outcomes["processed"] == 1
    assert factories.order_status(admin_url, order_id) == "awaiting_requirements"
    assert inbox.process_due(services.db) == {}


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    assert client.get("/healthz").headers["x-request-id"]


class CountingDatabase:
    """The real database, counting the calls made to each function."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.calls: Counter[str] = Counter()

    def rpc(self, function: str, args: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        self.calls[function] += 1
        return self.db.rpc(function, args, **kwargs)


def test_deliveries_arriving_together_are_committed_in_one_transaction(
    services: Services, admin_url: str
) -> None:
    market = factories.marketplace(admin_url)
    orders = factories.pending_orders(admin_url, market, 20)
    counting = CountingDatabase(services.db)
    intake = WebhookIntake(counting)

    async def deliver_all() -> list[StoredEvent]:
        stored = await asyncio.gather(
            *(intake.store(f"msg_{uuid.uuid4().hex}", payment_succeeded(market, o)) for o in orders)
        )
        await intake.settle()
        return stored

    stored = asyncio.run(deliver_all())
    assert len({event.event_id for event in stored}) == 20
    assert counting.calls["ingest_whop_events"] == 1
    assert {factories.order_status(admin_url, o) for o in orders} == {"awaiting_requirements"}


def test_a_malformed_delivery_in_a_batch_fails_alone(services: Services, admin_url: str) -> None:
    market = factories.marketplace(admin_url)
    order_id = factories.pending_order(admin_url, market)
    intake = WebhookIntake(services.db)

    async def deliver_both() -> list[StoredEvent | BaseException]:
        return await asyncio.gather(
            intake.store("msg_malformed", {"type": "", "data": {}}),
            intake.store("msg_fine", payment_succeeded(market, order_id)),
            return_exceptions=True,
        )

    malformed, fine = asyncio.run(deliver_both())
    assert isinstance(malformed, errors.InvalidInput)
    assert isinstance(fine, StoredEvent)
    assert not fine.duplicate
    assert stored_events(admin_url) == 1


def test_a_delivery_jsonb_cannot_hold_fails_alone(services: Services, admin_url: str) -> None:
    market = factories.marketplace(admin_url)
    order_id = factories.pending_order(admin_url, market)
    intake = WebhookIntake(services.db)

    async def deliver_both() -> list[StoredEvent | BaseException]:
        return await asyncio.gather(
            intake.store("msg_nul", {"type": "payment.succeeded", "data": {"note": "\x00"}}),
            intake.store("msg_fine", payment_succeeded(market, order_id)),
            return_exceptions=True,
        )

    unstorable, fine = asyncio.run(deliver_both())
    assert isinstance(unstorable, errors.GigflowError)
    assert isinstance(fine, StoredEvent)
    assert stored_events(admin_url) == 1


def test_a_delivery_is_answered_with_the_senders_request_id(client: TestClient) -> None:
    body, headers = signed({"type": "payment.succeeded", "data": {}})
    answer = client.post("/webhooks/whop", content=body, headers={**headers, "x-request-id": "r-1"})
    assert answer.headers["x-request-id"] == "r-1"
    unsigned = client.post("/webhooks/whop", content=body)
    assert unsigned.status_code == 400
    assert unsigned.headers["x-request-id"]


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"])
def test_the_webhook_takes_only_post(client: TestClient, method: str) -> None:
    answer = client.request(method, "/webhooks/whop")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "POST"
    if method != "HEAD":
        assert answer.json() == {"code": "method_not_allowed", "message": "Method Not Allowed"}


def test_the_webhook_is_only_at_its_exact_path(client: TestClient) -> None:
    body, headers = signed({"type": "payment.succeeded", "data": {}})
    answer = client.post("/webhooks/whop/", content=body, headers=headers, follow_redirects=False)
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"


def test_a_database_outage_is_a_503_whop_retries(services: Services, admin_url: str) -> None:
    services.db.close()
    with TestClient(create_app(services)) as client:
        body, headers = signed({"type": "payment.succeeded", "data": {}})
        answer = client.post("/webhooks/whop", content=body, headers=headers)
    assert answer.status_code == 503
    assert answer.json()["code"] == "unavailable"
    assert stored_events(admin_url) == 0


def test_the_webhook_is_documented_with_its_signature_headers_and_answers(
    client: TestClient,
) -> None:
    document = client.get("/openapi.json").json()
    operation = document["paths"]["/webhooks/whop"]["post"]
    # What client generators name their method after: as when FastAPI routed it.
    assert operation["operationId"] == "whop_webhook_webhooks_whop_post"
    assert operation["tags"] == ["webhooks"]
    headers = {p["name"] for p in operation["parameters"] if p["in"] == "header" and p["required"]}
    assert headers == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    receipt = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert receipt == "#/components/schemas/WebhookReceipt"
    assert set(document["components"]["schemas"]["WebhookReceipt"]["properties"]) == {
        "received",
        "duplicate",
    }
    assert {"400", "413", "503"} <= set(operation["responses"])
    body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body_schema["required"] == ["type"]


def test_a_signed_body_nested_too_deep_is_a_400_not_a_500(
    client: TestClient, admin_url: str
) -> None:
    body, headers = signed_text(
        '{"type": "payment.succeeded", "data": ' + "[" * 5000 + "]" * 5000 + "}"
    )
    answer = client.post("/webhooks/whop", content=body, headers=headers)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_webhook"
    assert stored_events(admin_url) == 0


@pytest.mark.parametrize(
    "data",
    ['{"note": "\\u0000"}', '{"note": "\\ud800"}', '{"amount": NaN}', '{"amount": 1e999999}'],
)
def test_a_signed_body_jsonb_cannot_hold_is_refused_as_invalid(
    client: TestClient, admin_url: str, data: str
) -> None:
    body, headers = signed_text('{"type": "payment.succeeded", "data": ' + data + "}")
    answer = client.post("/webhooks/whop", content=body, headers=headers)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_webhook"
    assert stored_events(admin_url) == 0


@pytest.mark.parametrize("signature", ["garbage", "v1,@@not-base64@@"])
def test_a_malformed_signature_header_is_named_in_the_refusal(
    client: TestClient, signature: str
) -> None:
    body, headers = signed({"type": "payment.succeeded", "data": {}})
    headers["webhook-signature"] = signature
    answer = client.post("/webhooks/whop", content=body, headers=headers)
    assert answer.json()["message"] == (
        "webhook rejected: the webhook-signature header is malformed"
    )


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("[" * 5000 + "]" * 5000, "webhook rejected: the body is nested too deep"),
        ("not json", "webhook rejected: the body is not JSON"),
    ],
)
def test_a_signed_body_python_cannot_read_is_named_in_the_refusal(
    client: TestClient, text: str, refusal: str
) -> None:
    body, headers = signed_text(text)
    answer = client.post("/webhooks/whop", content=body, headers=headers)
    assert answer.status_code == 400
    assert answer.json()["message"] == refusal


@pytest.mark.parametrize(
    "data",
    ['{"note": "\\u0000"}', '{"note": "\\ud800"}', '{"amount": NaN}', '{"amount": 1e999999}'],
)
def test_a_signed_body_jsonb_cannot_hold_is_named_in_the_refusal(
    client: TestClient, data: str
) -> None:
    body, headers = signed_text('{"type": "payment.succeeded", "data": ' + data + "}")
    answer = client.post("/webhooks/whop", content=body, headers=headers)
    assert answer.json()["message"].startswith(
        "webhook rejected: the body holds a value PostgreSQL's jsonb cannot store"
    )
    assert "syntax" not in answer.json()["message"]
