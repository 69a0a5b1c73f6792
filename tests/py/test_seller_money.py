"""After the first sale, through the running system: withdrawals that never overdraw,
embedded-component tokens for the caller's own company only, operator refunds that
change an order only when Whop confirms them, attribution, and the admin views."""

from __future__ import annotations

import threading

import pytest

from devstack.offline import Actor, OfflineStack, wait_for
from tests.py.marketplace_flow import (
    Shop,
    balance,
    completed_and_cleared,
    open_shop,
    order_of,
    paid_order,
    wait_for_status,
)
from worker import reconcile, refunds


@pytest.fixture
def shop(stack: OfflineStack) -> Shop:
    return open_shop(stack)


def admin(stack: OfflineStack) -> Actor:
    return stack.sign_up("ops_admin", "Operator", admin=True)


# Withdrawals.


def test_a_seller_withdraws_the_available_balance_and_whop_pays_it(
    stack: OfflineStack, shop: Shop
) -> None:
    completed_and_cleared(stack, shop)
    assert balance(stack, shop.seller)["available_cents"] == 9000
    response = stack.http.post(
        "/sellers/withdrawals", json={"amount_cents": 9000}, headers=shop.seller.headers
    )
    assert response.status_code == 200, response.text
    withdrawal = response.json()
    assert withdrawal["whop_withdrawal_id"] in stack.emulator.withdrawals
    assert str(stack.emulator.withdrawals[withdrawal["whop_withdrawal_id"]]["amount"]) == "90.00"
    assert balance(stack, shop.seller)["available_cents"] == 0
    assert balance(stack, shop.seller)["withdrawing_cents"] == 9000
    stack.emulator.settle_withdrawal(withdrawal["whop_withdrawal_id"], "completed")
    wait_for(lambda: balance(stack, shop.seller)["withdrawn_cents"] == 9000, "the payout webhook")
    assert balance(stack, shop.seller)["withdrawing_cents"] == 0


def test_withdrawing_more_than_is_available_is_refused(stack: OfflineStack, shop: Shop) -> None:
    completed_and_cleared(stack, shop)
    response = stack.http.post(
        "/sellers/withdrawals", json={"amount_cents": 9001}, headers=shop.seller.headers
    )
    assert response.status_code == 409
    assert "exceeds the available 9000" in response.json()["message"]
    assert not stack.emulator.withdrawals


def test_uncleared_earnings_cannot_be_withdrawn(stack: OfflineStack, shop: Shop) -> None:
    paid_order(stack, shop)
    assert balance(stack, shop.seller)["pending_cents"] == 9000
    response = stack.http.post(
        "/sellers/withdrawals", json={"amount_cents": 100}, headers=shop.seller.headers
    )
    assert response.status_code == 409


def test_two_withdrawals_at_once_never_overdraw(stack: OfflineStack, shop: Shop) -> None:
    completed_and_cleared(stack, shop)
    statuses: list[int] = []

    def withdraw() -> None:
        response = stack.http.post(
            "/sellers/withdrawals", json={"amount_cents": 6000}, headers=shop.seller.headers
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=withdraw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409, 409, 409]
    assert len(stack.emulator.withdrawals) == 1


def test_a_failed_withdrawal_gives_the_money_back(stack: OfflineStack, shop: Shop) -> None:
    completed_and_cleared(stack, shop)
    withdrawal = stack.http.post(
        "/sellers/withdrawals", json={"amount_cents": 5000}, headers=shop.seller.headers
    ).json()
    stack.emulator.settle_withdrawal(withdrawal["whop_withdrawal_id"], "failed")
    wait_for(lambda: balance(stack, shop.seller)["available_cents"] == 9000, "the failure webhook")
    status = stack.sql(
        "select status::text from public.withdrawals where id = %s", (withdrawal["id"],)
    )
    assert status[0]["status"] == "failed"


