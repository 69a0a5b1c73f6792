"""What our schema is, read from a database's catalog: every object our sources define
(tables, columns, constraints, indexes, triggers, functions with their bodies and grants,
types, views, policies, publication membership, buckets) and the rows the schema itself
needs. Two databases built two ways (migrations, sources) must read the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

OUR_SCHEMAS = ["public", "private"]
# Platform schemas where our sources add policies or triggers (never tables).
PLATFORM_SCHEMAS = ["auth", "storage", "realtime"]

# Each query yields rows of text: one row per object, everything that defines it.
OBJECT_QUERIES: dict[str, str] = {
    "schemas": """
        select n.nspname, array_to_string(array(
            select a::text from unnest(n.nspacl) as a order by 1), ','),
            obj_description(n.oid, 'pg_namespace')
        from pg_namespace as n where n.nspname = any(%(ours)s)
    """,
    "relations": """
        select c.oid::regclass::text, c.relkind::text,
            array_to_string(array(select a::text from unnest(c.relacl) as a order by 1), ','),
            array_to_string(c.reloptions, ','), c.relrowsecurity::text,
            c.relforcerowsecurity::text, obj_description(c.oid, 'pg_class')
        from pg_class as c
        where c.relnamespace::regnamespace::text = any(%(ours)s)
          and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f', 'c')
          and not exists (select 1 from pg_depend as d where d.objid = c.oid and d.deptype = 'e')
    """,
    "columns": """
        select c.oid::regclass::text,
            (row_number() over (partition by c.oid order by a.attnum))::text, a.attname,
            format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
            pg_get_expr(ad.adbin, ad.adrelid), a.attgenerated::text, a.attidentity::text,
            array_to_string(array(select x::text from unnest(a.attacl) as x order by 1), ','),
            col_description(c.oid, a.attnum)
        from pg_class as c
        join pg_attribute as a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        left join pg_attrdef as ad on ad.adrelid = c.oid and ad.adnum = a.attnum
        where c.relnamespace::regnamespace::text = any(%(ours)s)
          and c.relkind in ('r', 'p', 'v', 'm', 'f', 'c')
    """,
    "constraints": """
        select coalesce(con.conrelid::regclass::text, con.contypid::regtype::text), con.conname,
            pg_get_constraintdef(con.oid), obj_description(con.oid, 'pg_constraint')
        from pg_constraint as con
        where con.connamespace::regnamespace::text = any(%(ours)s)
    """,
    "indexes": """
        select i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        from pg_index as i
        join pg_class as c on c.oid = i.indrelid
        where c.relnamespace::regnamespace::text = any(%(ours)s)
    """,
    "triggers": """
        select t.tgrelid::regclass::text, t.tgname, pg_get_triggerdef(t.oid),
            t.tgenabled::text
        from pg_trigger as t
        join pg_proc as p on p.oid = t.tgfoid
        where not t.tgisinternal
          and (t.tgrelid::regclass::text like any(array['public.%%', 'private.%%'])
               or p.pronamespace::regnamespace::text = any(%(ours)s))
    """,
    "functions": """
        select p.oid::regprocedure::text, pg_get_functiondef(p.oid),
            array_to_string(array(select a::text from unnest(p.proacl) as a order by 1), ','),
            obj_description(p.oid, 'pg_proc')
        from pg_proc as p
        where p.pronamespace::regnamespace::text = any(%(ours)s)
          and not exists (select 1 from pg_depend as d where d.objid = p.oid and d.deptype = 'e')
    """,
    "types": """
        select t.oid::regtype::text, t.typtype::text,
            array_to_string(array(
                select e.enumlabel from pg_enum as e where e.enumtypid = t.oid
                order by e.enumsortorder), ','),
            array_to_string(array(select a::text from unnest(t.typacl) as a order by 1), ','),
            obj_description(t.oid, 'pg_type')
        from pg_type as t
        where t.typnamespace::regnamespace::text = any(%(ours)s)
          and t.typtype in ('e', 'd', 'r')
    """,
    "views": """
        select c.oid::regclass::text, pg_get_viewdef(c.oid)
        from pg_class as c
        where c.relnamespace::regnamespace::text = any(%(ours)s) and c.relkind in ('v', 'm')
    """,
    "policies": """
        select schemaname || '.' || tablename, policyname, permissive, roles::text, cmd,
            qual, with_check
        from pg_policies
        where schemaname = any(%(ours)s) or schemaname = any(%(platform)s)
    """,
    "publication": """
        select pubname, schemaname || '.' || tablename
        from pg_publication_tables where pubname = 'supabase_realtime'
    """,
    "extensions": """
        select e.extname, e.extnamespace::regnamespace::text from pg_extension as e
    """,
}

# Rows the schema itself needs (not demo data): their values are part of the schema.
DATA_QUERIES: dict[str, str] = {
    "private.order_transitions": "select t::text from private.order_transitions as t",
    "private.gig_transitions": "select t::text from private.gig_transitions as t",
    "private.platform_settings": "select s::text from private.platform_settings as s",
    "storage.buckets": """
        select concat_ws('|', id, name, public::text, file_size_limit::text,
            allowed_mime_types::text)
        from storage.buckets
    """,
}


@dataclass(frozen=True)
class Difference:
    section: str
    only_in_first: list[tuple[str | None, ...]]
    only_in_second: list[tuple[str | None, ...]]

    def describe(self, first: str, second: str) -> str:
        lines = [f"{self.section}:"]
        lines += [f"  only in {first}: {row}" for row in self.only_in_first]
        lines += [f"  only in {second}: {row}" for row in self.only_in_second]
        return "\n".join(lines)


def _read(conn: psycopg.Connection, queries: dict[str, str]) -> dict[str, set[tuple]]:
    params = {"ours": OUR_SCHEMAS, "platform": PLATFORM_SCHEMAS}
    snapshot = {}
    for section, query in queries.items():
        rows = conn.execute(query, params if "%(" in query else None).fetchall()
        snapshot[section] = {tuple(row) for row in rows}
    return snapshot


def objects(conn: psycopg.Connection) -> dict[str, set[tuple]]:
    return _read(conn, OBJECT_QUERIES)


def data(conn: psycopg.Connection) -> dict[str, set[tuple]]:
    return _read(conn, DATA_QUERIES)


def compare(first: dict[str, set[tuple]], second: dict[str, set[tuple]]) -> list[Difference]:
    return [
        Difference(
            section,
            sorted(first[section] - second[section], key=str),
            sorted(second[section] - first[section], key=str),
        )
        for section in first
        if first[section] != second[section]
    ]


# Who privileges are reconciled for: the roles the API and the platform grant to. The
# owner's own privileges are implicit and never written.
API_ROLES = ("public", "anon", "authenticated", "service_role")
PRIVILEGE_NAMES = {
    "r": "select",
    "a": "insert",
    "w": "update",
    "d": "delete",
    "D": "truncate",
    "x": "references",
    "t": "trigger",
    "X": "execute",
    "U": "usage",
}
ACL_QUERIES = {
    "relation": """
        select c.oid::regclass::text, case c.relkind when 'S' then 'sequence' else 'table' end,
            null::text, array(select a::text from unnest(c.relacl) as a)
        from pg_class as c
        where c.relnamespace::regnamespace::text = any(%(ours)s)
          and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
    """,
    "column": """
        select c.oid::regclass::text, 'table', a.attname::text,
            array(select x::text from unnest(a.attacl) as x)
        from pg_class as c
        join pg_attribute as a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        where c.relnamespace::regnamespace::text = any(%(ours)s) and c.relkind in ('r', 'p', 'v')
    """,
    "function": """
        select p.oid::regprocedure::text, 'function', null::text,
            array(select a::text from unnest(coalesce(p.proacl, acldefault('f', p.proowner))) as a)
        from pg_proc as p
        where p.pronamespace::regnamespace::text = any(%(ours)s)
          and not exists (select 1 from pg_depend as d where d.objid = p.oid and d.deptype = 'e')
    """,
}


def _api_privileges(acl: list[str]) -> dict[str, set[str]]:
    """Grantee -> privileges, for the API roles, from aclitems like 'anon=arw/postgres'."""
    granted: dict[str, set[str]] = {role: set() for role in API_ROLES}
    for item in acl:
        grantee, rest = item.split("=", 1)
        grantee = grantee.strip('"') or "public"
        if grantee in granted:
            privileges = rest.split("/", 1)[0].replace("*", "")
            granted[grantee] |= {PRIVILEGE_NAMES[letter] for letter in privileges}
    return granted


def _acls(conn: psycopg.Connection) -> dict[tuple[str, str, str | None], dict[str, set[str]]]:
    # An empty search path: every name comes out schema-qualified, fit for a statement.
    conn.execute("select pg_catalog.set_config('search_path', '', true)")
    found = {}
    for query in ACL_QUERIES.values():
        for name, kind, column, acl in conn.execute(query, {"ours": OUR_SCHEMAS}):
            found[(kind, name, column)] = _api_privileges(acl)
    return found


def grant_statements(current: psycopg.Connection, wanted: psycopg.Connection) -> list[str]:
    """What makes the API roles' privileges in `current` those in `wanted`, for every
    object both have: a revoke from all of them, then exactly the grants wanted."""
    have, want = _acls(current), _acls(wanted)
    statements = []
    # A table's revoke takes its columns' privileges with it: tables first, then columns.
    in_order = sorted(want.items(), key=lambda item: (item[0][2] is not None, str(item[0])))
    for (kind, name, column), privileges in in_order:
        if (kind, name, column) not in have or have[(kind, name, column)] == privileges:
            continue
        target = f"{kind} {name}" if column is None else f"table {name}"
        columns = f" ({column})" if column else ""
        roles = ", ".join(API_ROLES)
        statements.append(f"revoke all{columns} on {target} from {roles};")
        for role in API_ROLES:
            if privileges[role]:
                listed = ", ".join(sorted(privileges[role]))
                statements.append(f"grant {listed}{columns} on {target} to {role};")
    return statements
