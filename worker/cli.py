"""The `gigflow` command.

`serve`, `timers`, `reconcile`, `webhooks` and `secrets` are what production runs; they
import only the worker. The development commands (`db`, `demo`, `whop-emulator`) import
`devstack`, `demo` and `whop_emulator` inside their handlers, so a deployed worker never
loads them (tests/py/test_package_layout.py holds that).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import sys
import threading

import uvicorn

from worker import inbox, logs, reconcile, runtime, secretbox, stored_secrets, webhook_setup
from worker.app import create_app
from worker.deps import Services
from worker.settings import Settings, SettingsError, load_settings


def db_up(_: argparse.Namespace) -> int:
    from devstack import dbbuild

    cluster = dbbuild.local_cluster()
    fresh = not cluster.is_initialized()
    cluster.start()
    if fresh:
        dbbuild.reset(cluster.url(), cluster.admin_url)
    print(cluster.url())
    return 0


def _settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        raise SystemExit(2) from None


def serve(args: argparse.Namespace) -> int:
    settings = _settings_or_exit()
    services = _services_or_exit()
    app = create_app(
        services, cors_origins=settings.cors_origins, opentelemetry=settings.opentelemetry
    )
    # What start-up built (modules, the app, its models) lives as long as the process.
    # Left to the collector, every full collection walks all of it and holds the event
    # loop for tens of milliseconds (measured: p99 time to 2xx 115 ms at 1,000 webhooks
    # a second, 45 ms once frozen). Frozen before the background threads start, so
    # nothing they hold is kept from the collector.
    gc.collect()
    gc.freeze()
    stop, threads = runtime.start_background(services, settings)
    try:
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            log_config=None,
            access_log=settings.access_log,
        )
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    return 0


def timers(args: argparse.Namespace) -> int:
    settings = _settings_or_exit()
    logs.configure()
    db = runtime.database(settings)
    try:
        if args.once:
            print(json.dumps(runtime.run_timers_once(db)))
            return 0
        runtime.repeat(
            lambda: runtime.run_timers_once(db),
            every_seconds=settings.timers_interval_seconds,
            stop=threading.Event(),
            what="timers",
        )
    finally:
        db.close()
    return 0


def run_reconcile(args: argparse.Namespace) -> int:
    settings = _settings_or_exit()
    services = _services_or_exit()
    try:
        if args.loop:
            runtime.repeat(
                lambda: reconcile.reconcile_once(services.db, services.whop),
                every_seconds=settings.reconcile_interval_seconds,
                stop=threading.Event(),
                what="reconciliation",
            )
            return 0
        report = reconcile.reconcile_once(services.db, services.whop)
    finally:
        services.close()
    print(json.dumps(report.as_dict()))
    return 1 if report.errors else 0


def webhooks_replay(args: argparse.Namespace) -> int:
    settings = _settings_or_exit()
    logs.configure()
    db = runtime.database(settings)
    try:
        requeued = db.rpc("requeue_whop_events", {"event_ids": args.ids or None})
        outcomes = inbox.process_due(db, limit=max(requeued, 1))
    finally:
        db.close()
    print(json.dumps({"requeued": requeued, **outcomes}))
    return 0 if not outcomes.get("failed") else 1


def whop_emulator(args: argparse.Namespace) -> int:
    """Serve the offline Whop on a port; it signs webhooks with the worker's secret."""
    from whop_emulator import WhopEmulator

    api_key = args.api_key or os.environ.get("GIGFLOW_WHOP_API_KEY")
    secret = args.webhook_secret or os.environ.get("GIGFLOW_WHOP_WEBHOOK_SECRET")
    if not api_key or not secret:
        print(
            "set GIGFLOW_WHOP_API_KEY and GIGFLOW_WHOP_WEBHOOK_SECRET (or --api-key and"
            " --webhook-secret): the worker must use the same ones",
            file=sys.stderr,
        )
        return 2
    logs.configure()
    emulator = WhopEmulator(
        api_key=api_key,
        webhook_secret=secret,
        platform_company_id=args.platform_company_id
        or os.environ.get("GIGFLOW_WHOP_PLATFORM_COMPANY_ID", "biz_gigflowplatform"),
        webhook_url=args.webhook_url,
        public_url=f"http://{args.host}:{args.port}",
    )
    print(
        f"Whop emulator: API at http://{args.host}:{args.port}/api/v1, platform company"
        f" {emulator.platform_company_id}, webhooks to {args.webhook_url or 'nowhere'}"
    )
    uvicorn.run(emulator.app(), host=args.host, port=args.port, log_config=None)
    return 0