def test_a_lost_withdrawal_webhook_is_reconciled(stack: OfflineStack, shop: Shop) -> None:
    completed_and_cleared(stack, shop)
    withdrawal = stack.http.post(
        "/sellers/withdrawals", json={"amount_cents": 9000}, headers=shop.seller.headers
    ).json()
    stack.emulator.hold_webhooks()
    stack.emulator.settle_withdrawal(withdrawal["whop_withdrawal_id"], "completed")
    report = reconcile.reconcile_once(stack.services.db, stack.services.whop)
    assert report.advanced >= 1
    assert balance(stack, shop.seller)["withdrawn_cents"] == 9000


def test_a_buyer_has_nothing_to_withdraw(stack: OfflineStack, shop: Shop) -> None:
    response = stack.http.post(
        "/sellers/withdrawals", json={"amount_cents": 100}, headers=shop.buyer.headers
    )
    assert response.status_code == 404


# Embedded component tokens.


@pytest.mark.parametrize("path", ["/tokens/payouts", "/tokens/kyc"])
def test_an_embed_token_is_scoped_to_the_callers_own_company(
    stack: OfflineStack, shop: Shop, path: str
) -> None:
    response = stack.http.post(path, headers=shop.seller.headers)
    assert response.status_code == 200, response.text
    minted = stack.emulator.access_tokens[response.json()["token"]]
    assert minted["company_id"] == shop.company_id


@pytest.mark.parametrize("path", ["/tokens/payouts", "/tokens/kyc"])
def test_naming_another_company_is_refused(stack: OfflineStack, shop: Shop, path: str) -> None:
    response = stack.http.post(
        path, json={"company_id": "biz_someone_else"}, headers=shop.seller.headers
    )
    assert response.status_code == 422
    assert not stack.emulator.access_tokens


def test_a_non_seller_gets_no_embed_token(stack: OfflineStack, shop: Shop) -> None:
    assert stack.http.post("/tokens/payouts", headers=shop.buyer.headers).status_code == 404


