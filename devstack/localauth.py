"""A local stand-in for Supabase Auth (GoTrue), for what local runs need of it:

- `sign_up` and `access_token`: a user written the way GoTrue writes `auth.users` (as
  `supabase_auth_admin`, whose search_path is `auth`, so the project's definer trigger
  makes the profile), and the HS256 access token GoTrue would issue for them;
- `LocalAuth`: an ASGI app serving, under `/auth/v1`, the endpoints signing in with Whop
  uses, with GoTrue's request and response shapes (supabase/auth: internal/api/admin.go,
  mail.go, verify.go; internal/models): `POST /admin/users`, `GET` and `DELETE
  /admin/users/{id}`, `POST /admin/generate_link` (magic links) and `POST /verify` (what
  `supabase.auth.verifyOtp({ type: 'magiclink', token_hash })` calls), which answers with
  a session signed with the project's JWT secret.

Admin endpoints want a service-role JWT, as GoTrue does (`JWT_ADMIN_ROLES`); every
endpoint wants an `apikey` (the API gateway's check). A request that says
`X-Supabase-Api-Version: 2024-01-01` (supabase-py and supabase-js do) gets errors as
`{code, message}`, others as `{code, error_code, msg}`. Only e-mail users: no phone, no
password sign-in, no MFA."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import jwt
import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from psycopg.rows import dict_row

API_VERSION_HEADER = "x-supabase-api-version"
API_VERSION_2024 = "2024-01-01"
ADMIN_ROLES = ("service_role", "supabase_admin")
INSTANCE_ID = "00000000-0000-0000-0000-000000000000"
DUPLICATE_EMAIL = "A user with this email address has already been registered"
LINK_EXPIRED = "Email link is invalid or has expired"
RECOVERY = "recovery_token"
Json = dict[str, Any]


def sign_up(gotrue_url: str, email: str, username: str, display_name: str) -> str:
    """A new user, as GoTrue inserts one; the definer trigger makes the profile."""
    user_id = str(uuid.uuid4())
    with psycopg.connect(gotrue_url, autocommit=True) as conn:
        conn.execute(
            "insert into users (id, aud, role, email, raw_user_meta_data, raw_app_meta_data,"
            " created_at, updated_at) values (%s, 'authenticated', 'authenticated', %s, %s, %s,"
            " now(), now())",
            (
                user_id,
                email,
                json.dumps({"username": username, "display_name": display_name}),
                json.dumps({"provider": "email", "providers": ["email"]}),
            ),
        )
    return user_id


def access_token(
    jwt_secret: str,
    user_id: str,
    email: str,
    *,
    app_metadata: dict[str, Any] | None = None,
    lifetime_seconds: int = 3600,
) -> str:
    now = int(time.time())
    claims = {
        "sub": user_id,
        "aud": "authenticated",
        "role": "authenticated",
        "email": email,
        "iat": now,
        "exp": now + lifetime_seconds,
        "app_metadata": {"provider": "email", **(app_metadata or {})},
        "user_metadata": {},
    }
    return jwt.encode(claims, jwt_secret, algorithm="HS256")


def api_key(jwt_secret: str, role: str, *, lifetime_seconds: int = 10 * 365 * 86400) -> str:
    """A project API key as Supabase makes them (legacy JWT keys): `anon` or `service_role`."""
    now = int(time.time())
    claims = {"iss": "supabase", "role": role, "iat": now, "exp": now + lifetime_seconds}
    return jwt.encode(claims, jwt_secret, algorithm="HS256")


class AuthRefusal(Exception):
    """What GoTrue answers with an HTTP error: its status, error code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _token_hash(email: str, otp: str) -> str:
    """GoTrue's crypto.GenerateTokenHash: SHA-224 over the e-mail and the OTP, hex."""
    return hashlib.sha224((email + otp).encode()).hexdigest()


