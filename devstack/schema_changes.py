"""How the schema changes: the sources say what it is, a migration only what changed.

- `new_migration(name)` (`make migration NAME=…`) builds one throwaway database from the
  migrations (with `supabase db push`) and one from the sources, and writes what the
  Supabase CLI's `db diff` says turns the first into the second as a new migration, for
  review. Rows the schema needs (the transition table, buckets, settings) are not schema
  to the diff: their differences are listed in the file, to be written by hand.
- The manifest (`supabase/migrations.sha256`, `sha256sum` format) records every landed
  migration's checksum; a test fails when one is edited or removed. `lock_new_migrations`
  (`make migrations-lock`) records new ones and never rewrites an entry.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from devstack import dbbuild, schema_catalog, supabase_cli
from devstack.localpg import LocalCluster

MANIFEST = dbbuild.SUPABASE_DIR / "migrations.sha256"
DIFF_SCHEMAS = ["public", "private", "auth", "storage", "realtime"]
MIGRATION_NAME = r"^[a-z0-9]+(_[a-z0-9]+)*$"
# supabase db push runs each migration in a transaction: the timeouts keep a migration
# from queueing the whole API behind a lock it waits for.
MIGRATION_PREAMBLE = """\
set local lock_timeout = '5s';
set local statement_timeout = '5min';
"""


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest(manifest: Path = MANIFEST) -> dict[str, str]:
    """Migration file name -> checksum, as recorded."""
    if not manifest.exists():
        return {}
    entries = {}
    for line in manifest.read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        entries[name.lstrip("*")] = digest
    return entries


@dataclass(frozen=True)
class ManifestProblems:
    changed: list[str]
    removed: list[str]
    unrecorded: list[str]

    def __bool__(self) -> bool:
        return bool(self.changed or self.removed or self.unrecorded)


def check_manifest(
    migrations_dir: Path = dbbuild.MIGRATIONS_DIR, manifest: Path = MANIFEST
) -> ManifestProblems:
    recorded = read_manifest(manifest)
    present = {path.name: path for path in sorted(migrations_dir.glob("*.sql"))}
    return ManifestProblems(
        changed=[
            name
            for name, digest in recorded.items()
            if name in present and checksum(present[name]) != digest
        ],
        removed=[name for name in recorded if name not in present],
        unrecorded=[name for name in present if name not in recorded],
    )


def lock_new_migrations() -> list[str]:
    """Record the checksum of every migration the manifest does not list yet."""
    problems = check_manifest()
    if problems.changed or problems.removed:
        raise ValueError(
            "landed migrations were edited or removed, which the manifest will not"
            f" record: {', '.join(problems.changed + problems.removed)}"
        )
    with MANIFEST.open("a") as manifest:
        for name in problems.unrecorded:
            manifest.write(f"{checksum(dbbuild.MIGRATIONS_DIR / name)}  {name}\n")
    return problems.unrecorded


@dataclass(frozen=True)
class SchemaChange:
    """What the sources have that the migrations do not (empty: nothing to migrate)."""

    ddl: str
    data_differences: list[schema_catalog.Difference]

    def is_empty(self) -> bool:
        return not self.ddl.strip() and not self.data_differences


def build_both(cluster: LocalCluster, migrated: str, declared: str) -> tuple[str, str]:
    """(Re)create databases `migrated` (from the migrations) and `declared` (from the
    sources) on `cluster`; their URLs."""
    with psycopg.connect(cluster.admin_url, autocommit=True) as admin:
        for name in (migrated, declared):
            admin.execute(f'drop database if exists "{name}" with (force)')
            admin.execute(f'create database "{name}"')
    dbbuild.reset(
        cluster.url("postgres", migrated), cluster.url(cluster.superuser, migrated), seed=False
    )
    dbbuild.build_from_sources(
        cluster.url("postgres", declared), cluster.url(cluster.superuser, declared)
    )
    return cluster.url("postgres", migrated), cluster.url("postgres", declared)


def pending_change(migrated_url: str, declared_url: str) -> SchemaChange:
    """What turns the database built from the migrations into the one built from the
    sources: the CLI's diff, and the schema's own rows that differ."""
    ddl = supabase_cli.db_diff(migrated_url, declared_url, DIFF_SCHEMAS)
    with psycopg.connect(migrated_url) as first, psycopg.connect(declared_url) as second:
        data = schema_catalog.compare(schema_catalog.data(first), schema_catalog.data(second))
    return SchemaChange(ddl, data)


def render(name: str, change: SchemaChange) -> str:
    parts = [
        f"-- {name.replace('_', ' ')}: generated by `make migration` from the sources.\n"
        "-- Review every statement, replace this header with why the change is made, and\n"
        "-- write the data changes listed below (if any) by hand.\n",
        MIGRATION_PREAMBLE,
    ]
    if change.data_differences:
        listed = "\n".join(
            difference.describe("migrations", "sources") for difference in change.data_differences
        )
        parts.append("".join(f"-- {line}\n" for line in listed.splitlines()))
    if change.ddl.strip():
        parts.append(change.ddl.strip() + "\n")
    return "\n".join(parts)


def complete_grants(cluster: LocalCluster, migrated: str, declared: str, draft: str) -> str:
    """The draft with the privileges it misses: the CLI's diff does not see default
    privileges (a hosted project gives the API roles ALL on every new table and
    function), so the draft is applied to a copy of the migrated database and every
    object whose privileges still differ gets an exact revoke and grant. What else still
    differs is listed at the top, for the reviewer."""
    trial = f"{migrated}_trial"
    with psycopg.connect(cluster.admin_url, autocommit=True) as admin:
        admin.execute(f'drop database if exists "{trial}" with (force)')
        admin.execute(f'create database "{trial}" template "{migrated}"')
    trial_url, declared_url = cluster.url("postgres", trial), cluster.url("postgres", declared)
    with psycopg.connect(trial_url) as conn, psycopg.connect(declared_url) as wanted:
        try:
            conn.execute(draft)
        except psycopg.Error as error:
            reason = " ".join(str(error).split())
            return f"-- The draft below does not apply as written: {reason}\n\n{draft}"
        grants = schema_catalog.grant_statements(conn, wanted)
        if grants:
            conn.execute("\n".join(grants))
        remaining = schema_catalog.compare(
            schema_catalog.objects(conn), schema_catalog.objects(wanted)
        )
    notes = "".join(
        f"-- {line}\n"
        for difference in remaining
        for line in difference.describe("migrations", "sources").splitlines()
    )
    if notes:
        notes = "-- Still different after this migration (fix by hand):\n" + notes + "\n"
    privileges = (
        "\n-- Privileges of the API roles, exactly as the sources grant them.\n"
        + "\n".join(grants)
        + "\n"
    )
    return notes + draft + (privileges if grants else "")


def new_migration(name: str, *, now: datetime | None = None) -> Path | None:
    """Write the pending change as supabase/migrations/<timestamp>_<name>.sql; None when
    the sources and the migrations already agree."""
    with tempfile.TemporaryDirectory(prefix="gigflow-migration-") as scratch:
        cluster = LocalCluster(Path(scratch) / "data")
        cluster.start()
        try:
            change = pending_change(*build_both(cluster, "from_migrations", "from_sources"))
            draft = (
                None
                if change.is_empty()
                else complete_grants(
                    cluster, "from_migrations", "from_sources", render(name, change)
                )
            )
        finally:
            cluster.destroy()
    if draft is None:
        return None
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")
    path = dbbuild.MIGRATIONS_DIR / f"{stamp}_{name}.sql"
    path.write_text(draft)
    # The CLI writes upper-case, quoted SQL; the house style is sqlfluff's (.sqlfluff).
    subprocess.run(
        [sys.executable, "-m", "sqlfluff", "fix", "--quiet", str(path)],
        cwd=dbbuild.REPO,
        capture_output=True,
        check=False,
    )
    return path