def test_a_tampered_access_token_gets_no_embed_token(stack: OfflineStack, shop: Shop) -> None:
    header, payload, signature = shop.seller.token.split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    response = stack.http.post("/tokens/payouts", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


# Operator refunds.


def test_an_operator_refund_changes_the_order_only_when_whop_confirms(
    stack: OfflineStack, shop: Shop
) -> None:
    order_id, _ = paid_order(stack, shop)
    operator = admin(stack)
    stack.emulator.hold_webhooks()
    response = stack.http.post(
        f"/admin/orders/{order_id}/refunds",
        json={"amount_cents": 2500, "reason": "late delivery goodwill"},
        headers=operator.headers,
    )
    assert response.status_code == 202, response.text
    assert response.json()["sent_to_whop"] is True
    assert order_of(stack, order_id)["refunded_cents"] == 0
    stack.emulator.release_webhooks()
    wait_for(lambda: order_of(stack, order_id)["refunded_cents"] == 2500, "Whop's confirmation")
    refunds_rows = stack.sql(
        "select status::text, whop_refund_id from public.refunds where order_id = %s", (order_id,)
    )
    assert [r["status"] for r in refunds_rows] == ["succeeded"]
    assert refunds_rows[0]["whop_refund_id"] in stack.emulator.refunds


def test_a_refund_is_never_sent_twice(stack: OfflineStack, shop: Shop) -> None:
    order_id, _ = paid_order(stack, shop)
    stack.http.post(
        f"/admin/orders/{order_id}/refunds", json={"reason": "full"}, headers=admin(stack).headers
    )
    assert refunds.submit_refunds(stack.services.db, stack.services.whop) == {}
    assert len(stack.emulator.refunds) == 1
    wait_for_status(stack, order_id, "refunded")


def test_only_an_admin_refunds(stack: OfflineStack, shop: Shop) -> None:
    order_id, _ = paid_order(stack, shop)
    for actor in (shop.buyer, shop.seller):
        response = stack.http.post(
            f"/admin/orders/{order_id}/refunds", json={"reason": "please"}, headers=actor.headers
        )
        assert response.status_code == 403
    assert not stack.emulator.refunds


def test_refunding_more_than_was_paid_is_refused(stack: OfflineStack, shop: Shop) -> None:
    order_id, _ = paid_order(stack, shop)
    response = stack.http.post(
        f"/admin/orders/{order_id}/refunds",
        json={"amount_cents": 10001, "reason": "too much"},
        headers=admin(stack).headers,
    )
    assert response.status_code == 422
    assert not stack.emulator.refunds


def test_a_cancelled_paid_order_is_refunded_through_whop(stack: OfflineStack, shop: Shop) -> None:
    order_id, _ = paid_order(stack, shop)
    stack.rpc(
        shop.buyer, "request_cancellation", {"order_id": order_id, "reason": "No longer needed"}
    )
    stack.rpc(shop.seller, "accept_cancellation", {"order_id": order_id})
    assert refunds.submit_refunds(stack.services.db, stack.services.whop)["submitted"] == 1
    wait_for(lambda: order_of(stack, order_id)["refunded_cents"] == 10000, "the refund")
    assert order_of(stack, order_id)["status"] == "cancelled"


# Attribution and admin views.


def test_revenue_per_source_comes_from_the_attribution_that_travelled_with_the_payment(
    stack: OfflineStack, shop: Shop
) -> None:
    paid_order(stack, shop, attribution={"utm_source": "newsletter", "utm_campaign": "autumn"})
    paid_order(stack, shop)
    operator = admin(stack)
    with stack.as_user(operator) as conn:
        rows = conn.execute(
            "select utm_source, utm_campaign, orders_paid, revenue_cents"
            " from public.admin_revenue_by_source order by utm_source"
        ).fetchall()
    assert rows == [
        {"utm_source": "(direct)", "utm_campaign": "", "orders_paid": 1, "revenue_cents": 1000},
        {
            "utm_source": "newsletter",
            "utm_campaign": "autumn",
            "orders_paid": 1,
            "revenue_cents": 1000,
        },
    ]


def test_admin_views_show_nothing_to_other_users(stack: OfflineStack, shop: Shop) -> None:
    paid_order(stack, shop)
    with stack.as_user(shop.seller) as conn:
        for view in (
            "admin_platform_revenue",
            "admin_revenue_by_source",
            "admin_open_disputes",
            "admin_failed_webhooks",
            "admin_sellers_awaiting_kyc",
            "admin_refunds_in_flight",
            "admin_open_chargebacks",
            "admin_quarantined_payments",
            "admin_seller_debts",
        ):
            assert conn.execute(f"select count(*) as n from public.{view}").fetchone()["n"] == 0


def test_platform_revenue_is_fees_minus_fee_refunds_per_day(
    stack: OfflineStack, shop: Shop
) -> None:
    order_id, payment_id = paid_order(stack, shop)
    stack.emulator.refund(payment_id, 5000)
    wait_for(lambda: order_of(stack, order_id)["refunded_cents"] == 5000, "the refund")
    with stack.as_user(admin(stack)) as conn:
        rows = conn.execute(
            "select orders_paid, gross_cents, fee_cents, fee_refunded_cents, revenue_cents"
            " from public.admin_platform_revenue"
        ).fetchall()
    assert rows == [
        {
            "orders_paid": 1,
            "gross_cents": 10000,
            "fee_cents": 1000,
            "fee_refunded_cents": 500,
            "revenue_cents": 500,
        }
    ]


def test_a_withdrawal_state_whop_adds_later_leaves_ours_as_it_was(
    stack: OfflineStack, shop: Shop
) -> None:
    completed_and_cleared(stack, shop)
    withdrawal = stack.http.post(
        "/sellers/withdrawals", json={"amount_cents": 9000}, headers=shop.seller.headers
    ).json()
    recorded = stack.services.db.rpc(
        "record_withdrawal",
        {
            "withdrawal_id": withdrawal["id"],
            "whop_withdrawal_id": withdrawal["whop_withdrawal_id"],
            "status": "on_hold_for_review",
        },
    )
    assert recorded["status"] == withdrawal["status"]
    assert balance(stack, shop.seller)["withdrawing_cents"] == 9000
