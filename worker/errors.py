"""One error taxonomy for the worker. Every failure a client can see is a GigflowError
with an HTTP status and a stable code; database errors are mapped from their SQLSTATE
here and nowhere else, whichever transport raised them."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

log = logging.getLogger("gigflow.api")


class GigflowError(Exception):
    """Something failed that the client cannot fix."""

    status = 500
    code = "internal_error"
    # Whether the failure is known to be final: a request to Whop that failed this way
    # did not happen. Not so for a timeout or a 5xx, after which it may have.
    definite = True

    def __init__(self, message: str, *, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.sqlstate = sqlstate

    def body(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}

    def as_code(self, other: type[GigflowError]) -> GigflowError:
        """The same failure told as a more precise kind (its message kept)."""
        return other(self.message, sqlstate=self.sqlstate)


class InvalidInput(GigflowError):
    """A value is malformed, missing or out of range."""

    status = 422
    code = "invalid_input"


class NotAuthenticated(GigflowError):
    """No valid Supabase access token was sent."""

    status = 401
    code = "not_authenticated"


class Forbidden(GigflowError):
    """The caller may not do this."""

    status = 403
    code = "forbidden"


class NotFound(GigflowError):
    """What the request names does not exist, or is not the caller's."""

    status = 404
    code = "not_found"


class Conflict(GigflowError):
    """The request does not fit the current state (or repeats something done)."""

    status = 409
    code = "conflict"


class SellerNotVerified(Conflict):
    """The seller has not passed KYC (identity checks) yet."""

    code = "seller_not_verified"


class WhopAccountRequired(Conflict):
    """The caller has no linked Whop account; `link_url` starts linking one."""

    code = "whop_account_required"
    link_url: str | None = None

    def body(self) -> dict[str, str]:
        found = super().body()
        if self.link_url:
            found["link_url"] = self.link_url
        return found


class ChatChannelPending(Conflict):
    """The order's chat channel does not exist yet (the other party has not linked Whop)."""

    code = "chat_channel_pending"


class WhopAccountTaken(Conflict):
    """That Whop account is linked to another GigFlow user; it is never moved."""

    code = "whop_account_taken"


class EmailInUse(Conflict):
    """A GigFlow account already has the Whop account's e-mail: sign in to it and link
    Whop there (an e-mail alone never links accounts)."""

    code = "email_in_use"


class OAuthStateInvalid(Forbidden):
    """The OAuth state is unknown, expired or already used: start again."""

    code = "oauth_state_invalid"


class OAuthBrowserMismatch(Forbidden):
    """The flow was started in another browser (its cookie did not come back)."""

    code = "oauth_browser_mismatch"


class OAuthUserMismatch(Forbidden):
    """The flow was started by another user than the one completing it."""

    code = "oauth_user_mismatch"


class WhopDenied(Forbidden):
    """Whop did not grant the request (the person declined, or Whop refused it)."""

    code = "whop_denied"


class WhopGrantRefused(Forbidden):
    """Whop refused the authorization code or token (used, expired or forged)."""

    code = "whop_grant_refused"


class SellerSuspended(Conflict):
    """The platform suspended the seller: no new orders of their gigs, no withdrawals."""

    code = "seller_suspended"


class MethodNotAllowed(GigflowError):
    """The path exists, but not for this method (the `allow` header lists those it takes)."""

    status = 405
    code = "method_not_allowed"


class PayloadTooLarge(GigflowError):
    """The body is over the route's limit (refused before it is read whole)."""

    status = 413
    code = "payload_too_large"


class RateLimited(GigflowError):
    """Too many of these in a short time (e.g. checkouts per buyer per hour); try later."""

    status = 429
    code = "rate_limited"


class Unavailable(GigflowError):
    """A dependency (database, Whop) is down or timed out; retrying later may work."""

    status = 503
    code = "unavailable"
    definite = False


class UpstreamError(GigflowError):
    """Whop answered, but not with what we needed."""

    status = 502
    code = "whop_error"


# What a failed call to Whop becomes (see from_whop), the database being down included.
WHOP_FAILURES: tuple[type[GigflowError], ...] = (NotFound, Conflict, UpstreamError, Unavailable)


def response(error: GigflowError) -> JSONResponse:
    """The answer to a request that failed this way; a failure of ours is logged."""
    if error.status >= 500:
        log.warning("request failed", extra={"code": error.code, "error": error.message})
    return JSONResponse(status_code=error.status, content=error.body())


class ErrorBody(BaseModel):
    """Every refusal: a stable code to branch on and a message for people."""

    code: str = Field(examples=["not_found"])
    message: str = Field(examples=["order 6b1f4c3e-2d7a-4c55-9a7e-3f0d2b1c9e8a not found"])
    link_url: str | None = Field(
        default=None,
        description="With `whop_account_required`: POST here to start linking a Whop account.",
    )


def responses(*failures: type[GigflowError]) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI `responses` of a route that can fail in these ways: one per status,
    naming each code it may carry and what it means."""
    by_status: dict[int, list[type[GigflowError]]] = {}
    for failure in dict.fromkeys(failures):
        by_status.setdefault(failure.status, []).append(failure)
    return {
        status: {
            "model": ErrorBody,
            "description": " ".join(
                f"`{failure.code}`: {(failure.__doc__ or '').strip()}" for failure in group
            ),
        }
        for status, group in sorted(by_status.items())
    }


# SQLSTATEs our SQL raises on purpose (see README, Errors) and the platform's own.
_BY_SQLSTATE: dict[str, type[GigflowError]] = {
    "42501": Forbidden,
    "28000": NotAuthenticated,
    "P0002": NotFound,
    "55000": Conflict,
    "23505": Conflict,
    "40001": Conflict,
    "40P01": Conflict,
    "GF001": SellerNotVerified,
    "GF002": WhopAccountRequired,
    "GF003": SellerSuspended,
    "53400": RateLimited,
    "22023": InvalidInput,
    "22P05": InvalidInput,
    "22004": InvalidInput,
    "22P02": InvalidInput,
    "22001": InvalidInput,
    "22003": InvalidInput,
    "23502": InvalidInput,
    "23503": InvalidInput,
    "23514": InvalidInput,
    "57014": Unavailable,
    "57P01": Unavailable,
    "57P02": Unavailable,
    "57P03": Unavailable,
    "53300": Unavailable,
    "08000": Unavailable,
    "08001": Unavailable,
    "08006": Unavailable,
}


def from_sqlstate(sqlstate: str | None, message: str) -> GigflowError:
    """The error a database failure means to a client."""
    error_class = _BY_SQLSTATE.get(sqlstate or "", GigflowError)
    if error_class is GigflowError and sqlstate and sqlstate.startswith("08"):
        error_class = Unavailable
    return error_class(message, sqlstate=sqlstate)


def from_whop(status: int, error: dict[str, str]) -> GigflowError:
    """The error a failed Whop call means to our client. Whop refusing our own request
    (bad key, validation) is our fault toward the user: 502, not their 4xx."""
    message = f"Whop answered {status}: {error.get('message') or error.get('type') or 'error'}"
    if status == 404:
        return NotFound(message)
    if status == 409:
        return Conflict(message)
    if status in (408, 429) or status >= 500:
        return Unavailable(message)
    return UpstreamError(message)
