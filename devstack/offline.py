"""The whole system on one machine, offline: the real worker app and the Whop emulator on
real sockets, wired to each other and to a database built from the migrations. The demo
and the end-to-end tests drive GigFlow through it exactly as a frontend and Whop would:
HTTP to the worker with a user's access token, RPCs under that user's identity."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any, TypeVar

import httpx
import psycopg
from psycopg.rows import dict_row
from supabase_auth import SyncGoTrueClient

from devstack import localauth
from devstack.serving import BackgroundServer, free_port
from whop_emulator import WhopEmulator
from worker import runtime
from worker.app import create_app
from worker.db import Identity, Result, user_identity
from worker.deps import Services
from worker.secretbox import new_key
from worker.settings import Settings

T = TypeVar("T")


@dataclass(frozen=True)
class Actor:
    """A signed-up user with a fresh access token, as a frontend holds one."""

    name: str
    user_id: str
    email: str
    token: str
    app_metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def claims(self) -> dict[str, Any]:
        return {
            "sub": self.user_id,
            "role": "authenticated",
            "email": self.email,
            "app_metadata": self.app_metadata,
        }

    @property
    def identity(self) -> Identity:
        return user_identity(self.claims, self.token)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


# Whop's payout-account status for each of our KYC states.
PAYOUT_STATUS_OF_KYC = {
    "verified": "connected",
    "pending": "pending_verification",
    "failed": "verification_failed",
    "unstarted": "not_started",
}


# The frontend's pages a browser returns to when a Whop OAuth flow ends (nothing serves
# them here: a browser's last stop is the redirect to one).
FRONTEND = "http://127.0.0.1:3000"
OAUTH_DONE_URL = f"{FRONTEND}/whop/done"
OAUTH_ERROR_URL = f"{FRONTEND}/whop/error"


class Browser:
    """One person's browser talking to the worker: it keeps the cookies the worker sets
    and sends them back (as a browser does for http://127.0.0.1, a secure context even
    for `Secure` cookies), and follows no redirect by itself."""

    def __init__(self, worker_url: str) -> None:
        self._http = httpx.Client(base_url=worker_url, timeout=20, follow_redirects=False)
        self._worker = httpx.URL(worker_url)
        self.cookies: dict[str, str] = {}

    def close(self) -> None:
        self._http.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        actor: Actor | None = None,
        json_body: object = None,
    ) -> httpx.Response:
        target = httpx.URL(url)
        if target.is_absolute_url and (target.host, target.port) != (
            self._worker.host,
            self._worker.port,
        ):
            raise ValueError(f"this browser only visits the worker, not {url}")
        headers = dict(actor.headers) if actor else {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self._http.request(method, url, headers=headers, json=json_body)
        for header in response.headers.get_list("set-cookie"):
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def start_linking(self, actor: Actor) -> str:
        """The signed-in user clicks "Link Whop": the authorize URL to go to."""
        started = self.request("POST", "/oauth/whop/start", actor=actor)
        if started.status_code != 200:
            raise RuntimeError(f"starting to link answered {started.status_code}: {started.text}")
        return str(started.json()["authorize_url"])

    def start_sign_in(self) -> str:
        """A visitor clicks "Continue with Whop": where the worker sends them."""
        started = self.request("GET", "/oauth/whop/sign-in")
        if started.status_code != 303:
            raise RuntimeError(f"signing in answered {started.status_code}: {started.text}")
        return started.headers["location"]

    def land(self, url: str) -> httpx.URL:
        """The browser follows Whop's redirect back to the worker: the frontend page the
        worker sends it on to."""
        landed = self.request("GET", url)
        if landed.status_code != 303:
            raise RuntimeError(f"the callback answered {landed.status_code}: {landed.text}")
        return httpx.URL(landed.headers["location"])


class OfflineStack:
    def __init__(
        self, database_url: str, gotrue_url: str, *, inbox_poll_seconds: float = 0.2
    ) -> None:
        self.database_url = database_url
        self.gotrue_url = gotrue_url
        self.jwt_secret = secrets.token_urlsafe(32)
        self.anon_key = localauth.api_key(self.jwt_secret, "anon")
        self.service_role_key = localauth.api_key(self.jwt_secret, "service_role")
        self.emulator = WhopEmulator(
            api_key="apik_" + secrets.token_urlsafe(24),
            webhook_secret="ws_" + secrets.token_urlsafe(24),
        )
        self._emulator_server = BackgroundServer(self.emulator.app())
        # Supabase Auth's stand-in, writing auth.users as GoTrue does (gotrue_url).
        self.auth = localauth.LocalAuth(gotrue_url, self.jwt_secret, site_url=FRONTEND)
        self._auth_server = BackgroundServer(self.auth.app())
        self._browsers: list[Browser] = []
        self.encryption_key = new_key()
        self._inbox_poll_seconds = inbox_poll_seconds
        self._stop_background: threading.Event | None = None
        self._threads: list[threading.Thread] = []

    def start(self) -> OfflineStack:
        self._emulator_server.start()
        self.emulator.public_url = self._emulator_server.url
        self._auth_server.start()
        self.auth.public_url = self._auth_server.url
        self._adopt_linked_companies()
        worker_port = free_port()
        worker_url = f"http://127.0.0.1:{worker_port}"
        self.settings = Settings(
            # The stand-in's storage holds no bytes: files are removed from its tables.
            environment="development",
            database_url=self.database_url,
            token_encryption_keys=self.encryption_key,
            whop_oauth_client_id=self.emulator.oauth_client_id,
            whop_oauth_client_secret=self.emulator.oauth_client_secret,
            whop_oauth_redirect_uri=f"{worker_url}/oauth/whop/callback",
            whop_oauth_base_url=self._emulator_server.url,
            oauth_done_url=OAUTH_DONE_URL,
            oauth_error_url=OAUTH_ERROR_URL,
            # Supabase Auth's admin API (signing in with Whop); no Storage API here.
            supabase_auth_url=f"{self._auth_server.url}/auth/v1",
            supabase_service_role_key=self.service_role_key,
            jwt_secret=self.jwt_secret,
            whop_api_key=self.emulator.api_key,
            whop_api_base_url=f"{self._emulator_server.url}/api/v1",
            whop_platform_company_id=self.emulator.platform_company_id,
            whop_webhook_secret=self.emulator.webhook_secret,
            checkout_redirect_url="http://127.0.0.1:3000/orders/return",
            inbox_poll_seconds=self._inbox_poll_seconds,
            timers_interval_seconds=5,
        )
        self.services: Services = runtime.build_services(self.settings)
        self._worker_server = BackgroundServer(create_app(self.services), port=worker_port).start()
        self.emulator.webhook_url = f"{self._worker_server.url}/webhooks/whop"
        self._stop_background, self._threads = runtime.start_background(
            self.services, self.settings
        )
        self.http = httpx.Client(base_url=self._worker_server.url, timeout=20)
        return self

    def stop(self) -> None:
        if self._stop_background is not None:
            self._stop_background.set()
            for thread in self._threads:
                thread.join(timeout=10)
        self.http.close()
        for browser in self._browsers:
            browser.close()
        self._worker_server.stop()
        self._auth_server.stop()
        self._emulator_server.stop()

    def __enter__(self) -> OfflineStack:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def worker_url(self) -> str:
        return self._worker_server.url

    # Users.

    def sign_up(self, username: str, display_name: str, *, admin: bool = False) -> Actor:
        """A new user; an admin's role is set in app_metadata, as the service role would."""
        email = f"{username}@example.test"
        user_id = localauth.sign_up(self.gotrue_url, email, username, display_name)
        app_metadata = {"user_role": "admin"} if admin else {}
        token = localauth.access_token(self.jwt_secret, user_id, email, app_metadata=app_metadata)
        return Actor(display_name, user_id, email, token, app_metadata)

    def browser(self) -> Browser:
        """A new browser, with no cookies yet."""
        opened = Browser(self.worker_url)
        self._browsers.append(opened)
        return opened

    def verify_magic_link(self, token_hash: str) -> Actor:
        """What the frontend does with a sign-in's token hash: `supabase.auth.verifyOtp({
        type: 'magiclink', token_hash })`, through supabase-py's own client, against the
        Auth stand-in; the signed-in user, holding the session's access token."""
        with httpx.Client(timeout=10) as http:
            client = SyncGoTrueClient(
                url=f"{self.auth.public_url}/auth/v1",
                headers={"apikey": self.anon_key},
                http_client=http,
                persist_session=False,
                auto_refresh_token=False,
            )
            session = client.verify_otp({"type": "magiclink", "token_hash": token_hash}).session
        if session is None:
            raise RuntimeError("verifying the magic link gave no session")
        user = session.user
        return Actor(
            str(user.user_metadata.get("display_name") or user.email),
            user.id,
            user.email or "",
            session.access_token,
            dict(user.app_metadata),
        )

    def rpc(self, actor: Actor, function: str, args: dict[str, Any] | None = None) -> Result:
        """An RPC as the frontend makes it: PostgREST's role and claims for this user."""
        return self.services.db.rpc(function, args or {}, identity=actor.identity)

    def _connect(self) -> psycopg.Connection[dict[str, Any]]:
        """Like the worker's, it prepares nothing: the URL may be a pooler's."""
        return psycopg.connect(self.database_url, row_factory=dict_row, prepare_threshold=None)

    @contextmanager
    def as_user(self, actor: Actor) -> Iterator[psycopg.Connection[dict[str, Any]]]:
        """A transaction as PostgREST opens one for this user's table reads and writes."""
        with self._connect() as conn, conn.transaction():
            conn.execute("set local role authenticated")
            conn.execute(
                "select set_config('request.jwt.claims', %s, true)", (json.dumps(actor.claims),)
            )
            yield conn

    def create_gig(
        self,
        seller: Actor,
        title: str,
        *,
        packages: dict[str, int],
        extras: dict[str, int] | None = None,
        questions: tuple[str, ...] = (),
        category: str = "graphics-design",
    ) -> str:
        """A draft gig with its packages (tier -> price in cents), extras and brief, written
        by the seller through the tables under RLS, as a frontend writes it."""
        with self.as_user(seller) as conn:
            row = conn.execute(
                "insert into public.gigs (category_id, title, description)"
                " select id, %s, 'Made in the GigFlow demo.' from public.categories"
                " where slug = %s returning id",
                (title, category),
            ).fetchone()
            gig_id = str(row["id"]) if row else ""
            for position, (tier, cents) in enumerate(packages.items()):
                conn.execute(
                    "insert into public.gig_packages (gig_id, tier, title, price_cents, currency,"
                    " delivery_days, revisions_included) values (%s, %s, %s, %s, 'USD', %s, 2)",
                    (gig_id, tier, tier.title(), cents, 3 + position),
                )
            for name, cents in (extras or {}).items():
                conn.execute(
                    "insert into public.gig_extras (gig_id, title, price_cents, currency,"
                    " extra_delivery_days, max_quantity) values (%s, %s, %s, 'USD', 1, 1)",
                    (gig_id, name, cents),
                )
            for question in questions:
                conn.execute(
                    "insert into public.gig_requirements (gig_id, question) values (%s, %s)",
                    (gig_id, question),
                )
        return gig_id

    def upload(self, actor: Actor, path: str, *, size: int, mime_type: str) -> None:
        """Upload to order-files as the Storage API records it: as the user, under RLS."""
        with self.as_user(actor) as conn:
            conn.execute(
                "insert into storage.objects (bucket_id, name, owner, owner_id, metadata)"
                " values ('order-files', %s, %s, %s, %s)",
                (
                    path,
                    actor.user_id,
                    actor.user_id,
                    json.dumps({"size": size, "mimetype": mime_type}),
                ),
            )

    def can_download(self, actor: Actor, path: str) -> bool:
        """What the Storage API asks before serving a file or signing its URL."""
        with self.as_user(actor) as conn:
            found = conn.execute(
                "select 1 from storage.objects where bucket_id = 'order-files' and name = %s",
                (path,),
            ).fetchone()
        return found is not None

    def search_as_anon(self, arguments: dict[str, Any]) -> list[dict[str, Any]]:
        """search_gigs as a visitor's browser calls it: role anon, no user."""
        named = ", ".join(f"{name} => %({name})s" for name in arguments)
        with self._connect() as conn, conn.transaction():
            conn.execute("set local role anon")
            conn.execute("select set_config('request.jwt.claims', '{\"role\": \"anon\"}', true)")
            return conn.execute(f"select * from public.search_gigs({named})", arguments).fetchall()

    def _adopt_linked_companies(self) -> None:
        """Sellers the database already links to Whop (the seed's) have their companies
        at the emulator too, so reconciliation can ask Whop about them."""
        linked = self.sql(
            "select s.whop_company_id, p.username, s.kyc_status::text as kyc_status"
            " from public.seller_accounts as s join public.profiles as p on p.id = s.user_id"
            " where s.whop_company_id is not null"
        )
        for seller in linked:
            self.emulator.adopt_company(
                seller["whop_company_id"],
                seller["username"],
                PAYOUT_STATUS_OF_KYC[seller["kyc_status"]],
            )

    def sql(self, query: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """Read as the service (operators' view; never used to change state)."""
        with self._connect() as conn:
            return conn.execute(query, params).fetchall()


def wait_for(check: Callable[[], T | None], what: str, timeout_seconds: float = 15.0) -> T:
    """Poll until `check` returns something truthy: asynchronous effects (webhook
    processing after the 2xx) take a moment."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.05)
