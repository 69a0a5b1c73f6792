"""`make db-reset`: the build works on a bare database, again on its own result, and on a
database that already has the real platform objects (which it must leave alone)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest

from devstack import dbbuild
from devstack.localpg import LocalCluster
from tests.py.conftest import create_database, drop_database


@pytest.fixture
def bare_database(cluster: LocalCluster) -> Iterator[str]:
    name = f"bare_{uuid.uuid4().hex[:8]}"
    create_database(cluster, name)
    try:
        yield name
    finally:
        drop_database(cluster, name)


def applied_versions(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select version from supabase_migrations.schema_migrations order by version"
        )
        return [row[0] for row in rows]


def test_reset_builds_a_bare_database_and_rebuilds_it(
    cluster: LocalCluster, bare_database: str
) -> None:
    url = cluster.url("postgres", bare_database)
    admin_url = cluster.url("supabase_admin", bare_database)
    dbbuild.reset(url, admin_url)
    dbbuild.reset(url, admin_url)
    assert applied_versions(url) == [migration.version for migration in dbbuild.migrations()]
    with psycopg.connect(url) as conn:
        assert conn.execute("select count(*) > 0 from public.gigs").fetchone()[0]


def test_reset_leaves_an_existing_platform_alone(cluster: LocalCluster, bare_database: str) -> None:
    url = cluster.url("postgres", bare_database)
    admin_url = cluster.url("supabase_admin", bare_database)
    assert dbbuild.apply_platform_standin(admin_url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        # What a hosted project looks like to us: an auth schema that is not our stand-in,
        # with users already in it.
        conn.execute("comment on schema auth is 'Supabase auth'")
        conn.execute(
            "insert into auth.users (id, email) values (gen_random_uuid(), 'existing@example.test')"
        )
    # As on a hosted project, only the non-superuser postgres connection is given.
    dbbuild.reset(url)
    with psycopg.connect(url) as conn:
        assert (
            conn.execute(
                "select count(*) from auth.users where email = 'existing@example.test'"
            ).fetchone()[0]
            == 1
        )
        assert (
            conn.execute("select obj_description('auth'::regnamespace)").fetchone()[0]
            == "Supabase auth"
        )
    assert applied_versions(url) == [migration.version for migration in dbbuild.migrations()]


def test_migrations_run_as_a_role_that_is_not_superuser(db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        owner_is_superuser = conn.execute(
            "select r.rolsuper from pg_class as c join pg_roles as r on r.oid = c.relowner"
            " where c.oid = 'public.orders'::regclass"
        ).fetchone()[0]
    assert owner_is_superuser is False


def test_orders_messages_and_notifications_are_published_to_realtime(db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        tables = {
            row[0]
            for row in conn.execute(
                "select tablename from pg_publication_tables where pubname = 'supabase_realtime'"
            )
        }
    assert tables == {"orders", "order_messages", "notifications"}


@pytest.mark.parametrize(
    "statement",
    [
        "alter table storage.objects add column note text",
        "alter table realtime.messages enable row level security",
        "comment on policy \"users list their own avatars\" on storage.objects is 'x'",
        "delete from storage.objects",
    ],
)
def test_the_standin_refuses_what_hosted_projects_refuse_a_migration(
    conn: psycopg.Connection, statement: str
) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
        conn.execute(statement)


def test_a_migration_may_still_add_buckets_and_storage_policies(conn: psycopg.Connection) -> None:
    with conn.transaction(force_rollback=True):
        conn.execute("insert into storage.buckets (id, name) values ('scratch', 'scratch')")
        conn.execute(
            'create policy "scratch is readable" on storage.objects for select to anon'
            " using (bucket_id = 'scratch')"
        )
