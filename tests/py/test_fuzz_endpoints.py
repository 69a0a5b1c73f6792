"""Fuzzing every worker endpoint from its own OpenAPI schema (hypothesis): whatever a
client sends (well-formed or not, signed in or not), the answer is never a 5xx, always a
status the schema declares, and nothing half-made is stored."""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devstack.offline import OfflineStack
from tests.py.conftest import create_database, drop_database

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
UUIDS = st.uuids().map(str)
PATH_VALUES = UUIDS | st.text(
    alphabet=string.ascii_letters + string.digits + "-_%.", min_size=1, max_size=40
)


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            found.append((method.upper(), path, operation))
    return found


def body_strategy(schema: dict[str, Any], operation: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Bodies built from the operation's schema (right keys, wrong or right values), plus
    anything at all."""
    content = (operation.get("requestBody") or {}).get("content", {}).get("application/json")
    if not content:
        return JSON_VALUES
    reference = content["schema"].get("$ref") or next(
        (item.get("$ref") for item in content["schema"].get("anyOf", []) if item.get("$ref")), None
    )
    if reference is None:
        return JSON_VALUES
    model = schema["components"]["schemas"][reference.rsplit("/", 1)[1]]
    properties = model.get("properties", {})
    value_for = {
        name: (UUIDS | JSON_VALUES)
        if "id" in name
        else (st.sampled_from(["basic", "premium"]) | JSON_VALUES)
        for name in properties
    }
    shaped = st.fixed_dictionaries({}, optional=value_for)
    return shaped | JSON_VALUES


@pytest.fixture
def fuzzed(stack: OfflineStack) -> tuple[OfflineStack, dict[str, Any]]:
    return stack, stack.http.get("/openapi.json").json()


def stored_counts(stack: OfflineStack) -> dict[str, int]:
    return stack.sql(
        "select (select count(*) from public.orders) as orders,"
        " (select count(*) from public.whop_events) as events,"
        " (select count(*) from public.withdrawals) as withdrawals,"
        " (select count(*) from public.refunds) as refunds"
    )[0]


def fuzz_operation(
    stack: OfflineStack,
    headers_of_user: dict[str, str],
    schema: dict[str, Any],
    method: str,
    path: str,
    operation: dict[str, Any],
) -> None:
    """Hypothesis examples against one operation; fails on the first 5xx."""

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        body=body_strategy(schema, operation),
        parameter=PATH_VALUES,
        signed_in=st.booleans(),
        query=st.dictionaries(
            st.sampled_from(["code", "state", "x"]), st.text(max_size=30), max_size=2
        ),
    )
    def probe(body: Any, parameter: str, signed_in: bool, query: dict[str, str]) -> None:
        concrete = path.replace("{order_id}", parameter)
        headers = {"content-type": "application/json", **(headers_of_user if signed_in else {})}
        response = stack.http.request(
            method, concrete, content=json.dumps(body), headers=headers, params=query
        )
        assert response.status_code < 500, f"{method} {concrete} {body!r}: {response.text[:200]}"
        assert str(response.status_code) in operation["responses"], (
            f"{method} {path} answered {response.status_code}, which its OpenAPI entry omits"
        )

    probe()


def test_no_endpoint_answers_5xx_to_anything(fuzzed: tuple[OfflineStack, dict[str, Any]]) -> None:
    stack, schema = fuzzed
    user = stack.sign_up("fuzzing_user", "Fuzz")
    before = stored_counts(stack)
    probed = 0
    for method, path, operation in operations(schema):
        fuzz_operation(stack, user.headers, schema, method, path, operation)
        probed += 1
    assert probed >= 15
    assert stored_counts(stack) == before


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    body=st.binary(max_size=200) | JSON_VALUES.map(lambda value: json.dumps(value).encode()),
    headers=st.dictionaries(
        st.sampled_from(["webhook-id", "webhook-timestamp", "webhook-signature", "content-type"]),
        st.text(alphabet=string.printable, max_size=60).map(
            lambda text: text.replace("\n", "").replace("\r", "")
        ),
    ),
)
def test_unsigned_webhook_garbage_is_refused_and_never_stored(
    fuzz_stack: OfflineStack, body: bytes, headers: dict[str, str]
) -> None:
    try:
        response = fuzz_stack.http.post("/webhooks/whop", content=body, headers=headers)
    except httpx.LocalProtocolError:
        return  # a header httpx itself will not send
    assert response.status_code == 400
    assert fuzz_stack.sql("select count(*) as n from public.whop_events")[0]["n"] == 0


@pytest.fixture(scope="module")
def fuzz_stack(cluster: Any, template_db: str) -> Iterator[OfflineStack]:
    """One running system for every example (hypothesis runs the test many times)."""
    name = "fuzz_webhooks"
    create_database(cluster, name, template_db)
    try:
        with OfflineStack(
            cluster.url("postgres", name), cluster.url("supabase_auth_admin", name)
        ) as running:
            yield running
    finally:
        drop_database(cluster, name)
