"""Where a seller's money goes (issue 22, payouts), through the running system: a seller
lists their own company's payout methods at Whop and picks one per withdrawal (Whop's
default otherwise); a method that is not theirs is refused by Whop and the money is
given back; and payouts are enabled only while Whop says the payout account is connected
and a payout method exists, whether the worker learns it from the seller's KYC sync or
from reconciliation."""

from __future__ import annotations

import httpx
import psycopg
import pytest

from devstack.offline import Actor, OfflineStack, wait_for
from tests.py.marketplace_flow import (
    Shop,
    balance,
    completed_and_cleared,
    onboarded_seller,
    open_shop,
)
from worker import reconcile


@pytest.fixture
def shop(stack: OfflineStack) -> Shop:
    return open_shop(stack)


def connected_seller(stack: OfflineStack, username: str) -> tuple[Actor, str]:
    """Another seller, verified at Whop, with the payout method verifying ends with."""
    seller, company_id = onboarded_seller(stack, username)
    stack.emulator.set_kyc(company_id, "connected")
    return seller, company_id


def payout_methods(stack: OfflineStack, seller: Actor) -> list[dict]:
    response = stack.http.get("/sellers/payout_methods", headers=seller.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["payout_methods"])


def whops_default_method(stack: OfflineStack, company_id: str) -> str:
    return next(m["id"] for m in stack.emulator.payout_methods[company_id] if m["is_default"])


