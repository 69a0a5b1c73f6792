"""CORS as a browser meets it, against a real `gigflow serve` configured through
GIGFLOW_CORS_ORIGINS: preflights from the listed origins are approved for the user
routes, anything else is refused, and Whop's webhook is never opened to browsers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from devstack import localauth
from tests.py.conftest import create_database, drop_database
from tests.py.worker_process import JWT_SECRET, WorkerProcess, worker_settings
from worker import runtime
from worker.app import create_app
from worker.body_limits import JSON_BODY_LIMIT
from worker.cors import ALLOWED_METHODS
from worker.routes.webhooks import WHOP_WEBHOOK_PATH

FRONTEND = "https://app.example.test"
DEV_SERVER = "http://localhost:5173"
STRANGER = "https://evil.example.test"


@pytest.fixture(scope="module")
def worker_url(cluster: Any, template_db: str, tmp_path_factory: Any) -> Iterator[str]:
    name = "cors_worker"
    create_database(cluster, name, template_db)
    try:
        with WorkerProcess(
            cluster.url("postgres", name),
            log_file=tmp_path_factory.mktemp("cors") / "serve.log",
            environment={"GIGFLOW_CORS_ORIGINS": f"{FRONTEND},{DEV_SERVER}"},
        ) as served:
            yield served.url
    finally:
        drop_database(cluster, name)


def preflight(url: str, origin: str, *, method: str = "POST", headers: str = "") -> httpx.Response:
    """What a browser sends before a `fetch` with a JSON body and a bearer token."""
    asked = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        asked["Access-Control-Request-Headers"] = headers
    return httpx.options(url, headers=asked, timeout=10)


def bearer() -> dict[str, str]:
    token = localauth.access_token(JWT_SECRET, str(uuid.uuid4()), "someone@example.test")
    return {"Authorization": f"Bearer {token}"}


def test_a_preflight_from_a_listed_origin_is_approved(worker_url: str) -> None:
    response = preflight(f"{worker_url}/checkout", FRONTEND, headers="authorization,content-type")
    assert response.status_code == 200
    assert response.text == "OK"
    assert response.headers["access-control-allow-origin"] == FRONTEND
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed
    assert "content-type" in allowed


def test_a_preflight_from_each_listed_origin_names_that_origin(worker_url: str) -> None:
    response = preflight(f"{worker_url}/oauth/whop/link", DEV_SERVER, method="DELETE")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == DEV_SERVER


def test_a_preflight_from_an_unlisted_origin_is_refused(worker_url: str) -> None:
    response = preflight(f"{worker_url}/checkout", STRANGER, headers="authorization,content-type")
    assert response.status_code == 400
    assert response.text == "Disallowed CORS origin"
    assert "access-control-allow-origin" not in response.headers


def test_a_preflight_for_an_unlisted_header_is_refused(worker_url: str) -> None:
    response = preflight(f"{worker_url}/checkout", FRONTEND, headers="authorization,x-api-key")
    assert response.status_code == 400
    assert response.text == "Disallowed CORS headers"


def test_a_preflight_to_the_webhook_is_not_approved(worker_url: str) -> None:
    response = preflight(
        f"{worker_url}{WHOP_WEBHOOK_PATH}", FRONTEND, headers="content-type,webhook-signature"
    )
    assert response.status_code == 405
    assert response.json() == {"code": "method_not_allowed", "message": "Method Not Allowed"}
    assert "access-control-allow-origin" not in response.headers


def test_a_cross_origin_post_from_a_listed_origin_is_readable(worker_url: str) -> None:
    response = httpx.post(
        f"{worker_url}/checkout/confirm",
        json={"order_id": str(uuid.uuid4())},
        headers={"Origin": FRONTEND, **bearer()},
        timeout=10,
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response.headers["access-control-allow-origin"] == FRONTEND
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-expose-headers"] == "x-request-id"
    assert "Origin" in response.headers["vary"]
    assert response.headers["x-request-id"]


def test_a_cross_origin_post_from_an_unlisted_origin_is_not_readable(worker_url: str) -> None:
    response = httpx.post(
        f"{worker_url}/checkout/confirm",
        json={"order_id": str(uuid.uuid4())},
        headers={"Origin": STRANGER, **bearer()},
        timeout=10,
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "access-control-allow-origin" not in response.headers


def test_a_cross_origin_post_to_the_webhook_gets_no_cors_headers(worker_url: str) -> None:
    response = httpx.post(
        f"{worker_url}{WHOP_WEBHOOK_PATH}",
        content=b'{"type": "payment.succeeded"}',
        headers={"Origin": FRONTEND, "Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_webhook"
    assert not [name for name in response.headers if name.startswith("access-control-")]


@pytest.fixture
def worker_without_origins(db_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(runtime.build_services(worker_settings(db_url)))) as client:
        yield client


def test_with_no_origins_listed_every_preflight_is_refused(
    worker_without_origins: TestClient,
) -> None:
    response = worker_without_origins.options(
        "/checkout",
        headers={"Origin": FRONTEND, "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 400
    assert response.text == "Disallowed CORS origin"
    assert "access-control-allow-origin" not in response.headers


def test_every_browser_route_method_is_allowed_cross_origin(worker_url: str) -> None:
    paths = httpx.get(f"{worker_url}/openapi.json", timeout=10).json()["paths"]
    used = {
        method.upper()
        for path, operations in paths.items()
        if path != WHOP_WEBHOOK_PATH
        for method in operations
    }
    assert used <= set(ALLOWED_METHODS)


def test_an_oversized_body_from_a_listed_origin_is_refused_readably(worker_url: str) -> None:
    response = httpx.post(
        f"{worker_url}/checkout",
        content=b"x" * (JSON_BODY_LIMIT + 1),
        headers={"Origin": FRONTEND, "Content-Type": "application/json", **bearer()},
        timeout=10,
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert response.headers["access-control-allow-origin"] == FRONTEND
