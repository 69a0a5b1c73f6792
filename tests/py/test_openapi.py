"""The worker's OpenAPI document is a contract frontends generate clients from: every
operation names its response model, every error it can answer with (in the one
`{"code", "message"}` shape), and the bearer scheme wherever a user's token is needed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.py.worker_process import worker_settings
from worker import runtime
from worker.app import create_app

ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}
# Answered from the process and the token alone: no database, no Whop.
SELF_CONTAINED = {("GET", "/healthz"), ("GET", "/me")}

Operation = tuple[str, str, dict[str, Any]]


@pytest.fixture
def worker(db_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(runtime.build_services(worker_settings(db_url)))) as client:
        yield client


@pytest.fixture
def operations(worker: TestClient) -> list[Operation]:
    paths = worker.get("/openapi.json").json()["paths"]
    return [
        (method.upper(), path, operation)
        for path, methods in paths.items()
        for method, operation in methods.items()
    ]


def content_schema(response: dict[str, Any]) -> dict[str, Any] | None:
    return response.get("content", {}).get("application/json", {}).get("schema")


def test_every_operation_declares_its_response_model(operations: list[Operation]) -> None:
    assert len(operations) >= 15
    for method, path, operation in operations:
        # A browser's stop (the OAuth start and callback) answers with a redirect.
        successes = {code: r for code, r in operation["responses"].items() if code < "400"}
        assert len(successes) == 1, f"{method} {path}: {sorted(successes)}"
        [(code, response)] = successes.items()
        if code not in ("204", "303"):
            schema = content_schema(response) or {}
            assert schema.get("$ref", "").startswith("#/components/schemas/"), f"{method} {path}"


def test_every_error_response_is_the_error_body(operations: list[Operation]) -> None:
    for method, path, operation in operations:
        for code, response in operation["responses"].items():
            if code >= "400":
                assert content_schema(response) == ERROR_BODY, f"{method} {path} {code}"


def test_every_operation_declares_the_body_limit(operations: list[Operation]) -> None:
    for method, path, operation in operations:
        assert "413" in operation["responses"], f"{method} {path}"


def test_every_operation_validating_input_declares_invalid_input(
    operations: list[Operation],
) -> None:
    for method, path, operation in operations:
        in_url = [p for p in operation.get("parameters", []) if p["in"] in ("path", "query")]
        # An inline schema is documentation only (the webhook's: verified, then a 400).
        body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        validated_body = "$ref" in str(body.get("schema", {}))
        if in_url or validated_body:
            assert "422" in operation["responses"], f"{method} {path}"


def test_every_operation_reaching_the_database_or_whop_declares_unavailable(
    operations: list[Operation],
) -> None:
    for method, path, operation in operations:
        if (method, path) not in SELF_CONTAINED:
            assert "503" in operation["responses"], f"{method} {path}"


def test_the_bearer_scheme_is_the_supabase_access_token(worker: TestClient) -> None:
    schemes = worker.get("/openapi.json").json()["components"]["securitySchemes"]
    assert schemes == {
        "SupabaseAccessToken": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "The signed-in user's Supabase access token (`session.access_token`).",
        }
    }


def test_exactly_the_operations_refusing_a_missing_token_declare_the_bearer_scheme(
    worker: TestClient, operations: list[Operation]
) -> None:
    for method, path, operation in operations:
        answer = worker.request(
            method,
            path.replace("{order_id}", str(uuid.uuid4())),
            content=b"{}",
            headers={"content-type": "application/json"},
        )
        declared = operation.get("security") == [{"SupabaseAccessToken": []}]
        if answer.status_code == 401:
            assert answer.json()["code"] == "not_authenticated"
            assert declared, f"{method} {path} needs a token but does not say so"
            assert "401" in operation["responses"], f"{method} {path}"
        else:
            assert not declared, f"{method} {path} declares a token it does not need"
