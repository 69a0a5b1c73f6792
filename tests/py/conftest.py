"""Test harness: one throwaway PostgreSQL 15 cluster per run, a template database built
from the migrations and the seed once, and a fresh clone of it for each test that needs
one. Nothing here is mocked: every test talks to a real server."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from devstack import dbbuild
from devstack.localpg import LocalCluster
from devstack.localpooler import LocalPooler
from devstack.offline import OfflineStack

TEMPLATE = "gigflow_template"
# Server connections per database and role behind the test pooler: fewer than one worker
# opens under load, so its connections always take turns on them.
POOLER_POOL_SIZE = 3
TEST_HELPERS = dbbuild.REPO / "supabase" / "local" / "test_helpers.sql"

# Test databases must not inherit a developer's project settings.
for variable in [name for name in os.environ if name.startswith(("GIGFLOW_", "SUPABASE_"))]:
    os.environ.pop(variable)
os.environ.pop("DATABASE_URL", None)


@pytest.fixture(scope="session")
def cluster() -> Iterator[LocalCluster]:
    data_dir = Path(tempfile.mkdtemp(prefix="gigflow-test-pg-"))
    local = LocalCluster(data_dir / "data")
    local.start()
    try:
        yield local
    finally:
        local.destroy()
        data_dir.rmdir()


@pytest.fixture(scope="session")
def pooler(cluster: LocalCluster) -> Iterator[LocalPooler]:
    """PgBouncer in transaction mode in front of the cluster, as Supabase's pooler."""
    work_dir = Path(tempfile.mkdtemp(prefix="gigflow-test-pooler-"))
    try:
        with LocalPooler(cluster, work_dir, pool_size=POOLER_POOL_SIZE) as running:
            yield running
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def create_database(cluster: LocalCluster, name: str, template: str | None = None) -> None:
    with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
        suffix = f" template {template}" if template else ""
        conn.execute(f'create database "{name}"{suffix}')


def drop_database(cluster: LocalCluster, name: str) -> None:
    with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture(scope="session")
def template_db(cluster: LocalCluster) -> str:
    """The database every test clones: platform stand-in, migrations, seed, helpers."""
    create_database(cluster, TEMPLATE)
    admin_url = cluster.url("supabase_admin", TEMPLATE)
    dbbuild.reset(cluster.url("postgres", TEMPLATE), admin_url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("create extension pgtap schema extensions")
        conn.execute("create extension plpgsql_check schema extensions")
        conn.execute(TEST_HELPERS.read_text())
        conn.execute("analyze")
    return TEMPLATE


@pytest.fixture
def database(cluster: LocalCluster, template_db: str) -> Iterator[str]:
    """A fresh clone of the template; yields its name."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    create_database(cluster, name, template_db)
    try:
        yield name
    finally:
        drop_database(cluster, name)


@pytest.fixture
def db_url(cluster: LocalCluster, database: str) -> str:
    """URL of a fresh clone, connecting as `postgres` (what migrations run as)."""
    return cluster.url("postgres", database)


@pytest.fixture
def pooled_db_url(pooler: LocalPooler, database: str) -> str:
    """URL of the same fresh clone as `postgres`, through the pooler."""
    return pooler.url("postgres", database)


@pytest.fixture
def admin_url(cluster: LocalCluster, database: str) -> str:
    """Superuser URL of the same fresh clone."""
    return cluster.url("supabase_admin", database)


@pytest.fixture
def conn(db_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(db_url, autocommit=True) as connection:
        yield connection


@pytest.fixture
def stack(db_url: str, cluster: LocalCluster, database: str) -> Iterator[OfflineStack]:
    """The running system on a fresh clone: the worker and the Whop emulator, wired."""
    with OfflineStack(db_url, cluster.url("supabase_auth_admin", database)) as running:
        yield running
