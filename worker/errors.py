"""One error taxonomy for the worker. Every failure a client can see is a GigflowError
with an HTTP status and a stable code; database errors are mapped from their SQLSTATE
here and nowhere else, whichever transport raised them."""

from __future__ import annotations


class GigflowError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.sqlstate = sqlstate

    def body(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class InvalidInput(GigflowError):
    status = 422
    code = "invalid_input"


class NotAuthenticated(GigflowError):
    status = 401
    code = "not_authenticated"


class Forbidden(GigflowError):
    status = 403
    code = "forbidden"


class NotFound(GigflowError):
    status = 404
    code = "not_found"


class Conflict(GigflowError):
    """The request does not fit the current state (or repeats something done)."""

    status = 409
    code = "conflict"


class SellerNotVerified(Conflict):
    code = "seller_not_verified"


class PayloadTooLarge(GigflowError):
    """The body is over the route's limit (refused before it is read whole)."""

    status = 413
    code = "payload_too_large"


class Unavailable(GigflowError):
    """A dependency (database, Whop) is down or timed out; retrying later may work."""

    status = 503
    code = "unavailable"


class UpstreamError(GigflowError):
    """Whop answered, but not with what we needed."""

    status = 502
    code = "whop_error"


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
    "22023": InvalidInput,
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
