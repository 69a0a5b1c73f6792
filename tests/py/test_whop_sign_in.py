"""Signing in with Whop through the running system: the worker, the Whop emulator and the
Supabase Auth stand-in (devstack/localauth.py). A visitor's browser starts at the worker,
approves at Whop, comes back, and the frontend exchanges the token hash it is handed for
a session (`verifyOtp`). Attacks are written as their steps: someone else's account with
the same e-mail, a sign-in finished in the victim's browser."""

from __future__ import annotations

import httpx
import pytest
from supabase_auth.errors import AuthApiError

from devstack.offline import OAUTH_DONE_URL, OAUTH_ERROR_URL, Actor, OfflineStack


def sign_in_with_whop(
    stack: OfflineStack, whop_user_id: str, *, email: str, username: str = "", name: str = ""
) -> httpx.URL:
    """A visitor clicks "Continue with Whop", approves at Whop, and comes back: the
    frontend page their browser is sent to."""
    browser = stack.browser()
    back = stack.emulator.approve_oauth(
        browser.start_sign_in(),
        whop_user_id=whop_user_id,
        email=email,
        username=username or None,
        name=name or "Whop User",
    )
    return browser.land(back)


def signed_in(stack: OfflineStack, landed: httpx.URL) -> Actor:
    """What the done page does: hand the token hash to `supabase.auth.verifyOtp`."""
    assert str(landed.copy_with(query=None, fragment=None)) == OAUTH_DONE_URL
    fragment = dict(httpx.QueryParams(landed.fragment))
    assert fragment["type"] == "magiclink"
    return stack.verify_magic_link(fragment["token_hash"])


def auth_users(stack: OfflineStack, email: str) -> list[dict]:
    return stack.sql(
        "select id::text, email_confirmed_at from auth.users where lower(email) = lower(%s)",
        (email,),
    )


def test_a_person_without_an_account_signs_in_with_whop(stack: OfflineStack) -> None:
    landed = sign_in_with_whop(
        stack, "user_newbie", email="newbie@people.example", username="newbie", name="New Bie"
    )
    assert dict(landed.params) == {"result": "signed_in", "new_account": "true"}
    # Whop's userinfo does not say the e-mail is verified: nobody proved it theirs, so
    # the account does not get it (verifying the magic link would confirm it).
    assert auth_users(stack, "newbie@people.example") == []
    [created] = auth_users(stack, "user_newbie@users.whop.invalid")
    newbie = signed_in(stack, landed)
    assert newbie.user_id == created["id"]
    # The session works with the worker and with the database, as any user's.
    assert stack.rpc(newbie, "my_whop_link")[0]["whop_user_id"] == "user_newbie"
    profile = stack.sql(
        "select username, display_name from public.profiles where id = %s", (newbie.user_id,)
    )
    assert profile == [{"username": "newbie", "display_name": "New Bie"}]
    assert stack.http.post("/oauth/whop/start", headers=newbie.headers).status_code == 200


def test_a_whop_verified_email_makes_a_confirmed_account(stack: OfflineStack) -> None:
    # OpenID Connect's email_verified, when Whop's userinfo says it.
    stack.emulator.add_user("user_sure", email="sure@people.example")
    stack.emulator.users["user_sure"]["email_verified"] = True
    sign_in_with_whop(stack, "user_sure", email="sure@people.example")
    [created] = auth_users(stack, "sure@people.example")
    assert created["email_confirmed_at"] is not None


def test_signing_in_again_finds_the_same_user(stack: OfflineStack) -> None:
    first = signed_in(stack, sign_in_with_whop(stack, "user_again", email="again@people.example"))
    landed = sign_in_with_whop(stack, "user_again", email="again@people.example")
    assert dict(landed.params) == {"result": "signed_in", "new_account": "false"}
    assert signed_in(stack, landed).user_id == first.user_id
    assert len(auth_users(stack, "user_again@users.whop.invalid")) == 1


def test_a_user_who_linked_whop_signs_in_with_it(stack: OfflineStack) -> None:
    member = stack.sign_up("long_time_member", "Long Time Member")
    browser = stack.browser()
    back = stack.emulator.approve_oauth(browser.start_linking(member), whop_user_id="user_member")
    browser.land(back)
    landed = sign_in_with_whop(stack, "user_member", email="other@people.example")
    assert dict(landed.params) == {"result": "signed_in", "new_account": "false"}
    assert signed_in(stack, landed).user_id == member.user_id
    # Whop's e-mail played no part: no account was made for it.
    assert auth_users(stack, "other@people.example") == []


