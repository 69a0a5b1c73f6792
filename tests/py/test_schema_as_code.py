"""Schema as code: the sources (supabase/schemas, functions/, policies/) say what the
schema is; the migrations, applied by the real Supabase CLI, must build exactly that;
landed migrations never change; the CLI's lint finds nothing."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from devstack import dbbuild, schema_catalog, schema_changes, supabase_cli
from devstack.localpg import LocalCluster
from tests.py.conftest import drop_database

MIGRATED = "schema_from_migrations"
DECLARED = "schema_from_sources"


@pytest.fixture(scope="module")
def both_builds(cluster: LocalCluster) -> Iterator[tuple[str, str]]:
    """One database built with `supabase db push`, one from the sources (no seed)."""
    try:
        yield schema_changes.build_both(cluster, MIGRATED, DECLARED)
    finally:
        drop_database(cluster, MIGRATED)
        drop_database(cluster, DECLARED)


def differences(first_url: str, second_url: str) -> str:
    with psycopg.connect(first_url) as first, psycopg.connect(second_url) as second:
        found = schema_catalog.compare(
            schema_catalog.objects(first), schema_catalog.objects(second)
        ) + schema_catalog.compare(schema_catalog.data(first), schema_catalog.data(second))
    return "\n".join(difference.describe("migrations", "sources") for difference in found)


def test_migrations_build_exactly_what_the_sources_define(
    both_builds: tuple[str, str],
) -> None:
    migrated, declared = both_builds
    found = differences(migrated, declared)
    assert found == "", (
        "the migrations and the sources disagree (run `make migration NAME=…`):\n" + found
    )


def test_the_supabase_cli_diff_finds_nothing_to_migrate(both_builds: tuple[str, str]) -> None:
    change = schema_changes.pending_change(*both_builds)
    assert change.is_empty(), f"pending change:\n{change.ddl}\n{change.data_differences}"


def test_a_second_push_finds_nothing_to_do(both_builds: tuple[str, str]) -> None:
    migrated, _ = both_builds
    output = supabase_cli.db_push(migrated)
    assert "Remote database is up to date." in output


def test_the_cli_recorded_every_migration_it_applied(both_builds: tuple[str, str]) -> None:
    migrated, _ = both_builds
    with psycopg.connect(migrated) as conn:
        applied = [
            row[0]
            for row in conn.execute(
                "select version from supabase_migrations.schema_migrations order by version"
            )
        ]
    assert applied == [migration.version for migration in dbbuild.migrations()]


@pytest.mark.parametrize(
    ("change", "section"),
    [
        ("revoke select on public.gigs from anon", "relations"),
        ("grant update (status) on public.gigs to authenticated", "columns"),
        (
            "create or replace function private.tags_text(tags text[]) returns text"
            " language sql immutable set search_path = '' as $$ select '' $$",
            "functions",
        ),
        ('drop policy "users list their own avatars" on storage.objects', "policies"),
        ("alter publication supabase_realtime drop table public.notifications", "publication"),
        ("drop trigger order_messages_notify on public.order_messages", "triggers"),
        ("alter table public.orders drop constraint buyer_is_not_the_seller", "constraints"),
        ("drop index public.orders_buyer_id_idx", "indexes"),
        ("alter type public.gig_status add value 'archived'", "types"),
        (
            "update private.order_transitions set to_status = 'completed'"
            " where action = 'request_revision'",
            "private.order_transitions",
        ),
    ],
)
def test_the_drift_check_notices_a_change_of_any_kind(
    cluster: LocalCluster, both_builds: tuple[str, str], change: str, section: str
) -> None:
    _, declared = both_builds
    copy = f"drifted_{section.replace('.', '_')}"
    with psycopg.connect(cluster.admin_url, autocommit=True) as admin:
        admin.execute(f'drop database if exists "{copy}" with (force)')
        admin.execute(f'create database "{copy}" template "{DECLARED}"')
    try:
        drifted = cluster.url("postgres", copy)
        with psycopg.connect(drifted, autocommit=True) as conn:
            conn.execute(change)
        assert f"{section}:" in differences(declared, drifted)
    finally:
        drop_database(cluster, copy)


def test_a_drafted_migration_grants_exactly_what_the_sources_grant(
    cluster: LocalCluster, both_builds: tuple[str, str]
) -> None:
    # What the CLI's diff drafts for a new table: the table, not its privileges. On a
    # hosted project the API roles would then keep the platform's default ALL.
    table = "create table public.drafted_notes (id bigint primary key, body text not null)"
    sources = f"""{table};
        alter table public.drafted_notes enable row level security;
        revoke all on table public.drafted_notes from anon, authenticated, service_role;
        grant select on table public.drafted_notes to authenticated;
        grant select, insert (body) on table public.drafted_notes to service_role;"""
    declared = "grants_declared"
    with psycopg.connect(cluster.admin_url, autocommit=True) as admin:
        admin.execute(f'drop database if exists "{declared}" with (force)')
        admin.execute(f'create database "{declared}" template "{DECLARED}"')
    try:
        with psycopg.connect(cluster.url("postgres", declared), autocommit=True) as conn:
            conn.execute(sources)
        draft = f"{table};\nalter table public.drafted_notes enable row level security;\n"
        completed = schema_changes.complete_grants(cluster, MIGRATED, declared, draft)
    finally:
        drop_database(cluster, declared)
        drop_database(cluster, f"{MIGRATED}_trial")
    assert "Still different" not in completed, completed
    statements = [line for line in completed.splitlines() if line.startswith(("revoke", "grant"))]
    assert statements == [
        "revoke all on table public.drafted_notes from public, anon, authenticated, service_role;",
        "grant select on table public.drafted_notes to authenticated;",
        "grant select on table public.drafted_notes to service_role;",
        "revoke all (body) on table public.drafted_notes from public, anon, authenticated,"
        " service_role;",
        "grant insert (body) on table public.drafted_notes to service_role;",
    ]


def test_every_landed_migration_is_unchanged_and_recorded() -> None:
    problems = schema_changes.check_manifest()
    instead = "restore them from git and add a new migration instead (`make migration NAME=…`)"
    assert not problems.changed, f"landed migrations were edited {problems.changed}: {instead}"
    assert not problems.removed, f"landed migrations were removed {problems.removed}: {instead}"
    assert not problems.unrecorded, (
        f"new migrations {problems.unrecorded} are not in supabase/migrations.sha256:"
        " once reviewed, record them with `make migrations-lock`"
    )


@pytest.fixture
def migrations_copy() -> Iterator[tuple[Path, Path]]:
    scratch = Path(tempfile.mkdtemp(prefix="gigflow-manifest-"))
    try:
        migrations = scratch / "migrations"
        shutil.copytree(dbbuild.MIGRATIONS_DIR, migrations)
        manifest = scratch / "migrations.sha256"
        shutil.copy(schema_changes.MANIFEST, manifest)
        yield migrations, manifest
    finally:
        shutil.rmtree(scratch)


def test_an_edited_landed_migration_is_caught(migrations_copy: tuple[Path, Path]) -> None:
    migrations, manifest = migrations_copy
    baseline = sorted(migrations.glob("*.sql"))[0]
    baseline.write_text(baseline.read_text() + "\ndrop table public.reviews;\n")
    assert schema_changes.check_manifest(migrations, manifest).changed == [baseline.name]


def test_a_deleted_landed_migration_is_caught(migrations_copy: tuple[Path, Path]) -> None:
    migrations, manifest = migrations_copy
    baseline = sorted(migrations.glob("*.sql"))[0]
    baseline.unlink()
    assert schema_changes.check_manifest(migrations, manifest).removed == [baseline.name]


def test_supabase_db_lint_finds_no_warning(db_url: str) -> None:
    result = supabase_cli.run(
        "db",
        "lint",
        "--db-url",
        supabase_cli.cli_url(db_url),
        "--schema",
        "public,private",
        "--level",
        "warning",
        "--fail-on",
        "warning",
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def plain_postgres() -> Iterator[LocalCluster]:
    """A stock PostgreSQL 15 whose only superuser is postgres (no Supabase roles)."""
    scratch = Path(tempfile.mkdtemp(prefix="gigflow-plain-pg-"))
    plain = LocalCluster(scratch / "data", superuser="postgres")
    plain.start()
    try:
        yield plain
    finally:
        plain.destroy()
        shutil.rmtree(scratch, ignore_errors=True)


def test_reset_builds_a_plain_postgres_whose_superuser_is_postgres(
    plain_postgres: LocalCluster,
) -> None:
    url = plain_postgres.url("postgres")
    dbbuild.reset(url)
    with psycopg.connect(url) as conn:
        published = conn.execute(
            "select count(*) from public.gigs where status = 'published'"
        ).fetchone()[0]
        refused = conn.execute(
            "select has_table_privilege('anon', 'public.orders', 'select')"
        ).fetchone()[0]
    assert published > 0
    assert refused is False
