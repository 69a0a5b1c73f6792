"""Wiring: services from settings, and the background loops `gigflow serve` runs beside
the HTTP API (inbox processing, timers, reconciliation with Whop, removing the files of
cancelled orders, opening order chats). Any number of worker
processes may run them: SQL claims events, timers and reconciliation work (SKIP LOCKED,
leases), so two never do the same work."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from worker import chat, errors, files, inbox, reconcile, refunds
from worker.auth import TokenVerifier
from worker.db import Database, PostgresDatabase, SupabaseDatabase
from worker.deps import Services
from worker.secretbox import SecretBox
from worker.settings import Settings, SettingsError
from worker.supabase_auth import AuthAdmin
from worker.webhook_signature import WebhookVerifier
from worker.whop.client import WhopClient
from worker.whop.oauth import WhopOAuth

log = logging.getLogger("gigflow.runtime")


def database(settings: Settings) -> Database:
    # Settings validation guarantees the URL and key for the supabase transport.
    if settings.database_transport == "supabase" and settings.supabase_service_role_key:
        return SupabaseDatabase(
            str(settings.supabase_url), settings.supabase_service_role_key.get_secret_value()
        )
    return PostgresDatabase(str(settings.database_url))


def file_store(settings: Settings) -> files.FileStore:
    # What is configured decides, not how the database is reached: a hosted project's
    # bytes go only with the Storage API. Settings validation allows no Storage API only
    # in development, where the transport is then the direct one.
    storage_api = settings.storage_api()
    if storage_api is not None:
        return files.SupabaseFileStore(*storage_api)
    return files.LocalFileStore(str(settings.database_url))


def stored_webhook_secrets(db: Database, box: SecretBox | None) -> list[str]:
    """Signing secrets of the webhooks `gigflow webhooks ensure` created."""
    endpoints = db.rpc("whop_webhook_endpoints")
    if endpoints and box is None:
        raise SettingsError(
            "GIGFLOW_TOKEN_ENCRYPTION_KEYS: needed to read the stored webhook secrets"
        )
    return [box.open(e["secret_ciphertext"]) for e in endpoints] if box else []


def build_services(settings: Settings) -> Services:
    db = database(settings)
    keys = settings.encryption_keys()
    box = SecretBox(keys) if keys else None
    webhook_secrets = stored_webhook_secrets(db, box)
    if settings.whop_webhook_secret is not None:
        webhook_secrets.insert(0, settings.whop_webhook_secret.get_secret_value())
    if not webhook_secrets:
        db.close()
        raise SettingsError(
            "GIGFLOW_WHOP_WEBHOOK_SECRET: required (or store one with `gigflow webhooks ensure`)"
        )
    oauth = None
    if settings.whop_oauth_client_id and settings.whop_oauth_client_secret:
        oauth = WhopOAuth(
            client_id=settings.whop_oauth_client_id,
            client_secret=settings.whop_oauth_client_secret.get_secret_value(),
            redirect_uri=str(settings.whop_oauth_redirect_uri),
            base_url=str(settings.whop_oauth_base_url),
            scopes=settings.whop_oauth_scopes,
        )
    auth_admin = settings.auth_admin()
    return Services(
        db=db,
        tokens=TokenVerifier(
            secret=settings.jwt_secret.get_secret_value() if settings.jwt_secret else None,
            jwks_url=str(settings.jwks_url) if settings.jwks_url else None,
            audience=settings.jwt_audience,
        ),
        webhooks=WebhookVerifier(webhook_secrets),
        whop=WhopClient(
            settings.whop_api_key.get_secret_value(), base_url=str(settings.whop_api_base_url)
        ),
        whop_platform_company_id=settings.whop_platform_company_id,
        files=file_store(settings),
        checkout_redirect_url=(
            str(settings.checkout_redirect_url) if settings.checkout_redirect_url else None
        ),
        secrets=box,
        oauth=oauth,
        oauth_done_url=str(settings.oauth_done_url) if settings.oauth_done_url else None,
        oauth_error_url=str(settings.oauth_error_url) if settings.oauth_error_url else None,
        auth_admin=AuthAdmin(*auth_admin) if auth_admin else None,
    )


def run_timers_once(db: Database) -> dict[str, int]:
    done: dict[str, int] = db.rpc("run_due_timers")
    if any(done.values()):
        log.info("timers applied", extra=done)
    return done


def repeat(
    work: Callable[[], object], *, every_seconds: float, stop: threading.Event, what: str
) -> None:
    """Run `work` until `stop` is set; a failed pass is logged and retried next interval."""
    while not stop.is_set():
        try:
            work()
        except errors.GigflowError:
            log.exception("%s failed; trying again next interval", what)
        stop.wait(every_seconds)


def start_background(
    services: Services, settings: Settings
) -> tuple[threading.Event, list[threading.Thread]]:
    stop = threading.Event()
    db = services.db
    periodic: dict[str, tuple[Callable[[], object], float]] = {
        "timers": (lambda: run_timers_once(db), settings.timers_interval_seconds),
        "files": (
            lambda: files.remove_cancelled_order_files(db, services.files),
            settings.timers_interval_seconds,
        ),
        "refunds": (
            lambda: refunds.submit_refunds(db, services.whop),
            settings.timers_interval_seconds,
        ),
        "reconcile": (
            lambda: reconcile.reconcile_once(db, services.whop),
            settings.reconcile_interval_seconds,
        ),
        # Order chats wanted since the last pass (a payment, a party linking Whop): a
        # cheap look at a small work list, as often as the inbox.
        "chat": (lambda: chat.open_channels(services), settings.inbox_poll_seconds),
    }
    threads = [
        threading.Thread(
            target=inbox.run,
            kwargs={"db": db, "poll_seconds": settings.inbox_poll_seconds, "stop": stop},
            name="gigflow-inbox",
            daemon=True,
        )
    ]
    threads += [
        threading.Thread(
            target=repeat,
            args=(work,),
            kwargs={"every_seconds": every, "stop": stop, "what": name},
            name=f"gigflow-{name}",
            daemon=True,
        )
        for name, (work, every) in periodic.items()
    ]
    for thread in threads:
        thread.start()
    return stop, threads
