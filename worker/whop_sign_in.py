"""Signing in with Whop: after a bound OAuth flow (worker/whop_links.py), the GigFlow
user linked to the Whop account, or a new one made for it through Supabase Auth's admin
API, and a one-time magic-link token hash the browser exchanges for that user's session
(`supabase.auth.verifyOtp({ type: 'magiclink', token_hash })`).

Only the link counts: a Whop account signs in as the user it is linked to. A new account
gets the Whop e-mail only when Whop says it is verified (OpenID Connect's
email_verified); when an account already has that e-mail, nothing is linked (an e-mail
address never makes an account anyone's): its owner signs in as before and links Whop
from there. Otherwise the account's address is a placeholder that can receive nothing
(`<whop user id>@users.whop.invalid`, RFC 2606), and Whop's unverified address is kept in
user_metadata.unverified_email: verifying the magic link confirms the account's address,
which must never make an address nobody proved theirs."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from worker import errors
from worker.deps import Services

log = logging.getLogger("gigflow.whop_sign_in")


@dataclass(frozen=True)
class SignedIn:
    user_id: str
    token_hash: str
    new_account: bool


def sign_in(found: Services, profile: Mapping[str, Any], link: Callable[[str], None]) -> SignedIn:
    """`profile` is Whop's userinfo for the flow's token; `link(user_id)` links (or
    refreshes the link of) that user to the Whop account."""
    admin = found.supabase_auth()
    whop_user_id = str(profile["sub"])
    user_id = found.db.rpc("whop_sign_in_user", {"whop_user_id": whop_user_id})
    new_account = False
    if user_id is None:
        user_id, new_account = _new_account(found, profile, link)
    else:
        link(str(user_id))
    email = admin.email_of(str(user_id))
    if not email:
        raise errors.Conflict("this GigFlow account has no e-mail address to sign in with")
    token_hash = admin.magic_link_token_hash(email)
    log.info("signed in with whop", extra={"user_id": str(user_id), "new_account": new_account})
    return SignedIn(str(user_id), token_hash, new_account)


def placeholder_email(whop_user_id: str) -> str:
    """An address no one can receive mail at or claim: the account is reached through
    its Whop link only."""
    return f"{whop_user_id.lower()}@users.whop.invalid"


def _new_account(
    found: Services, profile: Mapping[str, Any], link: Callable[[str], None]
) -> tuple[str, bool]:
    admin = found.supabase_auth()
    whop_user_id = str(profile["sub"])
    whop_email = str(profile.get("email") or "").strip()
    verified = bool(whop_email) and profile.get("email_verified") is True
    metadata = {
        "username": str(profile.get("preferred_username") or ""),
        "display_name": str(profile.get("name") or ""),
    }
    if whop_email and not verified:
        metadata["unverified_email"] = whop_email
    try:
        user_id = admin.create_user(
            email=whop_email if verified else placeholder_email(whop_user_id),
            email_confirmed=True,
            user_metadata=metadata,
        )
    except errors.EmailInUse:
        # The same Whop account signing in twice at once: the other attempt made the
        # account and linked it. Anyone else's account with that e-mail stays theirs.
        linked = found.db.rpc("whop_sign_in_user", {"whop_user_id": whop_user_id})
        if linked is None:
            raise
        return str(linked), False
    try:
        link(user_id)
    except errors.GigflowError:
        # An account nobody can sign in to would hold the e-mail forever.
        try:
            admin.delete_user(user_id)
        except errors.GigflowError as error:
            log.error(
                "removing an unlinked new account failed",
                extra={"user_id": user_id, "error": error.message},
            )
        raise
    return user_id, True
