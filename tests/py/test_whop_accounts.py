"""Whop accounts through the running system: linking with OAuth 2.1 + PKCE, bound to
the browser and the user that started it (each attack written as the attacker's steps),
one Whop account per GigFlow user, unlinking, webhook provisioning with a stored secret,
and key rotation. Order chat and signing in with Whop have files of their own."""

from __future__ import annotations

import hashlib

import httpx
import psycopg
import pytest

from devstack.offline import OAUTH_DONE_URL, OAUTH_ERROR_URL, Actor, OfflineStack, wait_for
from tests.py.marketplace_flow import Shop, checkout, open_shop
from worker import runtime, stored_secrets, webhook_setup
from worker.secretbox import SecretBox, new_key


@pytest.fixture
def shop(stack: OfflineStack) -> Shop:
    return open_shop(stack)


def stored_link(stack: OfflineStack, actor: Actor) -> dict | None:
    rows = stack.sql("select * from private.whop_oauth_links where user_id = %s", (actor.user_id,))
    return rows[0] if rows else None


def page(url: httpx.URL) -> tuple[str, dict[str, str]]:
    """Which frontend page a browser was sent to, and what it was told."""
    return str(url.copy_with(query=None, fragment=None)), dict(url.params)


def link_in_browser(stack: OfflineStack, actor: Actor, whop_user_id: str) -> httpx.URL:
    """The user links their Whop account the ordinary way: start, approve, come back."""
    browser = stack.browser()
    back = stack.emulator.approve_oauth(browser.start_linking(actor), whop_user_id=whop_user_id)
    return browser.land(back)


def complete(stack: OfflineStack, back: str, actor: Actor | None) -> httpx.Response:
    """A frontend page that received Whop's redirect posts its code and state."""
    params = httpx.URL(back).params
    return stack.http.post(
        "/oauth/whop/complete",
        json={"code": params["code"], "state": params["state"]},
        headers=actor.headers if actor else {},
    )


# Linking, done right.


def test_linking_in_the_starting_browser_links_the_whop_account_whop_vouches_for(
    stack: OfflineStack, shop: Shop
) -> None:
    landed = link_in_browser(stack, shop.seller, "user_maya")
    assert page(landed) == (OAUTH_DONE_URL, {"result": "linked"})
    link = stored_link(stack, shop.seller)
    assert link is not None
    assert link["whop_user_id"] == "user_maya"
    issued = [t for k, t in stack.emulator.oauth_tokens.items() if k.startswith("access:")]
    assert issued[0]["access_token"] not in link["access_token_ciphertext"]
    box = SecretBox([stack.encryption_key])
    assert box.open(link["access_token_ciphertext"]) == issued[0]["access_token"]
    assert stack.rpc(shop.seller, "my_whop_link")[0]["whop_user_id"] == "user_maya"


def test_starting_sets_an_httponly_secure_lax_cookie_whose_hash_is_kept_with_the_state(
    stack: OfflineStack, shop: Shop
) -> None:
    started = stack.http.post("/oauth/whop/start", headers=shop.seller.headers)
    cookie = started.headers["set-cookie"]
    name, _, rest = cookie.partition("=")
    nonce = rest.split(";")[0]
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert name == "gigflow_whop_oauth"
    assert {"httponly", "secure", "samesite=lax", "path=/oauth/whop", "max-age=600"} <= attributes
    stored = stack.sql("select browser_binding_hash, purpose from private.whop_oauth_states")
    assert stored == [
        {"browser_binding_hash": hashlib.sha256(nonce.encode()).hexdigest(), "purpose": "link"}
    ]
    assert nonce not in str(stored)


