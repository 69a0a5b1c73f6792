"""Whop accounts through the running system: OAuth linking with PKCE (state once, by the
Whop user id Whop vouches for, tokens encrypted), chat tokens for an order's two parties
only, webhook provisioning with a stored secret, and key rotation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import psycopg
import pytest

from devstack.offline import Actor, OfflineStack, wait_for
from tests.py.marketplace_flow import Shop, checkout, open_shop
from worker import runtime, stored_secrets, webhook_setup
from worker.secretbox import SecretBox, new_key


@pytest.fixture
def shop(stack: OfflineStack) -> Shop:
    return open_shop(stack)


def approve(stack: OfflineStack, actor: Actor, whop_user_id: str = "user_maya") -> httpx.URL:
    """The user starts linking, approves at Whop, and comes back with a code and state."""
    started = stack.http.post("/oauth/whop/start", headers=actor.headers)
    assert started.status_code == 200, started.text
    return httpx.URL(
        stack.emulator.approve_oauth(started.json()["authorize_url"], whop_user_id=whop_user_id)
    )


def callback(stack: OfflineStack, back: httpx.URL, **override: str) -> httpx.Response:
    params = {"code": back.params["code"], "state": back.params["state"], **override}
    return stack.http.get("/oauth/whop/callback", params=params)


def stored_link(stack: OfflineStack, actor: Actor) -> dict | None:
    rows = stack.sql("select * from private.whop_oauth_links where user_id = %s", (actor.user_id,))
    return rows[0] if rows else None


# Linking.


def test_linking_stores_the_whop_user_whop_vouches_for_with_encrypted_tokens(
    stack: OfflineStack, shop: Shop
) -> None:
    response = callback(stack, approve(stack, shop.seller))
    assert response.status_code == 200, response.text
    assert response.json() == {"linked": True, "whop_user_id": "user_maya"}
    link = stored_link(stack, shop.seller)
    assert link is not None
    issued = [t for k, t in stack.emulator.oauth_tokens.items() if k.startswith("access:")]
    assert issued[0]["access_token"] not in link["access_token_ciphertext"]
    box = SecretBox([stack.encryption_key])
    assert box.open(link["access_token_ciphertext"]) == issued[0]["access_token"]
    assert stack.rpc(shop.seller, "my_whop_link")[0]["whop_user_id"] == "user_maya"


def test_a_state_works_once(stack: OfflineStack, shop: Shop) -> None:
    back = approve(stack, shop.seller)
    assert callback(stack, back).status_code == 200
    replayed = callback(stack, back)
    assert replayed.status_code == 403
    assert "already used" in replayed.json()["message"]


def test_a_tampered_state_is_refused(stack: OfflineStack, shop: Shop) -> None:
    back = approve(stack, shop.seller)
    response = callback(stack, back, state=back.params["state"][:-2] + "xx")
    assert response.status_code == 403
    assert stored_link(stack, shop.seller) is None


def test_an_expired_state_is_refused(stack: OfflineStack, shop: Shop) -> None:
    back = approve(stack, shop.seller)
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        conn.execute(
            "update private.whop_oauth_states set expires_at = now() - interval '1 second'"
        )
    assert callback(stack, back).status_code == 403


def test_a_forged_code_is_refused_by_whop(stack: OfflineStack, shop: Shop) -> None:
    back = approve(stack, shop.seller)
    assert callback(stack, back, code="forged").status_code == 403
    assert stored_link(stack, shop.seller) is None


def test_one_whop_account_links_to_one_user(stack: OfflineStack, shop: Shop) -> None:
    assert callback(stack, approve(stack, shop.seller, "user_shared")).status_code == 200
    second = callback(stack, approve(stack, shop.buyer, "user_shared"))
    assert second.status_code == 409
    assert stored_link(stack, shop.buyer) is None


def test_starting_needs_a_signed_in_user(stack: OfflineStack) -> None:
    assert stack.http.post("/oauth/whop/start").status_code == 401


def test_unlinking_revokes_the_tokens_at_whop(stack: OfflineStack, shop: Shop) -> None:
    callback(stack, approve(stack, shop.seller))
    token = next(
        t["access_token"] for k, t in stack.emulator.oauth_tokens.items() if k.startswith("access:")
    )
    assert stack.http.delete("/oauth/whop/link", headers=shop.seller.headers).status_code == 204
    assert stored_link(stack, shop.seller) is None
    assert "access:" + token not in stack.emulator.oauth_tokens
    assert stack.http.delete("/oauth/whop/link", headers=shop.seller.headers).status_code == 404


# Chat.


def test_both_parties_get_a_chat_token_and_a_stranger_does_not(
    stack: OfflineStack, shop: Shop
) -> None:
    order_id = checkout(stack, shop)["order_id"]
    for actor, role in ((shop.buyer, "buyer"), (shop.seller, "seller")):
        response = stack.http.post(
            "/tokens/chat", json={"order_id": order_id}, headers=actor.headers
        )
        assert response.status_code == 200, response.text
        chat = response.json()
        assert (chat["strategy"], chat["role"]) == ("company", role)
        assert chat["channel"] == f"gigflow-order-{order_id}"
        minted = stack.emulator.access_tokens[chat["token"]]
        assert minted["scoped_actions"] == ["chat:message:create", "chat:read"]
    stranger = stack.sign_up("chat_stranger", "Stranger")
    refused = stack.http.post("/tokens/chat", json={"order_id": order_id}, headers=stranger.headers)
    assert refused.status_code == 404


def test_a_linked_user_chats_with_their_own_whop_token_refreshed_when_due(
    stack: OfflineStack, shop: Shop
) -> None:
    order_id = checkout(stack, shop)["order_id"]
    callback(stack, approve(stack, shop.seller))
    first = stack.http.post(
        "/tokens/chat", json={"order_id": order_id}, headers=shop.seller.headers
    ).json()
    assert first["strategy"] == "whop_user"
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        conn.execute("update private.whop_oauth_links set access_expires_at = now()")
    second = stack.http.post(
        "/tokens/chat", json={"order_id": order_id}, headers=shop.seller.headers
    ).json()
    assert second["token"] != first["token"]
    assert "access:" + first["token"] not in stack.emulator.oauth_tokens
    assert datetime.fromisoformat(second["expires_at"]) > datetime.now(UTC) + timedelta(minutes=50)


# Webhook provisioning and keys.


def test_ensure_creates_the_webhook_once_and_stores_its_secret_encrypted(
    stack: OfflineStack,
) -> None:
    box = stack.services.secret_box()
    url = f"{stack.worker_url}/webhooks/whop"
    company = stack.emulator.platform_company_id
    first = webhook_setup.ensure(
        stack.services.db, stack.services.whop, box, url=url, company_id=company
    )
    again = webhook_setup.ensure(
        stack.services.db, stack.services.whop, box, url=url, company_id=company
    )
    assert first.created
    assert not again.created
    assert again.webhook_id == first.webhook_id
    hook = stack.emulator.webhooks[first.webhook_id]
    assert set(webhook_setup.HANDLED_EVENTS) <= set(hook["events"])
    stored = stack.sql("select secret_ciphertext from private.whop_webhook_endpoints")
    assert box.open(stored[0]["secret_ciphertext"]) == hook["webhook_secret"]
    assert hook["webhook_secret"] not in stored[0]["secret_ciphertext"]


def test_a_worker_verifies_deliveries_signed_with_the_stored_secret(
    stack: OfflineStack, shop: Shop
) -> None:
    url = f"{stack.worker_url}/webhooks/whop"
    webhook_setup.ensure(
        stack.services.db,
        stack.services.whop,
        stack.services.secret_box(),
        url=url,
        company_id=stack.emulator.platform_company_id,
    )
    # The restarted worker knows only the stored secret; the emulator signs with it.
    restarted = runtime.build_services(
        stack.settings.model_copy(update={"whop_webhook_secret": None})
    )
    stack.services.webhooks = restarted.webhooks
    restarted.close()
    stack.emulator.webhook_url = None
    created = checkout(stack, shop)
    stack.emulator.pay(created["checkout_id"])
    wait_for(
        lambda: stack.sql(
            "select 1 from public.orders where id = %s and paid_at is not null",
            (created["order_id"],),
        ),
        "the payment signed with the stored secret",
    )


def test_remove_deletes_the_webhook_at_whop_and_forgets_it(stack: OfflineStack) -> None:
    url = f"{stack.worker_url}/webhooks/whop"
    ensured = webhook_setup.ensure(
        stack.services.db,
        stack.services.whop,
        stack.services.secret_box(),
        url=url,
        company_id=stack.emulator.platform_company_id,
    )
    assert webhook_setup.remove(stack.services.db, stack.services.whop) == [ensured.webhook_id]
    assert ensured.webhook_id not in stack.emulator.webhooks
    assert stack.sql("select * from private.whop_webhook_endpoints") == []


def test_a_webhook_found_without_its_secret_is_replaced(stack: OfflineStack) -> None:
    url = f"{stack.worker_url}/webhooks/whop"
    unknown = stack.services.whop.create_webhook(
        url=url, events=["payment.succeeded"], resource_id=stack.emulator.platform_company_id
    )
    ensured = webhook_setup.ensure(
        stack.services.db,
        stack.services.whop,
        stack.services.secret_box(),
        url=url,
        company_id=stack.emulator.platform_company_id,
    )
    assert ensured.created
    assert unknown["id"] not in stack.emulator.webhooks


def test_rotating_keys_re_encrypts_every_stored_secret(stack: OfflineStack, shop: Shop) -> None:
    callback(stack, approve(stack, shop.seller))
    webhook_setup.ensure(
        stack.services.db,
        stack.services.whop,
        stack.services.secret_box(),
        url=f"{stack.worker_url}/webhooks/whop",
        company_id=stack.emulator.platform_company_id,
    )
    fresh = new_key()
    rotating = SecretBox([fresh, stack.encryption_key])
    assert stored_secrets.rotate_keys(stack.services.db, rotating) == 3
    only_new = SecretBox([fresh])
    for stored in stack.services.db.rpc("stored_ciphertexts"):
        assert only_new.open(stored["ciphertext"])
