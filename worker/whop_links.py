"""Linking a GigFlow user to their Whop account (OAuth 2.1 + PKCE) and using it.

The state and the PKCE verifier are kept server-side (the state only as a hash, the
verifier encrypted), expire after ten minutes and work once. The account linked is the
`sub` Whop's userinfo returns for the token, never an e-mail match. Tokens are stored
encrypted with keys from the settings, refreshed shortly before they expire, and revoked
at Whop when the user unlinks."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from worker import errors
from worker.deps import Services
from worker.secretbox import SecretBox
from worker.whop.oauth import pkce_pair

log = logging.getLogger("gigflow.whop_links")

STATE_LIFETIME_SECONDS = 600
REFRESH_MARGIN = timedelta(seconds=60)


def _state_hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def start(found: Services, user_id: str) -> str:
    """Where to send the user to approve the link at Whop."""
    oauth, box = found.whop_oauth(), found.secret_box()
    state = secrets.token_urlsafe(32)
    verifier, challenge = pkce_pair()
    found.db.rpc(
        "begin_whop_oauth",
        {
            "user_id": user_id,
            "state_hash": _state_hash(state),
            "code_verifier_ciphertext": box.seal(verifier),
            "lifetime_seconds": STATE_LIFETIME_SECONDS,
        },
    )
    return oauth.authorize_url(state=state, code_challenge=challenge)


def _expiry(issued: dict[str, Any]) -> str:
    seconds = int(issued.get("expires_in") or 3600)
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


def _sealed(box: SecretBox, issued: dict[str, Any]) -> dict[str, Any]:
    """What the database keeps of tokens Whop issued: ciphertext and the expiry."""
    refresh = issued.get("refresh_token")
    return {
        "access_token_ciphertext": box.seal(issued["access_token"]),
        "refresh_token_ciphertext": box.seal(refresh) if refresh else None,
        "access_expires_at": _expiry(issued),
    }


def finish(found: Services, *, code: str, state: str) -> dict[str, str]:
    """The callback: a good state (once), the code exchanged with its verifier, the Whop
    account Whop vouches for linked to the user who started."""
    oauth, box = found.whop_oauth(), found.secret_box()
    started = found.db.rpc("consume_whop_oauth_state", {"state_hash": _state_hash(state)})[0]
    issued = oauth.exchange_code(
        code=code, code_verifier=box.open(started["code_verifier_ciphertext"])
    )
    whop_user_id = str(oauth.userinfo(issued["access_token"]).get("sub") or "")
    if not whop_user_id:
        raise errors.UpstreamError("Whop's userinfo named no user")
    found.db.rpc(
        "link_whop_account",
        {
            "user_id": started["user_id"],
            "whop_user_id": whop_user_id,
            **_sealed(box, issued),
            "scope": issued.get("scope"),
        },
    )
    log.info("whop account linked", extra={"user_id": started["user_id"]})
    return {"user_id": str(started["user_id"]), "whop_user_id": whop_user_id}


def user_access_token(found: Services, user_id: str) -> tuple[str, str] | None:
    """The user's own Whop access token and its expiry, refreshed when close to it; None
    when no Whop account is linked."""
    links = found.db.rpc("whop_account_link", {"user_id": user_id})
    if not links:
        return None
    link, box = links[0], found.secret_box()
    expires_at = datetime.fromisoformat(link["access_expires_at"])
    if expires_at - REFRESH_MARGIN > datetime.now(UTC):
        return box.open(link["access_token_ciphertext"]), expires_at.isoformat()
    if not link["refresh_token_ciphertext"]:
        raise errors.Conflict("the Whop link has expired: link your Whop account again")
    issued = found.whop_oauth().refresh(box.open(link["refresh_token_ciphertext"]))
    stored = _sealed(box, issued)
    found.db.rpc("store_refreshed_whop_tokens", {"user_id": user_id, **stored})
    return str(issued["access_token"]), stored["access_expires_at"]


def unlink(found: Services, user_id: str) -> None:
    removed = found.db.rpc("unlink_whop_account", {"user_id": user_id})[0]
    box = found.secret_box()
    for field in ("refresh_token_ciphertext", "access_token_ciphertext"):
        if removed[field]:
            try:
                found.whop_oauth().revoke(box.open(removed[field]))
            except errors.GigflowError as error:
                log.warning("revoking at Whop failed", extra={"error": error.message})
