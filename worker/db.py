"""Database access: one narrow interface, two transports that behave the same.

- `PostgresDatabase`: a direct psycopg 3 pool (the local default; what the tests use).
- `SupabaseDatabase`: Supabase's REST API through supabase-py's PostgREST client, as the
  worker runs in production with the service-role key.

Both call SQL functions only, with an explicit identity: a call made for a user carries
that user's claims into the transaction (role `authenticated`, `request.jwt.claims`), so
RLS and `auth.uid()` decide, never Python. Both return what PostgREST (and so
supabase-js) returns: an object for a composite, a list for a set, a bare value for a
scalar. Both raise the errors of `worker.errors`, mapped from the SQLSTATE.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import httpx
import psycopg
from postgrest import SyncPostgrestClient
from postgrest.exceptions import APIError
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool, PoolTimeout

from worker import errors

FUNCTION_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
Result = Any


@dataclass(frozen=True)
class Identity:
    """Who a call is made as: the service itself, or a signed-in user (with their token)."""

    role: Literal["service_role", "authenticated"]
    claims: Mapping[str, Any] = field(default_factory=dict)
    token: str | None = None

    @property
    def user_id(self) -> str | None:
        subject = self.claims.get("sub")
        return str(subject) if subject else None


SERVICE = Identity("service_role", {"role": "service_role"})


def user_identity(claims: Mapping[str, Any], token: str) -> Identity:
    return Identity("authenticated", dict(claims), token)


class Database(Protocol):
    def rpc(
        self, function: str, args: Mapping[str, Any] | None = None, *, identity: Identity = SERVICE
    ) -> Result:
        """Call public.<function>(args) as `identity`; the result as PostgREST shapes it."""
        ...

    def ping(self) -> None:
        """Raise errors.Unavailable unless the database answers."""
        ...

    def close(self) -> None: ...


def _checked_name(function: str) -> str:
    if not FUNCTION_NAME.match(function):
        raise errors.InvalidInput(f"not a function name: {function!r}")
    return function


def _adapt(value: Any) -> Any:  # noqa: ANN401 - any JSON-compatible argument
    return Jsonb(value) if isinstance(value, dict | list) else value


# How PostgREST shapes a function's result: by whether it returns a set, and whether its
# return type is a row type (composite, or the record of RETURNS TABLE).
SHAPE_QUERY = """
select bool_or(p.proretset) as returns_set,
       bool_or(t.typtype = 'c' or t.oid = 'record'::regtype) as returns_rows
from pg_catalog.pg_proc as p
join pg_catalog.pg_type as t on t.oid = p.prorettype
where p.pronamespace = 'public'::regnamespace and p.proname = %s
"""


class PostgresDatabase:
    def __init__(self, url: str, *, max_size: int = 10) -> None:
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            kwargs={"row_factory": dict_row},
            open=True,
            name="gigflow",
        )
        self._shapes: dict[str, tuple[bool, bool]] = {}

    def _shape(self, conn: psycopg.Connection[Any], function: str) -> tuple[bool, bool]:
        if function not in self._shapes:
            row = conn.execute(SHAPE_QUERY, (function,)).fetchone()
            if row is None or row["returns_set"] is None:
                raise errors.NotFound(f"function public.{function} does not exist")
            self._shapes[function] = (row["returns_set"], row["returns_rows"])
        return self._shapes[function]

    def rpc(
        self, function: str, args: Mapping[str, Any] | None = None, *, identity: Identity = SERVICE
    ) -> Result:
        arguments = dict(args or {})
        call = sql.SQL("public.{}({})").format(
            sql.Identifier(_checked_name(function)),
            sql.SQL(", ").join(
                sql.SQL("{} => {}").format(sql.Identifier(name), sql.Placeholder(name))
                for name in arguments
            ),
        )
        try:
            with self._pool.connection() as conn, conn.transaction():
                returns_set, returns_rows = self._shape(conn, function)
                conn.execute("select set_config('role', %s, true)", (identity.role,))
                conn.execute(
                    "select set_config('request.jwt.claims', %s, true)",
                    (json.dumps(dict(identity.claims), default=str),),
                )
                # JSON built by PostgreSQL, as PostgREST builds it, so both transports
                # hand back the same types (numbers, strings, nulls).
                if returns_set:
                    query = sql.SQL("select coalesce(json_agg(r), '[]') as result from {} as r")
                elif returns_rows:
                    query = sql.SQL("select to_json(r) as result from {} as r")
                else:
                    query = sql.SQL("select to_json({}) as result")
                params = {name: _adapt(value) for name, value in arguments.items()}
                row = conn.execute(query.format(call), params).fetchone()
                result = row["result"] if row else None
                if isinstance(result, dict) and all(v is None for v in result.values()):
                    return None
                return result
        except PoolTimeout as error:
            raise errors.Unavailable("no database connection available") from error
        except psycopg.OperationalError as error:
            if error.sqlstate and not error.sqlstate.startswith("08"):
                raise errors.from_sqlstate(error.sqlstate, _message(error)) from error
            raise errors.Unavailable("the database is unreachable") from error
        except psycopg.Error as error:
            raise errors.from_sqlstate(error.sqlstate, _message(error)) from error

    def ping(self) -> None:
        try:
            with self._pool.connection(timeout=5) as conn:
                conn.execute("select 1")
        except (PoolTimeout, psycopg.Error) as error:
            raise errors.Unavailable("the database is unreachable") from error

    def close(self) -> None:
        self._pool.close()


def _message(error: psycopg.Error) -> str:
    return error.diag.message_primary or str(error)


class SupabaseDatabase:
    """Calls go to `<supabase_url>/rest/v1/rpc/<function>`: with the service-role key for
    the service, with the user's own access token for a user, so PostgREST sets the role
    and claims exactly as it does for the frontend."""

    def __init__(
        self, supabase_url: str, service_role_key: str, *, http_client: httpx.Client | None = None
    ) -> None:
        self._rest_url = supabase_url.rstrip("/") + "/rest/v1"
        self._key = service_role_key
        self._http = http_client or httpx.Client(timeout=10)

    def _client(self, identity: Identity) -> SyncPostgrestClient:
        token = identity.token if identity.role == "authenticated" else self._key
        return SyncPostgrestClient(
            self._rest_url,
            headers={
                "apikey": self._key,
                "Authorization": f"Bearer {token}",
                "Accept": "application/json",
                "Content-Type": "application/json",
            },
            http_client=self._http,
            retry_enabled=False,
        )

    def rpc(
        self, function: str, args: Mapping[str, Any] | None = None, *, identity: Identity = SERVICE
    ) -> Result:
        if identity.role == "authenticated" and not identity.token:
            raise errors.NotAuthenticated("a user call needs the user's access token")
        try:
            response = (
                self._client(identity).rpc(_checked_name(function), dict(args or {})).execute()
            )
        except APIError as error:
            raise errors.from_sqlstate(error.code, error.message or "database error") from error
        except httpx.HTTPError as error:
            raise errors.Unavailable("Supabase is unreachable") from error
        return response.data

    def ping(self) -> None:
        try:
            self._http.get(self._rest_url + "/", headers={"apikey": self._key}).raise_for_status()
        except httpx.HTTPError as error:
            raise errors.Unavailable("Supabase is unreachable") from error

    def close(self) -> None:
        self._http.close()
