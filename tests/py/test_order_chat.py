"""Order chat through the running system: a paid order's buyer and seller talk in a Whop
DM channel between their own Whop accounts, made once, and get chat tokens that are
their own (never a company's). Each refusal is written as the attempt: a buyer who never
paid, an order cancelled unpaid, a stranger, a party without a Whop account."""

from __future__ import annotations

import httpx
import pytest

from devstack.offline import Actor, OfflineStack, wait_for
from tests.py.marketplace_flow import Shop, checkout, open_shop, wait_for_status
from worker import chat

DM_ACTIONS = ["dms:read", "dms:message:manage", "dms:channel:manage"]


@pytest.fixture
def shop(stack: OfflineStack) -> Shop:
    return open_shop(stack)


def link(stack: OfflineStack, actor: Actor, whop_user_id: str) -> None:
    browser = stack.browser()
    back = stack.emulator.approve_oauth(browser.start_linking(actor), whop_user_id=whop_user_id)
    assert browser.land(back).params["result"] == "linked"


def paid_order(stack: OfflineStack, shop: Shop) -> str:
    created = checkout(stack, shop)
    stack.emulator.pay(created["checkout_id"])
    wait_for_status(stack, created["order_id"], "awaiting_requirements")
    return str(created["order_id"])


def channel_of(stack: OfflineStack, order_id: str) -> str | None:
    return stack.sql("select whop_dm_channel_id from public.orders where id = %s", (order_id,))[0][
        "whop_dm_channel_id"
    ]


def chat_token(stack: OfflineStack, actor: Actor, order_id: str) -> httpx.Response:
    return stack.http.post("/tokens/chat", json={"order_id": order_id}, headers=actor.headers)


def dm_channel_requests(stack: OfflineStack) -> int:
    return stack.emulator.requests.count(("POST", "/api/v1/dm_channels"))


# The channel.


def test_paying_opens_a_dm_channel_between_both_parties_whop_accounts(
    stack: OfflineStack, shop: Shop
) -> None:
    link(stack, shop.buyer, "user_buyer")
    link(stack, shop.seller, "user_seller")
    order_id = paid_order(stack, shop)
    channel_id = wait_for(lambda: channel_of(stack, order_id), "the order's chat channel")
    assert stack.emulator.dm_members[channel_id] == ["user_buyer", "user_seller"]
    assert stack.emulator.dm_channel_companies[channel_id] == stack.emulator.platform_company_id
    title = stack.sql("select gig_title from public.orders where id = %s", (order_id,))[0]
    assert stack.emulator.dm_channels[channel_id]["name"] == (
        f"GigFlow order {order_id[:8]}: {title['gig_title']}"
    )


def test_the_channel_is_made_once_however_often_it_is_asked_for(
    stack: OfflineStack, shop: Shop
) -> None:
    link(stack, shop.buyer, "user_buyer")
    link(stack, shop.seller, "user_seller")
    order_id = paid_order(stack, shop)
    channel_id = wait_for(lambda: channel_of(stack, order_id), "the order's chat channel")
    for _ in range(3):
        chat.open_channels(stack.services)
        assert chat_token(stack, shop.buyer, order_id).json()["channel_id"] == channel_id
        assert chat_token(stack, shop.seller, order_id).json()["channel_id"] == channel_id
    assert dm_channel_requests(stack) == 1
    assert len(stack.emulator.dm_channels) == 1


def test_each_party_gets_their_own_whop_token_for_the_channel(
    stack: OfflineStack, shop: Shop
) -> None:
    link(stack, shop.buyer, "user_buyer")
    link(stack, shop.seller, "user_seller")
    order_id = paid_order(stack, shop)
    channel_id = wait_for(lambda: channel_of(stack, order_id), "the order's chat channel")
    for actor, role, whop_user_id in (
        (shop.buyer, "buyer", "user_buyer"),
        (shop.seller, "seller", "user_seller"),
    ):
        response = chat_token(stack, actor, order_id)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["role"], body["channel_id"]) == (role, channel_id)
        minted = stack.emulator.access_tokens[body["token"]]
        # The user's own identity, only direct-message actions, never a company's token.
        assert minted["user_id"] == whop_user_id
        assert minted["company_id"] is None
        assert minted["scoped_actions"] == DM_ACTIONS
        with httpx.Client(
            base_url=f"{stack.emulator.public_url}/api/v1",
            headers={"Authorization": f"Bearer {body['token']}"},
        ) as embed:
            mine = embed.get(
                "/dm_channels", params={"company_id": stack.emulator.platform_company_id}
            )
            assert [c["id"] for c in mine.json()["data"]] == [channel_id]
            assert embed.get("/payments").status_code == 401


def test_the_parties_read_the_channel_on_the_order_and_nobody_else_does(
    stack: OfflineStack, shop: Shop
) -> None:
    link(stack, shop.buyer, "user_buyer")
    link(stack, shop.seller, "user_seller")
    order_id = paid_order(stack, shop)
    channel_id = wait_for(lambda: channel_of(stack, order_id), "the order's chat channel")
    stranger = stack.sign_up("chat_onlooker", "Onlooker")
    query = "select whop_dm_channel_id from public.orders where id = %s"
    readers = ((shop.buyer, [channel_id]), (shop.seller, [channel_id]), (stranger, []))
    for actor, expected in readers:
        with stack.as_user(actor) as conn:
            rows = conn.execute(query, (order_id,)).fetchall()
        assert [row["whop_dm_channel_id"] for row in rows] == expected


