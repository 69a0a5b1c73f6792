"""A stand-in for PostgREST's RPC endpoint, for testing the Supabase transport where no
PostgREST binary exists: `POST /rest/v1/rpc/<fn>` with an `apikey` and a Bearer JWT,
run as PostgREST runs it (one transaction, `set local role` from the token's role claim,
the claims in request.jwt.claims), answered in PostgREST's shapes and error format."""

from __future__ import annotations

import json

import httpx
import jwt
import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

# PostgREST's mapping of SQLSTATEs to HTTP statuses (the subset our SQL raises).
HTTP_STATUS = {"42501": 403, "P0002": 404, "23505": 409, "23503": 409}


def postgrest_transport(database_url: str, jwt_secret: str) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        function = request.url.path.rsplit("/rpc/", 1)[1]
        token = request.headers["authorization"].removeprefix("Bearer ")
        try:
            claims = jwt.decode(
                token, jwt_secret, algorithms=["HS256"], options={"verify_aud": False}
            )
        except jwt.PyJWTError as error:
            return httpx.Response(401, json={"code": "PGRST301", "message": str(error)})
        arguments = json.loads(request.content or b"{}")
        with psycopg.connect(database_url) as conn:
            try:
                with conn.transaction():
                    conn.execute("select set_config('role', %s, true)", (claims["role"],))
                    conn.execute(
                        "select set_config('request.jwt.claims', %s, true)", (json.dumps(claims),)
                    )
                    returns_set, returns_rows = conn.execute(
                        "select p.proretset, t.typtype = 'c' or t.oid = 'record'::regtype"
                        " from pg_proc as p join pg_type as t on t.oid = p.prorettype"
                        " where p.pronamespace = 'public'::regnamespace and p.proname = %s",
                        (function,),
                    ).fetchone()
                    call = sql.SQL("public.{}({})").format(
                        sql.Identifier(function),
                        sql.SQL(", ").join(
                            sql.SQL("{} => {}").format(sql.Identifier(k), sql.Placeholder(k))
                            for k in arguments
                        ),
                    )
                    params = {
                        k: Jsonb(v) if isinstance(v, dict | list) else v
                        for k, v in arguments.items()
                    }
                    rows = conn.execute(
                        sql.SQL("select to_json(r) from {} as r").format(call)
                        if returns_rows
                        else sql.SQL("select to_json({})").format(call),
                        params,
                    ).fetchall()
            except psycopg.Error as error:
                status = HTTP_STATUS.get(error.sqlstate or "", 400)
                body = {
                    "code": error.sqlstate,
                    "message": error.diag.message_primary,
                    "details": error.diag.message_detail,
                    "hint": error.diag.message_hint,
                }
                return httpx.Response(status, json=body)
        values = [row[0] for row in rows]
        return httpx.Response(200, json=values if returns_set else values[0])

    return httpx.MockTransport(handle)
