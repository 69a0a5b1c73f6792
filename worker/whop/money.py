"""Whop speaks decimal major units (12.34 dollars as a JSON number); the database speaks
integer cents. Conversion is exact: through `Decimal(str(x))`, never a float sum, and a
value with fractions of a cent is rounded half up (as the platform fee is)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def to_whop_amount(cents: int) -> Decimal:
    """12345 -> Decimal('123.45'), ready to be written as a JSON number."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError(f"cents must be an int, not {type(cents).__name__}")
    return (Decimal(cents) / 100).quantize(CENT)


def cents_from_whop(amount: object) -> int | None:
    """A Whop amount (number or decimal string; None when Whop sent none) in cents."""
    if amount is None:
        return None
    if isinstance(amount, bool) or not isinstance(amount, int | float | str | Decimal):
        raise ValueError(f"not a Whop amount: {amount!r}")
    try:
        exact = Decimal(str(amount))
    except InvalidOperation as error:
        raise ValueError(f"not a Whop amount: {amount!r}") from error
    if not exact.is_finite():
        raise ValueError(f"not a Whop amount: {amount!r}")
    return int((exact * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