def withdraw(stack: OfflineStack, seller: Actor, **body: object) -> dict:
    response = stack.http.post(
        "/sellers/withdrawals", json={"amount_cents": 9000, **body}, headers=seller.headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


# Payout methods.


def test_a_seller_lists_only_their_own_companys_payout_methods(
    stack: OfflineStack, shop: Shop
) -> None:
    savings = stack.emulator.add_payout_method(shop.company_id, "Savings")["id"]
    _, other_company = connected_seller(stack, "other_seller")
    listed = payout_methods(stack, shop.seller)
    assert [(m["id"], m["is_default"]) for m in listed] == [
        (whops_default_method(stack, shop.company_id), True),
        (savings, False),
    ]
    theirs = {m["id"] for m in stack.emulator.payout_methods[other_company]}
    assert not theirs & {m["id"] for m in listed}


def test_payout_methods_before_onboarding_are_a_409_naming_onboarding(
    stack: OfflineStack,
) -> None:
    seller = stack.sign_up("new_seller", "New")
    stack.rpc(seller, "become_seller", {"headline": "hello"})
    asked_before = len(stack.emulator.requests)
    response = stack.http.get("/sellers/payout_methods", headers=seller.headers)
    assert response.status_code == 409
    assert "onboard" in response.json()["message"]
    assert stack.emulator.requests[asked_before:] == []


# Withdrawals to a payout method.


def test_a_withdrawal_to_a_chosen_payout_method_reaches_whop_with_it(
    stack: OfflineStack, shop: Shop
) -> None:
    completed_and_cleared(stack, shop)
    savings = stack.emulator.add_payout_method(shop.company_id, "Savings")["id"]
    withdrawal = withdraw(stack, shop.seller, payout_method_id=savings)
    assert stack.emulator.withdrawal_payout_methods[withdrawal["whop_withdrawal_id"]] == savings


def test_a_withdrawal_without_a_chosen_payout_method_goes_to_whops_default(
    stack: OfflineStack, shop: Shop
) -> None:
    completed_and_cleared(stack, shop)
    stack.emulator.add_payout_method(shop.company_id, "Savings")
    withdrawal = withdraw(stack, shop.seller)
    assert stack.emulator.withdrawal_payout_methods[
        withdrawal["whop_withdrawal_id"]
    ] == whops_default_method(stack, shop.company_id)


def test_a_foreign_payout_method_is_refused_by_whop_and_the_money_is_given_back(
    stack: OfflineStack, shop: Shop
) -> None:
    completed_and_cleared(stack, shop)
    _, other_company = connected_seller(stack, "other_seller")
    foreign = whops_default_method(stack, other_company)
    response = stack.http.post(
        "/sellers/withdrawals",
        json={"amount_cents": 9000, "payout_method_id": foreign},
        headers=shop.seller.headers,
    )
    assert response.status_code == 404
    assert "payout method" in response.json()["message"]
    assert not stack.emulator.withdrawals
    recorded = stack.sql(
        "select status::text from public.withdrawals where seller_id = %s",
        (shop.seller.user_id,),
    )
    assert [w["status"] for w in recorded] == ["failed"]
    money = balance(stack, shop.seller)
    assert (money["available_cents"], money["withdrawing_cents"]) == (9000, 0)


# Withdrawals made at Whop: the payouts component's token withdraws without asking us.


def withdraw_in_whops_component(stack: OfflineStack, seller: Actor, amount: float) -> dict:
    """What Whop's embedded payouts component does with the token the seller was given:
    a withdrawal straight from the seller's company, which GigFlow never sees requested."""
    token = stack.http.post("/tokens/payouts", headers=seller.headers)
    assert token.status_code == 200, token.text
    minted = token.json()
    response = httpx.post(
        f"{stack.emulator.public_url}/api/v1/withdrawals",
        json={"company_id": minted["company_id"], "amount": amount, "currency": "USD"},
        headers={"Authorization": f"Bearer {minted['token']}"},
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_a_withdrawal_made_in_whops_component_counts_against_the_balance(
    stack: OfflineStack, shop: Shop
) -> None:
    completed_and_cleared(stack, shop)
    made = withdraw_in_whops_component(stack, shop.seller, 90.00)
    wait_for(
        lambda: balance(stack, shop.seller)["withdrawing_cents"] == 9000,
        "Whop's withdrawal.created webhook to reach the balance",
    )
    money = balance(stack, shop.seller)
    assert (money["available_cents"], money["debt_cents"]) == (0, 0)
    # The same money cannot be withdrawn a second time through GigFlow.
    again = stack.http.post(
        "/sellers/withdrawals", json={"amount_cents": 9000}, headers=shop.seller.headers
    )
    assert again.status_code == 409, again.text
    recorded = stack.sql(
        "select amount_cents, made_at_whop from public.withdrawals where whop_withdrawal_id = %s",
        (made["id"],),
    )
    assert recorded == [{"amount_cents": 9000, "made_at_whop": True}]
    # Whop's later word on it applies, as for ours: failed, the money is back.
    stack.emulator.settle_withdrawal(made["id"], "failed")
    wait_for(
        lambda: balance(stack, shop.seller)["available_cents"] == 9000,
        "the failed withdrawal to give the money back",
    )


def test_a_withdrawal_made_at_whop_beyond_the_available_balance_is_debt(
    stack: OfflineStack, shop: Shop
) -> None:
    order_id = completed_and_cleared(stack, shop)
    # A refund asked for holds the seller's share back here; Whop's balance does not know.
    admin = stack.sign_up("payouts_admin", "Payouts Admin", admin=True)
    stack.rpc(
        admin,
        "request_refund",
        {"order_id": order_id, "amount_cents": 5000, "reason": "Half of it was missing"},
    )
    assert balance(stack, shop.seller)["available_cents"] == 4500
    made = withdraw_in_whops_component(stack, shop.seller, 90.00)
    stack.emulator.settle_withdrawal(made["id"], "completed")
    wait_for(
        lambda: balance(stack, shop.seller)["withdrawn_cents"] == 9000,
        "Whop's withdrawal webhooks to reach the balance",
    )
    money = balance(stack, shop.seller)
    assert (money["available_cents"], money["held_cents"], money["debt_cents"]) == (0, 4500, 4500)


# Payouts enabled: the payout account connected and a payout method, as Whop says.


def onboarded_with_webhooks_held(stack: OfflineStack) -> tuple[Actor, str]:
    """A seller who onboarded; Whop's webhooks about them never arrive, so only what the
    worker asks Whop (KYC sync, reconciliation) tells GigFlow anything."""
    seller, company_id = onboarded_seller(stack, "quiet_seller")
    stack.emulator.hold_webhooks()
    return seller, company_id


def kyc_sync(stack: OfflineStack, seller: Actor) -> dict:
    response = stack.http.post("/sellers/kyc/sync", headers=seller.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def payout_state(stack: OfflineStack, seller: Actor) -> tuple[str, bool]:
    row = stack.sql(
        "select kyc_status::text, payout_enabled from public.seller_accounts where user_id = %s",
        (seller.user_id,),
    )[0]
    return row["kyc_status"], row["payout_enabled"]


def remove_every_payout_method(stack: OfflineStack, company_id: str) -> None:
    for method in list(stack.emulator.payout_methods.get(company_id, [])):
        stack.emulator.remove_payout_method(company_id, method["id"])


def test_whops_webhooks_enable_payouts_when_a_seller_verifies_with_a_payout_method(
    stack: OfflineStack,
) -> None:
    seller, company_id = onboarded_seller(stack, "webhook_seller")
    # verification.succeeded, payout_method.created, payout_account.status_updated.
    stack.emulator.set_kyc(company_id, "connected")
    wait_for(lambda: payout_state(stack, seller) == ("verified", True), "Whop's webhooks to apply")
    failed = stack.sql(
        "select event_type, last_error from public.whop_events where status = 'failed'"
    )
    assert failed == []


def test_kyc_sync_enables_payouts_when_whop_says_connected_with_a_payout_method(
    stack: OfflineStack,
) -> None:
    seller, company_id = onboarded_with_webhooks_held(stack)
    stack.emulator.set_kyc(company_id, "connected")
    synced = kyc_sync(stack, seller)
    assert (synced["kyc_status"], synced["payout_enabled"]) == ("verified", True)
    assert payout_state(stack, seller) == ("verified", True)


def test_kyc_sync_keeps_payouts_disabled_while_the_payout_account_is_not_connected(
    stack: OfflineStack,
) -> None:
    seller, company_id = onboarded_with_webhooks_held(stack)
    stack.emulator.set_kyc(company_id, "pending_verification")
    stack.emulator.add_payout_method(company_id, "Main account")
    synced = kyc_sync(stack, seller)
    assert (synced["kyc_status"], synced["payout_enabled"]) == ("pending", False)
    assert payout_state(stack, seller) == ("pending", False)


def test_kyc_sync_disables_payouts_when_whop_has_no_payout_method_left(
    stack: OfflineStack,
) -> None:
    seller, company_id = onboarded_with_webhooks_held(stack)
    stack.emulator.set_kyc(company_id, "connected")
    assert kyc_sync(stack, seller)["payout_enabled"] is True
    remove_every_payout_method(stack, company_id)
    synced = kyc_sync(stack, seller)
    assert (synced["kyc_status"], synced["payout_enabled"]) == ("verified", False)
    assert payout_state(stack, seller) == ("verified", False)


def test_kyc_sync_disables_payouts_when_the_payout_account_is_no_longer_connected(
    stack: OfflineStack,
) -> None:
    seller, company_id = onboarded_with_webhooks_held(stack)
    stack.emulator.set_kyc(company_id, "connected")
    assert kyc_sync(stack, seller)["payout_enabled"] is True
    stack.emulator.set_kyc(company_id, "action_required")
    synced = kyc_sync(stack, seller)
    assert (synced["kyc_status"], synced["payout_enabled"]) == ("pending", False)


def reconcile_now(stack: OfflineStack) -> reconcile.Report:
    """A pass of reconciliation, as if the recheck interval had passed for everything."""
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        conn.execute("delete from private.whop_checks")
    return reconcile.reconcile_once(stack.services.db, stack.services.whop)


def test_reconciliation_enables_payouts_when_whop_says_connected_with_a_payout_method(
    stack: OfflineStack,
) -> None:
    seller, company_id = onboarded_with_webhooks_held(stack)
    stack.emulator.set_kyc(company_id, "connected")
    assert reconcile_now(stack).errors == 0
    assert payout_state(stack, seller) == ("verified", True)


def test_reconciliation_keeps_payouts_disabled_without_a_payout_method(
    stack: OfflineStack,
) -> None:
    seller, company_id = onboarded_with_webhooks_held(stack)
    stack.emulator.set_kyc(company_id, "connected")
    remove_every_payout_method(stack, company_id)
    assert reconcile_now(stack).errors == 0
    assert payout_state(stack, seller) == ("verified", False)


def test_reconciliation_enables_payouts_once_a_payout_method_is_added(
    stack: OfflineStack,
) -> None:
    seller, company_id = onboarded_with_webhooks_held(stack)
    stack.emulator.set_kyc(company_id, "connected")
    remove_every_payout_method(stack, company_id)
    reconcile_now(stack)
    stack.emulator.add_payout_method(company_id, "Main account")
    assert reconcile_now(stack).errors == 0
    assert payout_state(stack, seller) == ("verified", True)


def test_reconciliation_keeps_payouts_disabled_while_the_payout_account_is_not_connected(
    stack: OfflineStack,
) -> None:
    seller, company_id = onboarded_with_webhooks_held(stack)
    stack.emulator.set_kyc(company_id, "pending_verification")
    stack.emulator.add_payout_method(company_id, "Main account")
    assert reconcile_now(stack).errors == 0
    assert payout_state(stack, seller) == ("pending", False)
