"""Whop OAuth 2.1 + PKCE flows, bound to the browser and the user that started them:
linking a GigFlow user's Whop account, and signing in with Whop (worker/whop_sign_in.py).

Starting a flow makes a state and a browser nonce. The nonce goes to the browser in an
HttpOnly cookie (worker/routes/whop_accounts.py); the database keeps only the state's and
the nonce's hashes, with the PKCE verifier encrypted, for ten minutes. Completing a flow
uses its state up on the first attempt, whoever makes it, and goes on only for the
browser that started it (its cookie came back) or, for a link, the user who started it
(`POST /oauth/whop/complete` with their token): SQL decides (`consume_whop_oauth_state`).
The Whop account linked is the `sub` Whop's userinfo returns for the token, never an
e-mail match; one Whop account belongs to one GigFlow user. Tokens are stored encrypted
with keys from the settings and revoked at Whop when the user unlinks."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from worker import chat, errors, whop_sign_in
from worker.deps import Services
from worker.secretbox import SecretBox
from worker.whop.oauth import pkce_pair

log = logging.getLogger("gigflow.whop_links")

STATE_LIFETIME_SECONDS = 600

Purpose = Literal["link", "sign_in"]

REFUSALS: dict[str, tuple[type[errors.GigflowError], str]] = {
    "browser_mismatch": (
        errors.OAuthBrowserMismatch,
        "this Whop flow was started in another browser: nothing was linked or signed in;"
        " start again in this browser",
    ),
    "user_mismatch": (
        errors.OAuthUserMismatch,
        "this Whop account link was started by another GigFlow user: nothing was linked",
    ),
}


@dataclass(frozen=True)
class Started:
    """Where to send the browser, and the nonce its cookie must bring back."""

    authorize_url: str
    browser_nonce: str


@dataclass(frozen=True)
class Completed:
    result: Literal["linked", "signed_in"]
    user_id: str
    whop_user_id: str
    # Signing in: the one-time token hash the browser exchanges for a session, and
    # whether the GigFlow account was made just now.
    token_hash: str | None = None
    new_account: bool = False


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def start(found: Services, purpose: Purpose, user_id: str | None = None) -> Started:
    """A new flow: linking `user_id`'s Whop account, or signing in with Whop (no user)."""
    oauth, box = found.whop_oauth(), found.secret_box()
    state, browser_nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier, challenge = pkce_pair()
    found.db.rpc(
        "begin_whop_oauth",
        {
            "purpose": purpose,
            "user_id": user_id,
            "state_hash": _digest(state),
            "browser_binding_hash": _digest(browser_nonce),
            "code_verifier_ciphertext": box.seal(verifier),
            "lifetime_seconds": STATE_LIFETIME_SECONDS,
        },
    )
    return Started(oauth.authorize_url(state=state, code_challenge=challenge), browser_nonce)


def complete(
    found: Services,
    *,
    code: str,
    state: str,
    browser_nonce: str | None,
    user_id: str | None,
) -> Completed:
    """The flow's end: the state used up (refused unless this browser, or for a link this
    user, started it), the code exchanged with its verifier, then the Whop account Whop
    vouches for linked to the user who started, or signed in with."""
    oauth, box = found.whop_oauth(), found.secret_box()
    try:
        started = found.db.rpc(
            "consume_whop_oauth_state",
            {
                "state_hash": _digest(state),
                "browser_binding_hash": _digest(browser_nonce) if browser_nonce else None,
                "completing_user_id": user_id,
            },
        )[0]
    except errors.Forbidden as refused:
        raise refused.as_code(errors.OAuthStateInvalid) from refused
    if started["refusal"]:
        refusal, message = REFUSALS[started["refusal"]]
        log.warning("whop oauth completion refused", extra={"refusal": started["refusal"]})
        raise refusal(message)
    issued = oauth.exchange_code(
        code=code, code_verifier=box.open(started["code_verifier_ciphertext"])
    )
    profile = oauth.userinfo(issued["access_token"])
    whop_user_id = str(profile.get("sub") or "")
    if not whop_user_id:
        raise errors.UpstreamError("Whop's userinfo named no user")

    def link(linked_user_id: str) -> None:
        _link(found, box, linked_user_id, whop_user_id, issued)

    if started["purpose"] == "link":
        link(str(started["user_id"]))
        return Completed("linked", str(started["user_id"]), whop_user_id)
    signed_in = whop_sign_in.sign_in(found, profile, link)
    return Completed(
        "signed_in",
        signed_in.user_id,
        whop_user_id,
        token_hash=signed_in.token_hash,
        new_account=signed_in.new_account,
    )


def _expiry(issued: dict[str, Any]) -> str:
    seconds = int(issued.get("expires_in") or 3600)
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


def _link(
    found: Services, box: SecretBox, user_id: str, whop_user_id: str, issued: dict[str, Any]
) -> None:
    """Link (or refresh the link of) `user_id` to the Whop account, then open the chats of
    their paid orders whose other party linked Whop too."""
    refresh = issued.get("refresh_token")
    try:
        found.db.rpc(
            "link_whop_account",
            {
                "user_id": user_id,
                "whop_user_id": whop_user_id,
                "access_token_ciphertext": box.seal(issued["access_token"]),
                "refresh_token_ciphertext": box.seal(refresh) if refresh else None,
                "access_expires_at": _expiry(issued),
                "scope": issued.get("scope"),
            },
        )
    except errors.Conflict as taken:
        raise taken.as_code(errors.WhopAccountTaken) from taken
    log.info("whop account linked", extra={"user_id": user_id})
    try:
        chat.open_channels(found)
    except errors.GigflowError as error:
        # Linked all the same: the chat loop opens them on its next pass.
        log.warning("opening order chats after linking failed", extra={"error": error.message})


def unlink(found: Services, user_id: str) -> None:
    removed = found.db.rpc("unlink_whop_account", {"user_id": user_id})[0]
    box = found.secret_box()
    for field in ("refresh_token_ciphertext", "access_token_ciphertext"):
        if removed[field]:
            try:
                found.whop_oauth().revoke(box.open(removed[field]))
            except errors.GigflowError as error:
                log.warning("revoking at Whop failed", extra={"error": error.message})