def test_the_user_who_started_may_complete_from_the_frontend_with_their_token(
    stack: OfflineStack, shop: Shop
) -> None:
    # The frontend's own page is where Whop sent the browser; no cookie reaches the worker.
    started = stack.http.post("/oauth/whop/start", headers=shop.seller.headers)
    back = stack.emulator.approve_oauth(started.json()["authorize_url"], whop_user_id="user_maya")
    response = complete(stack, back, shop.seller)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "result": "linked",
        "user_id": shop.seller.user_id,
        "whop_user_id": "user_maya",
        "token_hash": None,
        "verification_type": None,
        "new_account": False,
    }
    assert stored_link(stack, shop.seller)["whop_user_id"] == "user_maya"


# Linking, attacked.


def test_an_attacker_who_gets_the_victim_to_approve_links_nothing(
    stack: OfflineStack, shop: Shop
) -> None:
    mallory, alice = shop.buyer, shop.seller
    mallory_browser, alice_browser = stack.browser(), stack.browser()
    # Mallory starts linking her account and sends the authorize URL to Alice.
    authorize_url = mallory_browser.start_linking(mallory)
    # Alice approves at Whop with her own Whop account; Whop sends her browser back.
    back = stack.emulator.approve_oauth(authorize_url, whop_user_id="user_alice")
    landed = alice_browser.land(back)
    assert page(landed) == (OAUTH_ERROR_URL, {"reason": "oauth_browser_mismatch"})
    assert stored_link(stack, mallory) is None
    assert stored_link(stack, alice) is None
    # Mallory learns the code and replays it from her own browser: the state is spent.
    replayed = mallory_browser.land(back)
    assert page(replayed) == (OAUTH_ERROR_URL, {"reason": "oauth_state_invalid"})
    assert stored_link(stack, mallory) is None
    # And Whop's code was never exchanged: no token of Alice's was issued to us.
    assert not [k for k in stack.emulator.oauth_tokens if k.startswith("access:")]


def test_a_victims_callback_without_any_cookie_links_nothing(
    stack: OfflineStack, shop: Shop
) -> None:
    mallory = shop.buyer
    authorize_url = stack.browser().start_linking(mallory)
    back = stack.emulator.approve_oauth(authorize_url, whop_user_id="user_alice")
    landed = stack.http.get(back)
    assert landed.status_code == 303
    assert page(httpx.URL(landed.headers["location"])) == (
        OAUTH_ERROR_URL,
        {"reason": "oauth_browser_mismatch"},
    )
    assert stored_link(stack, mallory) is None


def test_another_signed_in_user_completing_a_link_is_refused(
    stack: OfflineStack, shop: Shop
) -> None:
    mallory, alice = shop.buyer, shop.seller
    authorize_url = stack.browser().start_linking(mallory)
    back = stack.emulator.approve_oauth(authorize_url, whop_user_id="user_alice")
    # Alice's frontend page receives Whop's redirect and completes it with her token.
    refused = complete(stack, back, alice)
    assert refused.status_code == 403
    assert refused.json()["code"] == "oauth_user_mismatch"
    assert "nothing was linked" in refused.json()["message"]
    assert stored_link(stack, mallory) is None
    assert stored_link(stack, alice) is None


def test_relinking_a_whop_account_another_user_holds_is_refused_with_409(
    stack: OfflineStack, shop: Shop
) -> None:
    alice, mallory = shop.seller, shop.buyer
    link_in_browser(stack, alice, "user_alice")
    # Mallory gets hold of Alice's Whop session and links it to her own GigFlow account.
    started = stack.http.post("/oauth/whop/start", headers=mallory.headers)
    back = stack.emulator.approve_oauth(started.json()["authorize_url"], whop_user_id="user_alice")
    refused = complete(stack, back, mallory)
    assert refused.status_code == 409
    assert refused.json()["code"] == "whop_account_taken"
    # In the browser, the same refusal is a page with its reason.
    landed = link_in_browser(stack, mallory, "user_alice")
    assert page(landed) == (OAUTH_ERROR_URL, {"reason": "whop_account_taken"})
    assert stored_link(stack, mallory) is None
    assert stored_link(stack, alice)["whop_user_id"] == "user_alice"