def _services_or_exit() -> Services:
    settings = _settings_or_exit()
    logs.configure()
    try:
        return runtime.build_services(settings)
    except SettingsError as error:
        print(error, file=sys.stderr)
        raise SystemExit(2) from None


def webhooks_ensure(args: argparse.Namespace) -> int:
    settings = _settings_or_exit()
    services = _services_or_exit()
    try:
        print(
            f"Whop API key {settings.masked_whop_api_key()},"
            f" company {settings.whop_platform_company_id}"
        )
        ensured = webhook_setup.ensure(
            services.db,
            services.whop,
            services.secret_box(),
            url=args.url,
            company_id=settings.whop_platform_company_id,
        )
    finally:
        services.close()
    state = "created" if ensured.created else "already in place"
    print(f"webhook {ensured.webhook_id} {state}: {args.url} (secret stored encrypted)")
    return 0


def webhooks_remove(args: argparse.Namespace) -> int:
    settings = _settings_or_exit()
    services = _services_or_exit()
    try:
        print(f"Whop API key {settings.masked_whop_api_key()}")
        removed = webhook_setup.remove(services.db, services.whop, url=args.url)
    finally:
        services.close()
    print(f"removed {len(removed)} webhook(s): {', '.join(removed) or 'none stored'}")
    return 0


def secrets_rotate(_: argparse.Namespace) -> int:
    services = _services_or_exit()
    try:
        rotated = stored_secrets.rotate_keys(services.db, services.secret_box())
    finally:
        services.close()
    print(f"re-encrypted {rotated} stored secret(s) under the first key")
    return 0


def secrets_new_key(_: argparse.Namespace) -> int:
    print(secretbox.new_key())
    return 0


def run_demo(_: argparse.Namespace) -> int:
    from demo import story
    from devstack import dbbuild

    story.run(dbbuild.local_cluster())
    return 0


def db_down(_: argparse.Namespace) -> int:
    from devstack import dbbuild

    dbbuild.local_cluster().stop()
    return 0


def db_url(_: argparse.Namespace) -> int:
    from devstack import dbbuild

    cluster = dbbuild.local_cluster()
    if not cluster.is_running():
        print("the local database is not running: run `make db-up`", file=sys.stderr)
        return 1
    print(cluster.url())
    return 0


def db_reset(args: argparse.Namespace) -> int:
    from devstack import dbbuild

    database_url = args.database_url or os.environ.get("DATABASE_URL")
    admin_url = args.admin_url or os.environ.get("ADMIN_DATABASE_URL")
    if not database_url:
        cluster = dbbuild.local_cluster()
        cluster.start()
        database_url, admin_url = cluster.url(), cluster.admin_url
    dbbuild.reset(database_url, admin_url, seed=not args.no_seed)
    print(f"rebuilt {_redact(database_url)} from {len(dbbuild.migrations())} migrations")
    return 0


def db_migration(args: argparse.Namespace) -> int:
    from devstack import dbbuild, schema_changes

    if not re.fullmatch(schema_changes.MIGRATION_NAME, args.name):
        print("NAME: lowercase words joined by _ (e.g. add_gig_slugs)", file=sys.stderr)
        return 2
    written = schema_changes.new_migration(args.name)
    if written is None:
        print("the sources and the migrations agree: nothing to migrate")
        return 0
    print(f"wrote {written.relative_to(dbbuild.REPO)}: review it, then `make migrations-lock`")
    return 0


