"""Input the worker cannot use is refused as bad input, in the one error shape, never as
a server error: a body too deeply nested to parse, text PostgreSQL cannot store."""

from __future__ import annotations

from devstack.offline import OfflineStack
from tests.py.marketplace_flow import open_shop


def test_a_body_nested_too_deep_to_parse_is_refused_in_the_usual_shape(
    stack: OfflineStack,
) -> None:
    nested = "[" * 100_000 + "]" * 100_000
    buyer = stack.sign_up("deep_nester", "Deep Nester")
    response = stack.http.post(
        "/checkout",
        content=nested,
        headers={**buyer.headers, "content-type": "application/json"},
    )
    assert 400 <= response.status_code < 500
    assert set(response.json()) >= {"code", "message"}


def test_text_postgres_cannot_store_is_bad_input_not_a_server_error(stack: OfflineStack) -> None:
    shop = open_shop(stack)
    response = stack.http.post(
        "/checkout",
        json={"gig_id": shop.gig_id, "tier": "basic", "attribution": {"utm_source": "a\u0000b"}},
        headers=shop.buyer.headers,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
