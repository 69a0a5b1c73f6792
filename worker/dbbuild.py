"""Build a GigFlow database the way a Supabase project gets it.

`reset()` is what `make db-reset` runs: each piece of the local platform stand-in (auth,
storage, realtime) only when the database lacks its schema, then every migration in
order (recorded where the Supabase CLI records them), then the seed. A database that
already has the real platform objects keeps them: only what our migrations created is
dropped and rebuilt.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = REPO / "supabase" / "migrations"
SEED_FILE = REPO / "supabase" / "seed.sql"
PLATFORM_STANDIN = REPO / "supabase" / "local" / "platform.sql"
STANDIN_MARKER = "gigflow local stand-in for the Supabase auth schema"
STORAGE_STANDIN_MARKER = "gigflow local stand-in for the Supabase storage schema"
# Each piece of the platform stand-in, applied when the schema it makes is missing (so a
# local cluster built before a piece existed gains it on the next reset).
STANDINS = (
    ("auth", PLATFORM_STANDIN),
    ("storage", REPO / "supabase" / "local" / "storage.sql"),
    ("realtime", REPO / "supabase" / "local" / "realtime.sql"),
)

# Everything our migrations own: the private schema, the migration history, and every
# object in public that is not part of an extension. The public schema itself stays, so
# the platform's default privileges on it (dangerous ones included) survive a reset.
DROP_PREVIOUS_BUILD = """
drop schema if exists private cascade;
drop schema if exists supabase_migrations cascade;
do $$
declare
    object record;
begin
    for object in
        select c.relname, c.relkind
        from pg_catalog.pg_class as c
        where c.relnamespace = 'public'::regnamespace
          and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
          and not exists (
              select 1 from pg_catalog.pg_depend as d
              where d.objid = c.oid and d.deptype = 'e'
          )
        -- Tables first: their cascade takes the identity sequences and views with them.
        order by c.relkind in ('r', 'p') desc
    loop
        execute format(
            'drop %s if exists public.%I cascade',
            case object.relkind
                when 'v' then 'view'
                when 'm' then 'materialized view'
                when 'f' then 'foreign table'
                when 'S' then 'sequence'
                else 'table'
            end,
            object.relname
        );
    end loop;
    for object in
        select p.oid::regprocedure as signature, p.prokind
        from pg_catalog.pg_proc as p
        where p.pronamespace = 'public'::regnamespace
          and not exists (
              select 1 from pg_catalog.pg_depend as d
              where d.objid = p.oid and d.deptype = 'e'
          )
    loop
        execute format(
            'drop %s if exists %s cascade',
            case object.prokind when 'p' then 'procedure' when 'a' then 'aggregate'
                else 'function' end,
            object.signature
        );
    end loop;
    for object in
        select t.typname
        from pg_catalog.pg_type as t
        where t.typnamespace = 'public'::regnamespace
          and t.typtype in ('e', 'c', 'd', 'r')
          and (t.typrelid = 0 or (select c.relkind from pg_catalog.pg_class as c
                                  where c.oid = t.typrelid) = 'c')
          and not exists (
              select 1 from pg_catalog.pg_depend as d
              where d.objid = t.oid and d.deptype = 'e'
          )
    loop
        execute format('drop type if exists public.%I cascade', object.typname);
    end loop;
end
$$;
"""

RECORD_MIGRATIONS_TABLE = """
create schema supabase_migrations;
create table supabase_migrations.schema_migrations (
    version text primary key,
    statements text[],
    name text
);
"""


class BuildError(RuntimeError):
    """A build step failed; the message names the file."""


@dataclass(frozen=True)
class Migration:
    path: Path

    @property
    def version(self) -> str:
        return self.path.name.split("_", 1)[0]

    @property
    def name(self) -> str:
        return self.path.stem.split("_", 1)[1]


def migrations() -> list[Migration]:
    return [Migration(path) for path in sorted(MIGRATIONS_DIR.glob("*.sql"))]


def _execute_file(conn: psycopg.Connection, path: Path) -> None:
    try:
        conn.execute(path.read_text())
    except psycopg.Error as error:
        raise BuildError(f"{path.relative_to(REPO)}: {error}") from error


def _has_schema(conn: psycopg.Connection, schema: str) -> bool:
    row = conn.execute("select to_regnamespace(%s) is not null", (schema,)).fetchone()
    return bool(row and row[0])


def has_platform(conn: psycopg.Connection) -> bool:
    return _has_schema(conn, "auth")


def _is_local_standin(conn: psycopg.Connection, schema: str, marker: str) -> bool:
    if not _has_schema(conn, schema):
        return False
    row = conn.execute(
        "select obj_description(%s::regnamespace, 'pg_namespace')", (schema,)
    ).fetchone()
    return bool(row and row[0] == marker)


def apply_platform_standin(admin_url: str) -> list[str]:
    """Create each piece of the platform stand-in whose schema the database lacks; the
    schemas it created."""
    created = []
    with psycopg.connect(admin_url, autocommit=True, prepare_threshold=None) as conn:
        for schema, path in STANDINS:
            if not _has_schema(conn, schema):
                with conn.transaction():
                    _execute_file(conn, path)
                created.append(schema)
    return created


def apply_migrations(conn: psycopg.Connection) -> None:
    conn.execute(RECORD_MIGRATIONS_TABLE)
    for migration in migrations():
        with conn.transaction():
            _execute_file(conn, migration.path)
            conn.execute(
                "insert into supabase_migrations.schema_migrations (version, statements, name)"
                " values (%s, %s, %s)",
                (migration.version, [migration.path.read_text()], migration.name),
            )


def reset(database_url: str, admin_url: str | None = None, *, seed: bool = True) -> None:
    """Rebuild the database at `database_url` from the migrations (and the seed)."""
    apply_platform_standin(admin_url or database_url)
    with psycopg.connect(database_url, autocommit=True, prepare_threshold=None) as conn:
        with conn.transaction():
            conn.execute(DROP_PREVIOUS_BUILD)
            if _is_local_standin(conn, "auth", STANDIN_MARKER):
                conn.execute("truncate auth.users cascade")
            if _is_local_standin(conn, "storage", STORAGE_STANDIN_MARKER):
                # What the Storage API does when it deletes: the protection lets it through.
                conn.execute("set local storage.allow_delete_query = 'true'")
                conn.execute("delete from storage.objects")
                conn.execute("delete from storage.buckets")
        apply_migrations(conn)
        if seed:
            with conn.transaction():
                _execute_file(conn, SEED_FILE)