def db_lock_migrations(_: argparse.Namespace) -> int:
    from devstack import schema_changes

    try:
        added = schema_changes.lock_new_migrations()
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    for name in added:
        print(f"recorded {name}")
    if not added:
        print("every migration is already recorded")
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

    commands.add_parser("demo", help="the whole marketplace story, offline").set_defaults(
        handler=run_demo
    )
    serve_parser = commands.add_parser("serve", help="run the HTTP API, the inbox and the timers")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.set_defaults(handler=serve)

    timers_parser = commands.add_parser("timers", help="run due order timers on an interval")
    timers_parser.add_argument("--once", action="store_true", help="one pass, print what it did")
    timers_parser.set_defaults(handler=timers)

    reconcile_parser = commands.add_parser(
        "reconcile", help="ask Whop about everything still waiting on it and apply the answers"
    )
    reconcile_parser.add_argument(
        "--loop", action="store_true", help="keep going every GIGFLOW_RECONCILE_INTERVAL_SECONDS"
    )
    reconcile_parser.set_defaults(handler=run_reconcile)

    webhook_commands = commands.add_parser(
        "webhooks", help="the Whop webhook inbox"
    ).add_subparsers(dest="webhooks_command", required=True)
    replay = webhook_commands.add_parser(
        "replay", help="reprocess stored events: every failed or waiting one, or those named"
    )
    replay.add_argument(
        "--failed", action="store_true", help="every failed or waiting event (default)"
    )
    replay.add_argument("--id", dest="ids", type=int, action="append", help="an inbox event id")
    replay.set_defaults(handler=webhooks_replay)
    ensure = webhook_commands.add_parser(
        "ensure", help="create (or find) the platform's Whop webhook and store its secret"
    )
    ensure.add_argument("--url", required=True, help="the worker's public /webhooks/whop URL")
    ensure.set_defaults(handler=webhooks_ensure)
    remove = webhook_commands.add_parser("remove", help="delete the platform's Whop webhook(s)")
    remove.add_argument("--url", help="only the one with this URL")
    remove.set_defaults(handler=webhooks_remove)

    secret_commands = commands.add_parser(
        "secrets", help="the keys of the secrets stored in the database"
    ).add_subparsers(dest="secrets_command", required=True)
    secret_commands.add_parser(
        "rotate",
        help="re-encrypt every stored secret under the first GIGFLOW_TOKEN_ENCRYPTION_KEYS key",
    ).set_defaults(handler=secrets_rotate)
    secret_commands.add_parser("new-key", help="print a new encryption key").set_defaults(
        handler=secrets_new_key
    )

    emulator_parser = commands.add_parser(
        "whop-emulator", help="serve the offline Whop API emulator (signed webhooks included)"
    )
    emulator_parser.add_argument("--host", default="127.0.0.1")
    emulator_parser.add_argument("--port", type=int, default=8787)
    emulator_parser.add_argument(
        "--webhook-url", help="where to send webhooks, e.g. http://127.0.0.1:8000/webhooks/whop"
    )
    emulator_parser.add_argument("--api-key", help="default: $GIGFLOW_WHOP_API_KEY")
    emulator_parser.add_argument("--webhook-secret", help="default: $GIGFLOW_WHOP_WEBHOOK_SECRET")
    emulator_parser.add_argument(
        "--platform-company-id", help="default: $GIGFLOW_WHOP_PLATFORM_COMPANY_ID"
    )
    emulator_parser.set_defaults(handler=whop_emulator)

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
    migration = db.add_parser(
        "migration", help="write what the sources changed as a new migration, for review"
    )
    migration.add_argument("name", help="what the change does, as lowercase_words")
    migration.set_defaults(handler=db_migration)
    db.add_parser(
        "lock-migrations", help="record the checksums of new migrations in the manifest"
    ).set_defaults(handler=db_lock_migrations)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
