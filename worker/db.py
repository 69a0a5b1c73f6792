"""Database access: one narrow interface, two transports that behave the same.

- `PostgresDatabase`: a direct psycopg 3 pool (the local default; what the tests use).
- `SupabaseDatabase`: Supabase's REST API through supabase-py's PostgREST client, as the
  worker runs in production with the service-role key.

Both call SQL functions only, with an explicit identity: a call made for a user carries
that user's claims into the transaction (role `authenticated`, `request.jwt.claims`), so
RLS and `auth.uid()` decide, never Python. Both return what PostgREST (and so
supabase-js) returns: an object for a composite, a list for a set, a bare value for a
scalar. Both raise the errors of `worker.errors`, mapped from the SQLSTATE.

Everything a direct call needs lives in its one transaction (settings are `set_config(…,
true)`, nothing is prepared), so `GIGFLOW_DATABASE_URL` may point at a pooler in
transaction mode (Supabase's, port 6543), where consecutive transactions of one client
may run on different server connections.
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


# What PostgREST needs to know of a function to call it: whether it returns a set,
# whether its return type is a row type (composite, or the record of RETURNS TABLE), and
# the declared type of each input parameter.
SIGNATURE_QUERY = """
select
    p.proretset as returns_set,
    t.typtype = 'c' or t.oid = 'record'::regtype as returns_rows,
    coalesce(
        jsonb_object_agg(arg.name, format_type(arg.type, null)) filter (where arg.name is not null),
        '{}'
    ) as parameters
from pg_catalog.pg_proc as p
join pg_catalog.pg_type as t on t.oid = p.prorettype
left join lateral (
    select names.name, types.type
    from unnest(p.proargnames) with ordinality as names (name, position)
    join unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]))
        with ordinality as types (type, position) using (position)
    left join unnest(p.proargmodes) with ordinality as modes (mode, position) using (position)
    where coalesce(modes.mode, 'i') in ('i', 'b', 'v')
) as arg on true
where p.pronamespace = 'public'::regnamespace and p.proname = %s
group by p.oid, t.typtype, t.oid
"""


@dataclass(frozen=True)
class _Signature:
    returns_set: bool
    returns_rows: bool
    parameters: dict[str, str]


class PostgresDatabase:
    def __init__(self, url: str, *, max_size: int = 10) -> None:
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            # Never prepare server-side: behind a pooler in transaction mode the next
            # transaction may land on a server where the statement is missing, or where
            # another client's holds its name. Measured on the direct path: no cost.
            kwargs={"row_factory": dict_row, "prepare_threshold": None},
            open=True,
            name="gigflow",
        )
        self._signatures: dict[str, _Signature] = {}

    def _signature(self, conn: psycopg.Connection[Any], function: str) -> _Signature:
        if function not in self._signatures:
            with conn.transaction():
                rows = conn.execute(SIGNATURE_QUERY, (function,)).fetchall()
            if len(rows) != 1:
                raise errors.NotFound(
                    f"function public.{function} does not exist (or is overloaded)"
                )
            self._signatures[function] = _Signature(**rows[0])
        return self._signatures[function]

    def rpc(
        self, function: str, args: Mapping[str, Any] | None = None, *, identity: Identity = SERVICE
    ) -> Result:
        arguments = dict(args or {})
        try:
            with self._pool.connection() as conn:
                signature = self._signature(conn, _checked_name(function))
                unknown = set(arguments) - set(signature.parameters)
                if unknown:
                    raise errors.InvalidInput(
                        f"public.{function} has no parameter {', '.join(sorted(unknown))}"
                    )
                # One transaction, pipelined as PostgREST sends it: begin, role and
                # claims, the call; a single wait for the answer, another for the commit.
                with conn.pipeline(), conn.transaction():
                    claims = json.dumps(dict(identity.claims), default=str)
                    conn.execute(IDENTITY_SETTINGS, (identity.role, claims))
                    row = conn.execute(
                        _call_query(function, signature, arguments),
                        {"arguments": json.dumps(arguments, default=str)},
                    ).fetchone()
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


# The caller's role and claims for this transaction only. auth.uid(), auth.role() and
# auth.jwt() read the legacy per-claim settings before request.jwt.claims, and a pooler
# in transaction mode keeps whatever a session before us left behind: they are blanked.
IDENTITY_SETTINGS = (
    "select set_config('role', %s, true),"
    " set_config('request.jwt.claims', %s, true),"
    " set_config('request.jwt.claim', '', true),"
    " set_config('request.jwt.claim.sub', '', true),"
    " set_config('request.jwt.claim.role', '', true),"
    " set_config('request.jwt.claim.email', '', true)"
)


def _call_query(function: str, signature: _Signature, arguments: Mapping[str, Any]) -> sql.Composed:
    """The call PostgREST would make: the arguments arrive as one JSON object and each is
    read as its parameter's declared type (so 4.5 is numeric, a list an array, an enum's
    name the enum), and the result is JSON built by PostgreSQL, shaped as PostgREST
    shapes it (a list for a set, an object for a row, else the bare value)."""
    names = sorted(arguments)
    record = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(signature.parameters[name]))
        for name in names
    )
    call = sql.SQL("public.{}({})").format(
        sql.Identifier(function),
        sql.SQL(", ").join(
            sql.SQL("{} => a.{}").format(sql.Identifier(name), sql.Identifier(name))
            for name in names
        ),
    )
    arguments_record = (
        sql.SQL("jsonb_to_record(%(arguments)s::jsonb) as a ({})").format(record)
        if names
        else sql.SQL("(select) as a")
    )
    if signature.returns_set:
        template = "select coalesce(json_agg(r), '[]') as result from {args}, lateral {call} as r"
    elif signature.returns_rows:
        template = "select to_json(r) as result from {args}, lateral {call} as r"
    else:
        template = "select to_json({call}) as result from {args}"
    return sql.SQL(template).format(args=arguments_record, call=call)


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
