"""Build a GigFlow database the way a Supabase project gets it.

`reset()` is what `make db-reset` runs: the local platform stand-in only when the database
has no `auth` schema, then every migration in order (recorded where the Supabase CLI
records them), then the seed. A database that already has the real platform objects keeps
them: only what our migrations created is dropped and rebuilt.
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


def has_platform(conn: psycopg.Connection) -> bool:
    row = conn.execute("select to_regnamespace('auth') is not null").fetchone()
    return bool(row and row[0])


def _uses_local_standin(conn: psycopg.Connection) -> bool:
    row = conn.execute("select obj_description('auth'::regnamespace, 'pg_namespace')").fetchone()
    return bool(row and row[0] == STANDIN_MARKER)


def apply_platform_standin(admin_url: str) -> bool:
    """Create the platform stand-in unless the database has an `auth` schema already."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if has_platform(conn):
            return False
        with conn.transaction():
            _execute_file(conn, PLATFORM_STANDIN)
        return True


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
    with psycopg.connect(database_url, autocommit=True) as conn:
        with conn.transaction():
            conn.execute(DROP_PREVIOUS_BUILD)
            if _uses_local_standin(conn):
                conn.execute("truncate auth.users cascade")
        apply_migrations(conn)
        if seed:
            with conn.transaction():
                _execute_file(conn, SEED_FILE)
