"""Catalog checks that hold for every object, present and future: the security rules
from docs/architecture.md stated as queries whose answer must be empty."""

from __future__ import annotations

import psycopg

# security definer RPCs that anon may call on purpose.
ANON_DEFINER_ALLOWED: set[str] = set()
# Private tables the API roles may read on purpose: the search table and its title words
# hold only published gigs' public fields and are read by the invoker search_gigs
# (supabase/schemas/search.sql).
PRIVATE_READABLE = {
    f"private.{table} to {role}"
    for table in ("gig_search", "gig_title_words")
    for role in ("anon", "authenticated")
}


def offenders(conn: psycopg.Connection, query: str) -> list[str]:
    return [row[0] for row in conn.execute(query)]


def test_every_table_in_public_has_row_level_security(conn: psycopg.Connection) -> None:
    assert (
        offenders(
            conn,
            """
        select c.relname from pg_class as c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
          and not c.relrowsecurity
        """,
        )
        == []
    )


def test_every_function_pins_its_search_path(conn: psycopg.Connection) -> None:
    assert (
        offenders(
            conn,
            """
        select p.oid::regprocedure::text from pg_proc as p
        where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
          and not exists (select 1 from pg_depend as d where d.objid = p.oid and d.deptype = 'e')
          and not coalesce(p.proconfig, '{}') && array['search_path=""']
        """,
        )
        == []
    )


def test_every_foreign_key_has_an_index(conn: psycopg.Connection) -> None:
    assert (
        offenders(
            conn,
            """
        select con.conrelid::regclass::text || ' ' || con.conname
        from pg_constraint as con
        where con.contype = 'f'
          and con.connamespace in ('public'::regnamespace, 'private'::regnamespace)
          and not exists (
              select 1 from pg_index as i
              where i.indrelid = con.conrelid
                and (i.indkey::int2[])[0:cardinality(con.conkey) - 1] = con.conkey
          )
        """,
        )
        == []
    )


def test_no_definer_function_is_callable_by_anon_unless_meant_to_be(
    conn: psycopg.Connection,
) -> None:
    callable_by_anon = set(
        offenders(
            conn,
            """
            select p.pronamespace::regnamespace::text || '.' || p.proname from pg_proc as p
            where p.pronamespace = 'public'::regnamespace and p.prosecdef
              and has_function_privilege('anon', p.oid, 'execute')
            """,
        )
    )
    assert callable_by_anon <= ANON_DEFINER_ALLOWED


def test_no_function_is_executable_by_public(conn: psycopg.Connection) -> None:
    assert (
        offenders(
            conn,
            """
        select p.oid::regprocedure::text from pg_proc as p
        where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
          and not exists (select 1 from pg_depend as d where d.objid = p.oid and d.deptype = 'e')
          and (p.proacl is null or exists (
              select 1 from aclexplode(p.proacl) as a where a.grantee = 0
          ))
        """,
        )
        == []
    )


def test_api_roles_read_only_the_private_tables_meant_for_them(conn: psycopg.Connection) -> None:
    assert sorted(
        offenders(
            conn,
            """
        select c.oid::regclass::text || ' to ' || r.rolname from pg_class as c
        cross join (values ('anon'), ('authenticated')) as r (rolname)
        where c.relnamespace = 'private'::regnamespace and c.relkind in ('r', 'p', 'v', 'm')
          and has_table_privilege(r.rolname, c.oid, 'select, insert, update, delete')
        """,
        )
    ) == sorted(PRIVATE_READABLE)


def test_the_readable_private_tables_are_read_only(conn: psycopg.Connection) -> None:
    assert (
        offenders(
            conn,
            """
        select c.oid::regclass::text || ' to ' || r.rolname from pg_class as c
        cross join (values ('anon'), ('authenticated')) as r (rolname)
        where c.relnamespace = 'private'::regnamespace and c.relkind in ('r', 'p', 'v', 'm')
          and has_table_privilege(r.rolname, c.oid, 'insert, update, delete, truncate')
        """,
        )
        == []
    )