# Every other refusal is a page with a reason, never raw JSON.


def test_whops_error_reply_goes_to_the_error_page(stack: OfflineStack, shop: Shop) -> None:
    browser = stack.browser()
    back = stack.emulator.deny_oauth(browser.start_linking(shop.seller))
    landed = browser.land(back)
    assert page(landed) == (
        OAUTH_ERROR_URL,
        {"reason": "whop_denied", "whop_error": "access_denied"},
    )
    assert "gigflow_whop_oauth" not in browser.cookies
    assert stored_link(stack, shop.seller) is None


def test_a_state_works_once(stack: OfflineStack, shop: Shop) -> None:
    browser = stack.browser()
    back = stack.emulator.approve_oauth(browser.start_linking(shop.seller), whop_user_id="user_m")
    # The browser keeps its cookie for the replay: only the spent state refuses it.
    cookie = dict(browser.cookies)
    assert page(browser.land(back))[1] == {"result": "linked"}
    browser.cookies.update(cookie)
    assert page(browser.land(back)) == (OAUTH_ERROR_URL, {"reason": "oauth_state_invalid"})


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (lambda q: {**q, "state": q["state"][:-2] + "xx"}, "oauth_state_invalid"),
        (lambda q: {**q, "code": "forged"}, "whop_grant_refused"),
        (lambda q: {"state": q["state"]}, "invalid_input"),
    ],
    ids=["tampered state", "forged code", "no code"],
)
def test_a_bad_callback_goes_to_the_error_page_with_its_reason(
    stack: OfflineStack, shop: Shop, tamper, reason: str
) -> None:
    browser = stack.browser()
    back = httpx.URL(
        stack.emulator.approve_oauth(browser.start_linking(shop.seller), whop_user_id="user_m")
    )
    landed = browser.land(str(back.copy_with(params=tamper(dict(back.params)))))
    assert page(landed) == (OAUTH_ERROR_URL, {"reason": reason})
    assert stored_link(stack, shop.seller) is None


def test_an_expired_state_is_refused(stack: OfflineStack, shop: Shop) -> None:
    browser = stack.browser()
    back = stack.emulator.approve_oauth(browser.start_linking(shop.seller), whop_user_id="user_m")
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        conn.execute(
            "update private.whop_oauth_states set expires_at = now() - interval '1 second'"
        )
    assert page(browser.land(back)) == (OAUTH_ERROR_URL, {"reason": "oauth_state_invalid"})


def test_starting_needs_a_signed_in_user(stack: OfflineStack) -> None:
    assert stack.http.post("/oauth/whop/start").status_code == 401


def test_completing_with_a_bad_token_is_refused(stack: OfflineStack, shop: Shop) -> None:
    started = stack.http.post("/oauth/whop/start", headers=shop.seller.headers)
    back = stack.emulator.approve_oauth(started.json()["authorize_url"], whop_user_id="user_m")
    params = httpx.URL(back).params
    refused = stack.http.post(
        "/oauth/whop/complete",
        json={"code": params["code"], "state": params["state"]},
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert refused.status_code == 401
    assert stored_link(stack, shop.seller) is None


def test_unlinking_revokes_the_tokens_at_whop(stack: OfflineStack, shop: Shop) -> None:
    link_in_browser(stack, shop.seller, "user_maya")
    token = next(
        t["access_token"] for k, t in stack.emulator.oauth_tokens.items() if k.startswith("access:")
    )
    assert stack.http.delete("/oauth/whop/link", headers=shop.seller.headers).status_code == 204
    assert stored_link(stack, shop.seller) is None
    assert "access:" + token not in stack.emulator.oauth_tokens
    assert stack.http.delete("/oauth/whop/link", headers=shop.seller.headers).status_code == 404


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
    link_in_browser(stack, shop.seller, "user_maya")
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