def test_a_party_who_links_whop_after_payment_opens_the_channel_then(
    stack: OfflineStack, shop: Shop
) -> None:
    link(stack, shop.seller, "user_seller")
    order_id = paid_order(stack, shop)
    # The buyer has no Whop account linked: they are told how to link one.
    required = chat_token(stack, shop.buyer, order_id)
    assert required.status_code == 409
    assert required.json()["code"] == "whop_account_required"
    assert required.json()["link_url"] == f"{stack.worker_url}/oauth/whop/start"
    # The seller, linked, waits for the buyer: no channel, so no token.
    pending = chat_token(stack, shop.seller, order_id)
    assert pending.status_code == 409
    assert pending.json()["code"] == "chat_channel_pending"
    assert not stack.emulator.access_tokens
    assert dm_channel_requests(stack) == 0
    # The buyer links Whop: the channel is made as they link.
    link(stack, shop.buyer, "user_buyer")
    channel_id = channel_of(stack, order_id)
    assert channel_id is not None
    assert stack.emulator.dm_members[channel_id] == ["user_buyer", "user_seller"]
    assert chat_token(stack, shop.seller, order_id).json()["channel_id"] == channel_id


def test_a_party_linking_another_whop_account_gets_a_channel_with_it(
    stack: OfflineStack, shop: Shop
) -> None:
    link(stack, shop.buyer, "user_buyer")
    link(stack, shop.seller, "user_seller")
    order_id = paid_order(stack, shop)
    first = wait_for(lambda: channel_of(stack, order_id), "the order's chat channel")
    link(stack, shop.buyer, "user_buyer_new")
    second = channel_of(stack, order_id)
    assert second is not None
    assert second != first
    assert stack.emulator.dm_members[second] == ["user_buyer_new", "user_seller"]


# Chat tokens refused.


def test_a_buyer_who_only_started_a_checkout_gets_no_chat_token(
    stack: OfflineStack, shop: Shop
) -> None:
    link(stack, shop.buyer, "user_buyer")
    link(stack, shop.seller, "user_seller")
    # The buyer starts a checkout and never pays, then asks for the order's chat.
    order_id = checkout(stack, shop)["order_id"]
    refused = chat_token(stack, shop.buyer, order_id)
    assert refused.status_code == 409
    assert "the chat opens once it is paid" in refused.json()["message"]
    assert not stack.emulator.access_tokens
    assert dm_channel_requests(stack) == 0


def test_an_order_cancelled_unpaid_gets_no_channel_and_no_token(
    stack: OfflineStack, shop: Shop
) -> None:
    link(stack, shop.buyer, "user_buyer")
    link(stack, shop.seller, "user_seller")
    created = checkout(stack, shop)
    stack.emulator.fail(created["checkout_id"])
    wait_for_status(stack, created["order_id"], "cancelled")
    chat.open_channels(stack.services)
    for actor in (shop.buyer, shop.seller):
        assert chat_token(stack, actor, created["order_id"]).status_code == 409
    assert channel_of(stack, created["order_id"]) is None
    assert dm_channel_requests(stack) == 0
    assert not stack.emulator.access_tokens


def test_a_stranger_asking_for_an_orders_chat_learns_nothing(
    stack: OfflineStack, shop: Shop
) -> None:
    link(stack, shop.buyer, "user_buyer")
    link(stack, shop.seller, "user_seller")
    order_id = paid_order(stack, shop)
    wait_for(lambda: channel_of(stack, order_id), "the order's chat channel")
    stranger = stack.sign_up("chat_stranger", "Stranger")
    link(stack, stranger, "user_stranger")
    refused = chat_token(stack, stranger, order_id)
    assert refused.status_code == 404
    assert refused.json()["code"] == "not_found"
    assert not stack.emulator.access_tokens


def test_a_chat_token_needs_a_signed_in_user(stack: OfflineStack, shop: Shop) -> None:
    order_id = checkout(stack, shop)["order_id"]
    assert stack.http.post("/tokens/chat", json={"order_id": order_id}).status_code == 401


# Whop failing.


def test_a_channel_whop_refuses_is_tried_again_later_not_at_each_token_request(
    stack: OfflineStack, shop: Shop
) -> None:
    link(stack, shop.buyer, "user_buyer")
    link(stack, shop.seller, "user_seller")
    # Whop forgets the seller's account (deleted at Whop) before the order is paid.
    stack.emulator.users.pop("user_seller")
    order_id = paid_order(stack, shop)
    wait_for(
        lambda: stack.sql(
            "select 1 from private.order_dm_channels where order_id = %s and attempts > 0",
            (order_id,),
        ),
        "the failed attempt",
    )
    failed = stack.sql(
        "select last_error, retry_at > now() as later from private.order_dm_channels"
        " where order_id = %s",
        (order_id,),
    )[0]
    assert "user user_seller was not found" in failed["last_error"]
    assert failed["later"]
    # The buyer asks again and again: each is told to wait, and Whop is not asked again
    # before the backoff is over (one participant must not spend the platform's API key).
    for _ in range(5):
        refused = chat_token(stack, shop.buyer, order_id)
        assert refused.status_code == 409
        assert refused.json()["code"] == "chat_channel_pending"
    attempts = stack.sql(
        "select attempts from private.order_dm_channels where order_id = %s", (order_id,)
    )[0]["attempts"]
    assert attempts == 1
    assert channel_of(stack, order_id) is None
