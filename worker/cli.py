"""The `gigflow` command."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from worker import dbbuild, demo
from worker.localpg import LocalCluster

LOCAL_DATA_DIR = Path(os.environ.get("GIGFLOW_LOCAL_PG", dbbuild.REPO / ".local" / "pg"))


def _local_cluster() -> LocalCluster:
    return LocalCluster(LOCAL_DATA_DIR)


def db_up(_: argparse.Namespace) -> int:
    cluster = _local_cluster()
    fresh = not cluster.is_initialized()
    cluster.start()
    if fresh:
        dbbuild.reset(cluster.url(), cluster.admin_url)
    print(cluster.url())
    return 0


def run_demo(_: argparse.Namespace) -> int:
    demo.run(_local_cluster())
    return 0


def db_down(_: argparse.Namespace) -> int:
    _local_cluster().stop()
    return 0


def db_url(_: argparse.Namespace) -> int:
    cluster = _local_cluster()
    if not cluster.is_running():
        print("the local database is not running: run `make db-up`", file=sys.stderr)
        return 1
    print(cluster.url())
    return 0


def db_reset(args: argparse.Namespace) -> int:
    database_url = args.database_url or os.environ.get("DATABASE_URL")
    admin_url = args.admin_url or os.environ.get("ADMIN_DATABASE_URL")
    if not database_url:
        cluster = _local_cluster()
        cluster.start()
        database_url, admin_url = cluster.url(), cluster.admin_url
    dbbuild.reset(database_url, admin_url, seed=not args.no_seed)
    print(f"rebuilt {_redact(database_url)} from {len(dbbuild.migrations())} migrations")
    return 0


def _redact(url: str) -> str:
    """Hide a password in a connection URL before printing it."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else url


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gigflow", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("demo", help="build the local database and search it").set_defaults(
        handler=run_demo
    )
    db = commands.add_parser("db", help="the database").add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("up", help="start the persistent local cluster and print its URL").set_defaults(
        handler=db_up
    )
    db.add_parser("down", help="stop the persistent local cluster").set_defaults(handler=db_down)
    db.add_parser("url", help="print the local cluster's URL").set_defaults(handler=db_url)
    reset = db.add_parser("reset", help="rebuild a database from the migrations and the seed")
    reset.add_argument(
        "--database-url", help="target database (default: $DATABASE_URL, else local)"
    )
    reset.add_argument(
        "--admin-url",
        help="superuser URL for the local platform stand-in (default: $ADMIN_DATABASE_URL,"
        " else the target URL); unused when the database already has the platform",
    )
    reset.add_argument("--no-seed", action="store_true", help="skip supabase/seed.sql")
    reset.set_defaults(handler=db_reset)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
