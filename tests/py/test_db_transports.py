"""The two database transports give the same results and the same errors for the same
calls: direct PostgreSQL, and supabase-py's PostgREST client (against a PostgREST-shaped
stub over the same database)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import jwt
import psycopg
import pytest

from tests.py.postgrest_stub import postgrest_transport
from worker import errors
from worker.db import SERVICE, Database, PostgresDatabase, SupabaseDatabase, user_identity

JWT_SECRET = "test-jwt-secret-with-at-least-32-bytes!"


def token_for(claims: dict) -> str:
    return jwt.encode({**claims, "exp": int(time.time()) + 600}, JWT_SECRET, algorithm="HS256")


@pytest.fixture
def transports(db_url: str) -> Iterator[dict[str, Database]]:
    service_key = token_for({"role": "service_role", "iss": "supabase"})
    http = httpx.Client(transport=postgrest_transport(db_url, JWT_SECRET))
    direct = PostgresDatabase(db_url, max_size=2)
    supabase = SupabaseDatabase("http://supabase.test", service_key, http_client=http)
    try:
        yield {"postgres": direct, "supabase": supabase}
    finally:
        direct.close()
        supabase.close()


def a_published_gig(conn: psycopg.Connection) -> tuple[str, str]:
    return conn.execute(
        "select g.id::text, g.seller_id::text from public.gigs as g"
        " where g.status = 'published' order by g.id limit 1"
    ).fetchone()


def test_service_calls_return_the_same_results(transports: dict[str, Database]) -> None:
    results = [
        db.rpc("search_gigs", {"search_query": "logo", "page_size": 5})
        for db in transports.values()
    ]
    assert results[0] == results[1]
    assert results[0]


def test_a_scalar_json_result_has_the_same_shape(
    transports: dict[str, Database], conn: psycopg.Connection
) -> None:
    gig_id, _ = a_published_gig(conn)
    quotes = [
        db.rpc("quote_order", {"gig_id": gig_id, "tier": "basic"}) for db in transports.values()
    ]
    assert quotes[0] == quotes[1]
    assert quotes[0]["gig_id"] == gig_id


def test_user_calls_run_as_that_user(
    transports: dict[str, Database], conn: psycopg.Connection
) -> None:
    buyers = conn.execute(
        "select p.id::text from public.profiles as p"
        " where not exists (select 1 from public.seller_accounts as s where s.user_id = p.id)"
        " order by p.id limit 2"
    ).fetchall()
    for (buyer_id,), db in zip(buyers, transports.values(), strict=True):
        claims = {"sub": buyer_id, "role": "authenticated", "aud": "authenticated"}
        account = db.rpc(
            "become_seller",
            {"headline": "New here"},
            identity=user_identity(claims, token_for(claims)),
        )
        assert account["user_id"] == buyer_id
        assert account["kyc_status"] == "unstarted"


@pytest.mark.parametrize("transport", ["postgres", "supabase"])
def test_errors_map_to_the_same_exceptions(transports: dict[str, Database], transport: str) -> None:
    db = transports[transport]
    with pytest.raises(errors.NotFound, match="does not exist"):
        db.rpc("quote_order", {"gig_id": "00000000-0000-4000-8000-000000000000", "tier": "basic"})
    with pytest.raises(errors.InvalidInput, match="page_size"):
        db.rpc("search_gigs", {"page_size": 500})
    with pytest.raises(errors.Forbidden):
        db.rpc("run_due_timers", identity=user_identity(_stranger(), token_for(_stranger())))


def _stranger() -> dict:
    return {"sub": "00000000-0000-4000-8000-00000000abcd", "role": "authenticated"}


def test_the_service_identity_is_the_service_role(transports: dict[str, Database]) -> None:
    for db in transports.values():
        assert db.rpc("run_due_timers", identity=SERVICE)["failed"] == 0
