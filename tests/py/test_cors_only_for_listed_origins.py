"""Outsider findings on the worker's CORS (GIGFLOW_CORS_ORIGINS): credentials are
approved only for listed origins, and only for the worker's own routes.

These run the real `create_app` with CrossOrigin as `gigflow serve` configures it; the
requests never reach the database (preflights and unknown paths), so the services are a
stand-in."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from worker.app import create_app

FRONTEND = "https://app.example.test"
STRANGER = "https://evil.example.test"


@pytest.fixture
def client() -> TestClient:
    services = SimpleNamespace(db=object(), close=lambda: None)
    return TestClient(create_app(services, cors_origins=(FRONTEND,)))  # type: ignore[arg-type]


def test_an_unlisted_origin_is_never_told_credentials_are_allowed(client: TestClient) -> None:
    # Starlette's CORSMiddleware adds its "simple headers" to every answer carrying an
    # Origin, listed or not: an unlisted origin gets
    # `Access-Control-Allow-Credentials: true` (and the exposed headers) on every
    # response, and on its refused preflight. Credentials must be approved only for
    # the listed origins.
    answer = client.get("/healthz", headers={"Origin": STRANGER})
    assert "access-control-allow-origin" not in answer.headers
    assert "access-control-allow-credentials" not in answer.headers, (
        "an unlisted origin is told Access-Control-Allow-Credentials: true"
    )
    preflight = client.options(
        "/checkout",
        headers={"Origin": STRANGER, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 400
    assert "access-control-allow-credentials" not in preflight.headers, (
        "a refused preflight from an unlisted origin still says credentials are allowed"
    )


def test_a_preflight_is_approved_only_for_worker_routes(client: TestClient) -> None:
    # Preflights are answered by the middleware before routing: neither a path the worker
    # does not serve nor a near miss of the webhook's (a trailing slash) is approved for
    # the listed origin.
    for path in ("/no/such/route", "/webhooks/whop/"):
        preflight = client.options(
            path,
            headers={
                "Origin": FRONTEND,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert "access-control-allow-origin" not in preflight.headers, (
            f"a preflight to {path}, which is no browser route of the worker, is approved"
        )
