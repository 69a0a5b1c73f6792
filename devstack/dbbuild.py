"""Build a GigFlow database the way a Supabase project gets it, or from the sources.

- `reset()` is what `make db-reset`, the demo and the tests run: each piece of the local
  platform stand-in (auth, storage, realtime) only when the database lacks its schema,
  then every migration and the seed through the real `supabase db push`. A database that
  already has the real platform objects keeps them: only what our migrations created is
  dropped and rebuilt.
- `build_from_sources()` applies the current definitions (`schema_paths` in
  supabase/config.toml, in that order) instead: the other side of `make migration`'s diff
  and of the drift test.
"""

from __future__ import annotations

import os
import posixpath
import tomllib
from dataclasses import dataclass
from pathlib import Path

import psycopg

from devstack import supabase_cli
from devstack.localpg import LocalCluster

REPO = Path(__file__).resolve().parent.parent
SUPABASE_DIR = REPO / "supabase"
MIGRATIONS_DIR = SUPABASE_DIR / "migrations"
CONFIG_FILE = SUPABASE_DIR / "config.toml"
PLATFORM_STANDIN = REPO / "supabase" / "local" / "platform.sql"
STANDIN_MARKER = "gigflow local stand-in for the Supabase auth schema"
STORAGE_STANDIN_MARKER = "gigflow local stand-in for the Supabase storage schema"
# Each piece of the platform stand-in, applied when the schema (or, for a dotted name,
# the table) it makes is missing, in this order (so a local cluster built before a piece
# existed gains it on the next reset).
STANDINS = (
    ("auth", PLATFORM_STANDIN),
    ("auth.one_time_tokens", REPO / "supabase" / "local" / "auth_tokens.sql"),
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


def local_cluster() -> LocalCluster:
    """The persistent cluster of `make db-up`, the demo and `make db-reset`: `.local/pg`
    in the repository, or where GIGFLOW_LOCAL_PG says."""
    return LocalCluster(Path(os.environ.get("GIGFLOW_LOCAL_PG", REPO / ".local" / "pg")))


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


def _has(conn: psycopg.Connection, name: str) -> bool:
    """Whether the database has this schema, or (a dotted name) this table."""
    if "." not in name:
        return _has_schema(conn, name)
    row = conn.execute("select to_regclass(%s) is not null", (name,)).fetchone()
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
    """Create each piece of the platform stand-in whose schema (or table) the database
    lacks; the pieces it created."""
    created = []
    with psycopg.connect(admin_url, autocommit=True, prepare_threshold=None) as conn:
        for schema, path in STANDINS:
            if not _has(conn, schema):
                with conn.transaction():
                    # The stand-in refuses, as hosted projects do, changes to the platform's
                    # tables, except while it builds them itself.
                    conn.execute("set local gigflow.platform_setup = 'on'")
                    _execute_file(conn, path)
                created.append(schema)
    return created


def schema_sources() -> list[Path]:
    """The files `schema_paths` in supabase/config.toml names, resolved as the Supabase CLI
    resolves them: relative to supabase/, each glob in name order, a file listed twice
    applied once where it first appears, a pattern that matches nothing an error."""
    patterns = tomllib.loads(CONFIG_FILE.read_text())["db"]["migrations"]["schema_paths"]
    sources: list[Path] = []
    for pattern in patterns:
        relative = posixpath.normpath(posixpath.join("supabase", pattern))
        matches = sorted(REPO.glob(relative))
        if not matches:
            raise BuildError(f"{CONFIG_FILE.relative_to(REPO)}: no file matches {pattern}")
        sources.extend(match for match in matches if match not in sources)
    return sources


def _drop_previous_build(conn: psycopg.Connection) -> None:
    with conn.transaction():
        conn.execute(DROP_PREVIOUS_BUILD)
        if _is_local_standin(conn, "auth", STANDIN_MARKER):
            conn.execute("truncate auth.users cascade")
        if _is_local_standin(conn, "storage", STORAGE_STANDIN_MARKER):
            # What the Storage API does when it deletes: the protection lets it through.
            conn.execute("set local storage.allow_delete_query = 'true'")
            conn.execute("delete from storage.objects")
            conn.execute("delete from storage.buckets")


def build_from_sources(database_url: str, admin_url: str | None = None) -> None:
    """Rebuild the database at `database_url` from the current sources, in one
    transaction, as `postgres` (like a migration), without the seed."""
    apply_platform_standin(admin_url or database_url)
    with psycopg.connect(database_url, autocommit=True, prepare_threshold=None) as conn:
        _drop_previous_build(conn)
        with conn.transaction():
            for source in schema_sources():
                _execute_file(conn, source)


def reset(database_url: str, admin_url: str | None = None, *, seed: bool = True) -> None:
    """Rebuild the database at `database_url` from the migrations (and the seed), applied
    by the Supabase CLI's `db push`."""
    apply_platform_standin(admin_url or database_url)
    with psycopg.connect(database_url, autocommit=True, prepare_threshold=None) as conn:
        _drop_previous_build(conn)
    try:
        supabase_cli.db_push(database_url, include_seed=seed)
    except supabase_cli.SupabaseCliError as error:
        raise BuildError(str(error)) from error
