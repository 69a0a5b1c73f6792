"""JSON for Whop with exact money: amounts go out as JSON numbers written from
`Decimal`, and come back as `Decimal` (never through a float)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TypeAlias

# What Whop sends and takes: JSON, with every number read as an exact Decimal.
Json: TypeAlias = "dict[str, Json] | list[Json] | str | int | Decimal | bool | None"


def dumps(value: object) -> str:
    """Like json.dumps, but a Decimal is written as the number it is."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a JSON number: {value}")
        return format(value, "f")
    if isinstance(value, Mapping):
        items = (f"{json.dumps(str(key))}:{dumps(item)}" for key, item in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return "[" + ",".join(dumps(item) for item in value) + "]"
    if isinstance(value, float):
        raise TypeError("floats are not sent to Whop: use Decimal")
    return json.dumps(value)


def loads(text: str | bytes) -> Json:
    found: Json = json.loads(text, parse_float=Decimal)
    return found


def plain(value: Json) -> Json:
    """A Whop object for JSON encoders that know no Decimal: amounts become exact decimal
    strings, which SQL (`private.whop_cents`) reads as it reads numbers."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value