class LocalAuth:
    """GoTrue's admin, magic-link and verify endpoints over the stand-in's `auth` tables."""

    def __init__(
        self,
        database_url: str,
        jwt_secret: str,
        *,
        public_url: str = "http://127.0.0.1:9999",
        site_url: str = "http://127.0.0.1:3000",
        otp_lifetime_seconds: int = 3600,
        jwt_lifetime_seconds: int = 3600,
    ) -> None:
        self.database_url = database_url
        self.jwt_secret = jwt_secret
        # Where the app is served (the project URL): the base of action links and `iss`.
        self.public_url = public_url
        self.site_url = site_url
        self.otp_lifetime_seconds = otp_lifetime_seconds
        self.jwt_lifetime_seconds = jwt_lifetime_seconds

    # The app.

    def app(self) -> FastAPI:
        app = FastAPI(title="Supabase Auth stand-in (GigFlow)", docs_url=None, redoc_url=None)

        @app.exception_handler(AuthRefusal)
        async def refused(request: Request, error: AuthRefusal) -> JSONResponse:
            if request.headers.get(API_VERSION_HEADER) == API_VERSION_2024:
                return JSONResponse(
                    {"code": error.code, "message": error.message},
                    status_code=error.status,
                    headers={API_VERSION_HEADER: API_VERSION_2024, "x-sb-error-code": error.code},
                )
            return JSONResponse(
                {"code": error.status, "error_code": error.code, "msg": error.message},
                status_code=error.status,
                headers={"x-sb-error-code": error.code},
            )

        @app.post("/auth/v1/admin/users")
        async def create_user(request: Request) -> JSONResponse:
            self._require_admin(request)
            return JSONResponse(self.create_user(await _json(request)))

        @app.get("/auth/v1/admin/users/{user_id}")
        def get_user(user_id: str, request: Request) -> JSONResponse:
            self._require_admin(request)
            with self._transaction() as conn:
                return JSONResponse(self._user_json(conn, self._user(conn, user_id)))

        @app.delete("/auth/v1/admin/users/{user_id}")
        def delete_user(user_id: str, request: Request) -> JSONResponse:
            self._require_admin(request)
            with self._transaction() as conn:
                self._user(conn, user_id)
                conn.execute("delete from users where id = %s", (user_id,))
            return JSONResponse({})

        @app.post("/auth/v1/admin/generate_link")
        async def generate_link(request: Request) -> JSONResponse:
            self._require_admin(request)
            params = await _json(request)
            redirect_to = params.get("redirect_to") or request.query_params.get("redirect_to")
            return JSONResponse(self.generate_link(params, redirect_to))

        @app.post("/auth/v1/verify")
        async def verify(request: Request) -> JSONResponse:
            self._require_api_key(request)
            return JSONResponse(self.verify(await _json(request)))

        return app

    # What the endpoints do, as GoTrue does it.

    def create_user(self, params: Json) -> Json:
        """adminUserCreate: the user, their e-mail identity, confirmed if asked."""
        email = self._valid_email(params.get("email"))
        if params.get("phone"):
            raise AuthRefusal(400, "validation_failed", "phone users are not part of this stand-in")
        user_id = str(uuid.uuid4())
        with self._transaction() as conn:
            if conn.execute(
                "select 1 from users where lower(email) = lower(%s) and aud = 'authenticated'"
                " and not is_sso_user",
                (email,),
            ).fetchone():
                raise AuthRefusal(422, "email_exists", DUPLICATE_EMAIL)
            self._insert_user(conn, user_id, email, params.get("user_metadata") or {})
            if isinstance(params.get("app_metadata"), dict):
                conn.execute(
                    "update users set raw_app_meta_data = raw_app_meta_data || %s where id = %s",
                    (json.dumps(params["app_metadata"]), user_id),
                )
            if params.get("email_confirm") is True:
                self._confirm(conn, user_id)
            return self._user_json(conn, self._user(conn, user_id))

    def generate_link(self, params: Json, redirect_to: str | None) -> Json:
        """adminGenerateLink for magic links and recovery: a recovery token for the user
        with the e-mail (a magic link for an unknown e-mail signs them up, unconfirmed)."""
        kind = params.get("type")
        email = self._valid_email(params.get("email"))
        if kind not in ("magiclink", "recovery"):
            raise AuthRefusal(
                400, "validation_failed", f"Invalid email action link type requested: {kind}"
            )
        otp = f"{secrets.randbelow(10**6):06d}"
        hashed = _token_hash(email, otp)
        with self._transaction() as conn:
            found = conn.execute(
                "select id from users where lower(email) = lower(%s) and aud = 'authenticated'",
                (email,),
            ).fetchone()
            if found is None and kind == "recovery":
                raise AuthRefusal(404, "user_not_found", "User with this email not found")
            if found is None:
                kind, user_id = "signup", str(uuid.uuid4())
                self._insert_user(conn, user_id, email, params.get("data") or {})
                self._one_time_token(conn, user_id, email, hashed, "confirmation_token")
                conn.execute(
                    "update users set confirmation_token = %s, confirmation_sent_at = now()"
                    " where id = %s",
                    (hashed, user_id),
                )
            else:
                user_id = str(found["id"])
                self._one_time_token(conn, user_id, email, hashed, "recovery_token")
                conn.execute(
                    "update users set recovery_token = %s, recovery_sent_at = now() where id = %s",
                    (hashed, user_id),
                )
            user = self._user_json(conn, self._user(conn, user_id))
        referrer = redirect_to or self.site_url
        action_link = (
            f"{self.public_url}/auth/v1/verify?token={hashed}&type={kind}&redirect_to={referrer}"
        )
        return {
            **user,
            "action_link": action_link,
            "email_otp": otp,
            "hashed_token": hashed,
            "verification_type": kind,
            "redirect_to": referrer,
        }

    def verify(self, params: Json) -> Json:
        """verifyPost with a token hash: the one-time token used up, the user confirmed
        if they were not (GoTrue's recoverVerify does so for a magic link), signed in."""
        kind = params.get("type")
        token_hash = params.get("token_hash")
        if not kind:
            raise AuthRefusal(400, "validation_failed", "Verify requires a verification type")
        if not token_hash and params.get("token") and params.get("email"):
            token_hash = _token_hash(str(params["email"]), str(params["token"]))
        if not isinstance(token_hash, str) or not token_hash:
            raise AuthRefusal(
                400, "validation_failed", "Verify requires either a token or a token hash"
            )
        token_types = {
            "magiclink": ("recovery_token",),
            "recovery": ("recovery_token",),
            "signup": ("confirmation_token",),
            "invite": ("confirmation_token",),
            "email": ("confirmation_token", "recovery_token"),
        }.get(str(kind))
        if token_types is None:
            raise AuthRefusal(400, "validation_failed", "Invalid email verification type")
        with self._transaction() as conn:
            token = conn.execute(
                "select user_id, token_type::text from one_time_tokens"
                " where token_hash = %s and token_type::text = any(%s)",
                (token_hash, list(token_types)),
            ).fetchone()
            if token is None:
                raise AuthRefusal(403, "otp_expired", LINK_EXPIRED)
            user = self._user(conn, str(token["user_id"]))
            if user["banned_until"] and user["banned_until"] > datetime.now(UTC):
                raise AuthRefusal(403, "user_banned", "User is banned")
            sent_at = (
                user["recovery_sent_at"]
                if token["token_type"] == RECOVERY
                else user["confirmation_sent_at"]
            )
            if sent_at is None or time.time() - sent_at.timestamp() > self.otp_lifetime_seconds:
                raise AuthRefusal(403, "otp_expired", LINK_EXPIRED)
            user_id = str(user["id"])
            conn.execute(
                "update users set recovery_token = '', confirmation_token = '' where id = %s",
                (user_id,),
            )
            conn.execute("delete from one_time_tokens where user_id = %s", (user_id,))
            if user["email_confirmed_at"] is None:
                self._confirm(conn, user_id)
            conn.execute(
                "update users set raw_app_meta_data = raw_app_meta_data || jsonb_build_object("
                "'providers', (select coalesce(jsonb_agg(distinct i.provider), '[]')"
                " from identities as i where i.user_id = users.id)),"
                " last_sign_in_at = now(), updated_at = now() where id = %s",
                (user_id,),
            )
            return self._session(conn, self._user(conn, user_id))

    # Writing Auth's tables.

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection[Json]]:
        with (
            psycopg.connect(
                self.database_url, row_factory=dict_row, prepare_threshold=None
            ) as conn,
            conn.transaction(),
        ):
            yield conn

    def _insert_user(
        self, conn: psycopg.Connection[Json], user_id: str, email: str, user_metadata: Json
    ) -> None:
        """The user row and their e-mail identity, as GoTrue's signupNewUser writes them
        (the project's trigger on auth.users runs here, as supabase_auth_admin)."""
        conn.execute(
            "insert into users (instance_id, id, aud, role, email, raw_app_meta_data,"
            " raw_user_meta_data, created_at, updated_at, is_sso_user, is_anonymous)"
            " values (%s, %s, 'authenticated', 'authenticated', %s, %s, %s, now(), now(),"
            " false, false)",
            (
                INSTANCE_ID,
                user_id,
                email,
                json.dumps({"provider": "email", "providers": ["email"]}),
                json.dumps(user_metadata),
            ),
        )
        conn.execute(
            "insert into identities (provider_id, user_id, identity_data, provider, created_at,"
            " updated_at, last_sign_in_at) values (%s, %s, %s, 'email', now(), now(), now())",
            (
                user_id,
                user_id,
                json.dumps(
                    {
                        "sub": user_id,
                        "email": email,
                        "email_verified": False,
                        "phone_verified": False,
                    }
                ),
            ),
        )

    def _confirm(self, conn: psycopg.Connection[Json], user_id: str) -> None:
        """models.User.Confirm: confirmed now, `email_verified` in the user's metadata."""
        conn.execute(
            "update users set confirmation_token = '', email_confirmed_at = now(),"
            " raw_user_meta_data = coalesce(raw_user_meta_data, '{}')"
            " || '{\"email_verified\": true}' where id = %s",
            (user_id,),
        )
        conn.execute(
            "update identities set identity_data = identity_data || '{\"email_verified\": true}'"
            " where user_id = %s and provider = 'email'",
            (user_id,),
        )

    def _one_time_token(
        self, conn: psycopg.Connection[Json], user_id: str, email: str, hashed: str, kind: str
    ) -> None:
        conn.execute(
            "delete from one_time_tokens where user_id = %s and token_type = %s", (user_id, kind)
        )
        conn.execute(
            "insert into one_time_tokens (id, user_id, token_type, token_hash, relates_to)"
            " values (%s, %s, %s, %s, lower(%s))",
            (str(uuid.uuid4()), user_id, kind, hashed, email),
        )

    def _session(self, conn: psycopg.Connection[Json], user: Json) -> Json:
        """issueRefreshToken: a session, its refresh token, and the access token."""
        session_id = str(uuid.uuid4())
        refresh_token = secrets.token_urlsafe(9)
        conn.execute(
            "insert into sessions (id, user_id, created_at, updated_at, aal)"
            " values (%s, %s, now(), now(), 'aal1')",
            (session_id, user["id"]),
        )
        conn.execute(
            "insert into refresh_tokens (instance_id, token, user_id, revoked, created_at,"
            " updated_at, session_id) values (%s, %s, %s, false, now(), now(), %s)",
            (INSTANCE_ID, refresh_token, str(user["id"]), session_id),
        )
        issued_at = int(time.time())
        expires_at = issued_at + self.jwt_lifetime_seconds
        claims = {
            "aud": user["aud"],
            "exp": expires_at,
            "iat": issued_at,
            "iss": f"{self.public_url}/auth/v1",
            "sub": str(user["id"]),
            "email": user["email"] or "",
            "phone": user["phone"] or "",
            "app_metadata": user["raw_app_meta_data"] or {},
            "user_metadata": user["raw_user_meta_data"] or {},
            "role": user["role"],
            "aal": "aal1",
            "amr": [{"method": "otp", "timestamp": issued_at}],
            "session_id": session_id,
            "is_anonymous": bool(user["is_anonymous"]),
        }
        return {
            "access_token": jwt.encode(claims, self.jwt_secret, algorithm="HS256"),
            "token_type": "bearer",
            "expires_in": self.jwt_lifetime_seconds,
            "expires_at": expires_at,
            "refresh_token": refresh_token,
            "user": self._user_json(conn, user),
        }

    # Reading them.

    def _user(self, conn: psycopg.Connection[Json], user_id: str) -> Json:
        try:
            uuid.UUID(user_id)
        except ValueError as error:
            raise AuthRefusal(404, "user_not_found", "User not found") from error
        found = conn.execute("select * from users where id = %s", (user_id,)).fetchone()
        if found is None:
            raise AuthRefusal(404, "user_not_found", "User not found")
        return found

    def _user_json(self, conn: psycopg.Connection[Json], user: Json) -> Json:
        """models.User as GoTrue marshals it (omitempty fields left out when unset)."""
        identities = conn.execute(
            "select * from identities where user_id = %s order by created_at", (user["id"],)
        ).fetchall()
        shown: Json = {
            "id": str(user["id"]),
            "aud": user["aud"] or "",
            "role": user["role"] or "",
            "email": user["email"] or "",
            "email_confirmed_at": _timestamp(user["email_confirmed_at"]),
            "invited_at": _timestamp(user["invited_at"]),
            "phone": user["phone"] or "",
            "phone_confirmed_at": _timestamp(user["phone_confirmed_at"]),
            "confirmation_sent_at": _timestamp(user["confirmation_sent_at"]),
            "confirmed_at": _timestamp(user["confirmed_at"]),
            "recovery_sent_at": _timestamp(user["recovery_sent_at"]),
            "last_sign_in_at": _timestamp(user["last_sign_in_at"]),
            "app_metadata": user["raw_app_meta_data"] or {},
            "user_metadata": user["raw_user_meta_data"] or {},
            "identities": [
                {
                    "identity_id": str(identity["id"]),
                    "id": identity["provider_id"],
                    "user_id": str(identity["user_id"]),
                    "identity_data": identity["identity_data"],
                    "provider": identity["provider"],
                    "last_sign_in_at": _timestamp(identity["last_sign_in_at"]),
                    "created_at": _timestamp(identity["created_at"]),
                    "updated_at": _timestamp(identity["updated_at"]),
                    "email": identity["email"],
                }
                for identity in identities
            ],
            "created_at": _timestamp(user["created_at"]),
            "updated_at": _timestamp(user["updated_at"]),
            "banned_until": _timestamp(user["banned_until"]),
            "is_anonymous": bool(user["is_anonymous"]),
        }
        return {key: value for key, value in shown.items() if value is not None}

    # Who is asking.

    def _claims(self, token: str) -> Json | None:
        try:
            claims: Json = jwt.decode(
                token, self.jwt_secret, algorithms=["HS256"], options={"verify_aud": False}
            )
        except jwt.PyJWTError:
            return None
        return claims

    def _require_api_key(self, request: Request) -> None:
        """The API gateway's check: a project API key in `apikey`."""
        key = request.headers.get("apikey")
        claims = self._claims(key) if key else None
        if claims is None or claims.get("role") not in ("anon", "service_role"):
            raise AuthRefusal(401, "no_authorization", "Invalid API key")

    def _require_admin(self, request: Request) -> None:
        """requireAdminCredentials: a bearer JWT with one of the admin roles."""
        self._require_api_key(request)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise AuthRefusal(401, "no_authorization", "This endpoint requires a Bearer token")
        claims = self._claims(token)
        if claims is None:
            raise AuthRefusal(403, "bad_jwt", "Invalid token")
        if claims.get("role") not in ADMIN_ROLES:
            raise AuthRefusal(403, "not_admin", "User not allowed")

    @staticmethod
    def _valid_email(value: object) -> str:
        email = str(value or "").strip()
        if "@" not in email or len(email) > 255 or email.startswith("@") or email.endswith("@"):
            raise AuthRefusal(400, "validation_failed", "Unable to validate email address")
        return email


async def _json(request: Request) -> Json:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError as error:
        raise AuthRefusal(400, "bad_json", "Could not parse request body as JSON") from error
    if not isinstance(body, dict):
        raise AuthRefusal(400, "bad_json", "Could not parse request body as JSON")
    return body