def test_an_account_with_the_same_email_is_never_taken_over(stack: OfflineStack) -> None:
    victim = stack.sign_up("victim", "Victim")
    # The attacker's Whop account claims the victim's e-mail (Whop has not verified it):
    # the attacker gets an account of their own, and the victim's is untouched.
    landed = sign_in_with_whop(stack, "user_attacker", email=victim.email)
    attacker = signed_in(stack, landed)
    assert attacker.user_id != victim.user_id
    assert [row["id"] for row in auth_users(stack, victim.email)] == [victim.user_id]
    links = stack.sql("select user_id::text, whop_user_id from private.whop_oauth_links")
    assert links == [{"user_id": attacker.user_id, "whop_user_id": "user_attacker"}]


def test_a_whop_verified_email_of_an_existing_account_links_nothing(stack: OfflineStack) -> None:
    member = stack.sign_up("member", "Member")
    stack.emulator.add_user("user_twin", email=member.email)
    stack.emulator.users["user_twin"]["email_verified"] = True
    landed = sign_in_with_whop(stack, "user_twin", email=member.email)
    assert str(landed.copy_with(query=None)) == OAUTH_ERROR_URL
    assert dict(landed.params) == {"reason": "email_in_use"}
    assert not landed.fragment
    assert stack.sql("select * from private.whop_oauth_links") == []


def test_a_sign_in_finished_in_another_browser_signs_nobody_in(stack: OfflineStack) -> None:
    # The attacker starts a sign-in and gets the victim to approve it at Whop.
    attacker_browser, victim_browser = stack.browser(), stack.browser()
    authorize_url = attacker_browser.start_sign_in()
    back = stack.emulator.approve_oauth(
        authorize_url, whop_user_id="user_victim", email="victim@people.example"
    )
    landed = victim_browser.land(back)
    assert str(landed.copy_with(query=None)) == OAUTH_ERROR_URL
    assert dict(landed.params) == {"reason": "oauth_browser_mismatch"}
    # And the attacker's own browser cannot use the code afterwards.
    replayed = attacker_browser.land(back)
    assert dict(replayed.params) == {"reason": "oauth_state_invalid"}
    assert auth_users(stack, "victim@people.example") == []


def test_the_token_hash_signs_in_once(stack: OfflineStack) -> None:
    landed = sign_in_with_whop(stack, "user_once", email="once@people.example")
    signed_in(stack, landed)
    with pytest.raises(AuthApiError) as spent:
        signed_in(stack, landed)
    assert spent.value.code == "otp_expired"


def test_a_frontend_page_may_complete_a_sign_in_with_the_browsers_cookie(
    stack: OfflineStack,
) -> None:
    browser = stack.browser()
    back = httpx.URL(
        stack.emulator.approve_oauth(
            browser.start_sign_in(), whop_user_id="user_spa", email="spa@people.example"
        )
    )
    body = {"code": back.params["code"], "state": back.params["state"]}
    done = browser.request("POST", "/oauth/whop/complete", json_body=body)
    assert done.status_code == 200, done.text
    completed = done.json()
    assert (completed["result"], completed["verification_type"]) == ("signed_in", "magiclink")
    assert completed["new_account"] is True
    assert stack.verify_magic_link(completed["token_hash"]).user_id == completed["user_id"]


def test_whops_refusal_of_a_sign_in_is_a_page_with_its_reason(stack: OfflineStack) -> None:
    browser = stack.browser()
    landed = browser.land(stack.emulator.deny_oauth(browser.start_sign_in()))
    assert dict(landed.params) == {"reason": "whop_denied", "whop_error": "access_denied"}


def test_without_supabase_auth_sign_in_is_a_page_saying_so(stack: OfflineStack) -> None:
    admin, stack.services.auth_admin = stack.services.auth_admin, None
    try:
        started = stack.browser().request("GET", "/oauth/whop/sign-in")
    finally:
        stack.services.auth_admin = admin
    assert started.status_code == 303
    landed = httpx.URL(started.headers["location"])
    assert (str(landed.copy_with(query=None)), dict(landed.params)) == (
        OAUTH_ERROR_URL,
        {"reason": "unavailable"},
    )
    assert stack.sql("select * from private.whop_oauth_states") == []
