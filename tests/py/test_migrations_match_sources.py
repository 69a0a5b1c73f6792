"""`functions/` and `policies/` are the reviewed source; `supabase/migrations/` is what
gets deployed. A database built from the migrations must hold exactly what the sources
define: same function bodies, settings and grants, same policies, nothing extra."""

from __future__ import annotations

import re

import psycopg

from worker import dbbuild

FUNCTION_FILES = sorted((dbbuild.REPO / "functions").glob("*.sql"))
POLICY_FILES = sorted((dbbuild.REPO / "policies").glob("*.sql"))
OUR_SCHEMAS = ("public", "private")
# Our policies also live on the platform tables Storage and Realtime authorize with.
POLICY_SCHEMAS = (*OUR_SCHEMAS, "storage", "realtime")
DEFINED_FUNCTION = re.compile(r"create or replace function\s+(\w+\.\w+)\s*\(", re.IGNORECASE)

FUNCTIONS_SQL = """
select
    p.oid::regprocedure::text,
    pg_get_functiondef(p.oid),
    array(select a::text from unnest(p.proacl) as a order by 1)
from pg_proc as p
where p.pronamespace::regnamespace::text = any(%s)
  and not exists (select 1 from pg_depend as d where d.objid = p.oid and d.deptype = 'e')
order by 1
"""
POLICIES_SQL = """
select schemaname, tablename, policyname, permissive, roles, cmd, qual, with_check
from pg_policies
where schemaname = any(%s)
order by 1, 2, 3
"""


def catalog_state(conn: psycopg.Connection) -> tuple[list[tuple], list[tuple]]:
    schemas = list(OUR_SCHEMAS)
    return (
        conn.execute(FUNCTIONS_SQL, (schemas,)).fetchall(),
        conn.execute(POLICIES_SQL, (list(POLICY_SCHEMAS),)).fetchall(),
    )


def drop_all_policies(conn: psycopg.Connection) -> None:
    policies = conn.execute(
        "select schemaname, tablename, policyname from pg_policies where schemaname = any(%s)",
        (list(POLICY_SCHEMAS),),
    ).fetchall()
    for schema, table, policy in policies:
        conn.execute(
            psycopg.sql.SQL("drop policy {} on {}.{}").format(
                psycopg.sql.Identifier(policy),
                psycopg.sql.Identifier(schema),
                psycopg.sql.Identifier(table),
            )
        )


def test_sources_redefine_exactly_what_the_migrations_built(conn: psycopg.Connection) -> None:
    built_functions, built_policies = catalog_state(conn)
    with conn.transaction(force_rollback=True):
        for path in FUNCTION_FILES:
            conn.execute(path.read_text())
        drop_all_policies(conn)
        for path in POLICY_FILES:
            conn.execute(path.read_text())
        source_functions, source_policies = catalog_state(conn)

    changed = [
        built[0]
        for built, source in zip(built_functions, source_functions, strict=True)
        if built != source
    ]
    assert changed == [], f"functions whose migration snapshot is stale: {changed}"
    assert built_policies == source_policies, "policies differ: run `make snapshots`"


def test_every_function_in_our_schemas_has_a_source(conn: psycopg.Connection) -> None:
    defined = {
        name.lower()
        for path in FUNCTION_FILES
        for name in DEFINED_FUNCTION.findall(path.read_text())
    }
    built = {
        row[0]
        for row in conn.execute(
            "select distinct p.pronamespace::regnamespace::text || '.' || p.proname"
            " from pg_proc as p where p.pronamespace::regnamespace::text = any(%s)"
            " and not exists"
            " (select 1 from pg_depend as d where d.objid = p.oid and d.deptype = 'e')",
            (list(OUR_SCHEMAS),),
        )
    }
    assert built - defined == set(), "functions built by migrations but missing from functions/"
    assert defined - built == set(), "functions in functions/ that no migration creates"
