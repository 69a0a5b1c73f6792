"""The Whop client against httpx.MockTransport: exact amounts on the wire, the pinned
API shape, retries only where they are safe, and Whop's failures in our taxonomy."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from worker import errors
from worker.whop.client import WhopClient
from worker.whop.money import cents_from_whop, to_whop_amount

Handler = Callable[[httpx.Request], httpx.Response]


def client(handler: Handler, sleeps: list[float] | None = None) -> WhopClient:
    return WhopClient(
        "apik_test",
        base_url="https://whop.test/api/v1",
        transport=httpx.MockTransport(handler),
        sleep=(sleeps.append if sleeps is not None else lambda _: None),
    )


def whop_error(status: int, message: str, headers: dict[str, str] | None = None) -> httpx.Response:
    body = {"error": {"type": "error", "message": message}}
    return httpx.Response(status, json=body, headers=headers)


def test_checkout_amounts_are_sent_as_exact_decimal_numbers() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "ch_1", "purchase_url": "https://whop.test/c"})

    client(handler).create_checkout_configuration(
        company_id="biz_seller",
        currency="USD",
        price_cents=14501,
        application_fee_cents=1450,
        title="Logo",
        external_identifier="gig-1",
        metadata={"gigflow_order_id": "o-1"},
    )
    raw = seen[0].content.decode()
    assert '"initial_price":145.01' in raw
    assert '"application_fee_amount":14.50' in raw
    plan = json.loads(raw)["plan"]
    assert (plan["currency"], plan["plan_type"], plan["company_id"]) == (
        "usd",
        "one_time",
        "biz_seller",
    )


def test_requests_carry_the_key_and_pin_the_legacy_api_shape() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "pay_1", "total": 12.5})

    payment = client(handler).get_payment("pay_1")
    assert seen[0].headers["authorization"] == "Bearer apik_test"
    assert seen[0].headers["api-version-date"] == "2025-01-01"
    assert payment["total"] == Decimal("12.5")


def test_a_rate_limited_call_waits_as_long_as_retry_after_says() -> None:
    answers = iter(
        [
            whop_error(429, "slow down", {"Retry-After": "7"}),
            httpx.Response(200, json={"id": "biz_1"}),
        ]
    )
    sleeps: list[float] = []
    assert client(lambda _: next(answers), sleeps).get_company("biz_1")["id"] == "biz_1"
    assert sleeps == [7.0]


def test_without_retry_after_the_wait_comes_from_whops_message() -> None:
    answers = iter([whop_error(429, "Try again in 12 seconds."), httpx.Response(200, json={})])
    sleeps: list[float] = []
    client(lambda _: next(answers), sleeps).get_company("biz_1")
    assert sleeps == [12.0]


def test_reads_retry_server_errors_and_then_give_up_as_unavailable() -> None:
    calls: list[int] = []

    def handler(_: httpx.Request) -> httpx.Response:
        calls.append(1)
        return whop_error(503, "down")

    with pytest.raises(errors.Unavailable):
        client(handler).get_payment("pay_1")
    assert len(calls) == 3


def test_a_write_is_not_retried_after_a_server_error_because_it_may_have_happened() -> None:
    calls: list[int] = []

    def handler(_: httpx.Request) -> httpx.Response:
        calls.append(1)
        return whop_error(500, "oops")

    with pytest.raises(errors.Unavailable):
        client(handler).refund_payment("pay_1", partial_amount_cents=500)
    assert len(calls) == 1


def test_a_write_is_retried_when_the_connection_never_opened() -> None:
    answers: list[httpx.Response | Exception] = [
        httpx.ConnectError("refused"),
        httpx.Response(200, json={"id": "biz_new"}),
    ]

    def handler(_: httpx.Request) -> httpx.Response:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    company = client(handler).create_company(
        title="Seller", email="s@example.test", parent_company_id="biz_p", metadata={}
    )
    assert company["id"] == "biz_new"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, errors.UpstreamError),
        (403, errors.UpstreamError),
        (422, errors.UpstreamError),
        (404, errors.NotFound),
        (409, errors.Conflict),
    ],
)
def test_whop_refusals_map_to_one_error_each(
    status: int, expected: type[errors.GigflowError]
) -> None:
    with pytest.raises(expected) as raised:
        client(lambda _: whop_error(status, "no")).refund_payment("pay_1")
    assert f"Whop answered {status}" in raised.value.message


def test_lists_follow_cursors_to_the_last_page() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        after = request.url.params.get("after")
        if after is None:
            return httpx.Response(
                200,
                json={
                    "data": [{"id": "a"}],
                    "page_info": {"end_cursor": "c1", "has_next_page": True},
                },
            )
        return httpx.Response(
            200,
            json={"data": [{"id": "b"}], "page_info": {"end_cursor": "c2", "has_next_page": False}},
        )

    payments = client(handler).list_payments(checkout_configuration_ids=["ch_1"])
    assert [p["id"] for p in payments] == ["a", "b"]


def test_an_id_that_would_change_the_path_is_refused_before_any_call() -> None:
    with pytest.raises(errors.InvalidInput):
        client(lambda _: httpx.Response(200)).get_payment("../companies/biz_1")


@given(st.integers(min_value=0, max_value=10**12))
def test_cents_survive_the_trip_to_whop_units_and_back(cents: int) -> None:
    assert cents_from_whop(to_whop_amount(cents)) == cents
    assert cents_from_whop(str(to_whop_amount(cents))) == cents


@pytest.mark.parametrize(
    ("amount", "cents"),
    [
        (12.34, 1234),
        ("0.1", 10),
        (Decimal("1.005"), 101),
        (Decimal("1.004"), 100),
        (None, None),
        (7, 700),
    ],
)
def test_whop_amounts_become_cents_exactly_rounding_half_up(
    amount: object, cents: int | None
) -> None:
    assert cents_from_whop(amount) == cents


def test_a_float_never_goes_out_to_whop() -> None:
    with pytest.raises(TypeError):
        to_whop_amount(12.5)  # type: ignore[arg-type]
