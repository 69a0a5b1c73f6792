"""The worker's configuration: one class, read from the environment.

Required secrets have no default, and obvious placeholders are refused, so a worker that
starts is a worker that is configured. Error messages name the variable, never its value.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    AnyHttpUrl,
    Field,
    PostgresDsn,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PLACEHOLDERS = {"", "changeme", "change-me", "secret", "your-secret", "xxx", "todo"}

Seconds = Annotated[float, Field(gt=0, le=3600)]

DEFAULT_PORTS = {"http": 80, "https": 443}


class SettingsError(RuntimeError):
    """The environment does not describe a runnable worker; the message says which variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GIGFLOW_", extra="ignore", frozen=True)

    # Production (the default) needs the project's Storage API: files of cancelled orders
    # are removed through it, since deleting their rows in SQL leaves the bytes behind on
    # a hosted project. Development (tests, the demo, a local cluster, whose stand-in
    # storage holds no bytes) removes the rows directly when it is not configured.
    environment: Literal["production", "development"] = "production"

    # Database: a direct connection (or a pooler's), or Supabase's REST API.
    database_transport: Literal["postgres", "supabase"] = "postgres"
    database_url: PostgresDsn | None = None
    # The project, for the Storage API and for the supabase transport.
    supabase_url: AnyHttpUrl | None = None
    supabase_service_role_key: SecretStr | None = None
    # Supabase Auth (its admin API signs people in with Whop): <supabase_url>/auth/v1
    # unless set apart (a local stand-in of Auth only); it takes the service-role key.
    supabase_auth_url: AnyHttpUrl | None = None

    # User tokens: verified locally with the project's JWT secret (HS256) or its JWKS.
    jwt_secret: SecretStr | None = None
    jwks_url: AnyHttpUrl | None = None
    jwt_audience: str = "authenticated"

    # Whop.
    whop_api_key: SecretStr
    whop_api_base_url: AnyHttpUrl = AnyHttpUrl("https://api.whop.com/api/v1")
    whop_platform_company_id: str
    # The webhook signing secret; optional once `gigflow webhooks ensure` stored one.
    whop_webhook_secret: SecretStr | None = None
    checkout_redirect_url: AnyHttpUrl | None = None

    # Whop OAuth (linking users' Whop accounts, for chat); all three or none.
    whop_oauth_client_id: str | None = None
    whop_oauth_client_secret: SecretStr | None = None
    whop_oauth_redirect_uri: AnyHttpUrl | None = None
    whop_oauth_base_url: AnyHttpUrl = AnyHttpUrl("https://api.whop.com")
    whop_oauth_scopes: str = (
        "openid profile email chat:message:create chat:read dms:read dms:message:manage"
        " dms:channel:manage"
    )
    # The frontend's pages a browser is sent to when a Whop OAuth flow ends: done (with
    # `result`, and for a sign-in the token hash in the fragment), or refused (with a
    # `reason` code). Required with Whop OAuth: a browser never lands on raw JSON.
    oauth_done_url: AnyHttpUrl | None = None
    oauth_error_url: AnyHttpUrl | None = None

    # Keys for the secrets kept in the database (OAuth tokens, webhook secrets): comma-
    # separated Fernet keys, the first encrypts, all decrypt (rotation).
    token_encryption_keys: SecretStr | None = None

    # Browser origins that may call the worker (CORS), comma-separated, each exactly as
    # the browser sends its Origin header; none by default.
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()

    # FastAPI's own OpenTelemetry spans, metrics and logs for every request, exported
    # through the providers OTel's environment configures. Off unless asked for: even
    # without an exporter, checking for one costs about a tenth of a webhook's CPU. The
    # webhook endpoint, served before routing, is traced without a route name.
    opentelemetry: bool = False
    # uvicorn's per-request access log. Off unless asked for: the platform's load balancer
    # logs requests, and at a thousand webhooks a second it costs a sixth of the worker's
    # CPU; every failure is logged either way.
    access_log: bool = False

    # Background work.
    inbox_poll_seconds: Seconds = 2.0
    timers_interval_seconds: Seconds = 60.0
    reconcile_interval_seconds: Seconds = 300.0

    @field_validator(
        "whop_api_key",
        "whop_webhook_secret",
        "jwt_secret",
        "supabase_service_role_key",
        "whop_oauth_client_secret",
    )
    @classmethod
    def refuse_placeholders(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().strip().lower() in PLACEHOLDERS:
            raise ValueError("is a placeholder, not a real secret")
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("cors_origins")
    @classmethod
    def refuse_malformed_origins(cls, origins: tuple[str, ...]) -> tuple[str, ...]:
        # The CORS check is an exact string match on what the browser sends: an origin
        # written any other way would never match, and would fail only in the browser.
        for position, origin in enumerate(origins, start=1):
            if "*" in origin:
                raise ValueError(f"origin {position}: no wildcards, list each origin")
            if origin != _as_browsers_send(origin):
                raise ValueError(
                    f"origin {position} is not written as a browser sends it: scheme://host"
                    " or scheme://host:port, http or https, lowercase, without a path, a"
                    " trailing slash or the scheme's default port"
                )
        return origins

    @model_validator(mode="after")
    def require_a_complete_transport(self) -> Settings:
        if self.database_transport == "postgres" and self.database_url is None:
            raise ValueError("GIGFLOW_DATABASE_URL is required when the transport is postgres")
        if self.database_transport == "supabase" and (
            self.supabase_url is None or self.supabase_service_role_key is None
        ):
            raise ValueError(
                "GIGFLOW_SUPABASE_URL and GIGFLOW_SUPABASE_SERVICE_ROLE_KEY are required"
                " when the transport is supabase"
            )
        names_a_project = self.supabase_url is not None or self.supabase_auth_url is not None
        if names_a_project != (self.supabase_service_role_key is not None):
            raise ValueError(
                "GIGFLOW_SUPABASE_URL (or GIGFLOW_SUPABASE_AUTH_URL) and"
                " GIGFLOW_SUPABASE_SERVICE_ROLE_KEY go together"
            )
        if self.environment == "production" and self.storage_api() is None:
            raise ValueError(
                "GIGFLOW_SUPABASE_URL and GIGFLOW_SUPABASE_SERVICE_ROLE_KEY are required in"
                " production (GIGFLOW_ENVIRONMENT): files are removed through the project's"
                " Storage API, whatever the database transport; set"
                " GIGFLOW_ENVIRONMENT=development for a local database"
            )
        oauth = (
            self.whop_oauth_client_id,
            self.whop_oauth_client_secret,
            self.whop_oauth_redirect_uri,
        )
        if any(oauth) and not all(oauth):
            raise ValueError(
                "GIGFLOW_WHOP_OAUTH_CLIENT_ID, GIGFLOW_WHOP_OAUTH_CLIENT_SECRET and"
                " GIGFLOW_WHOP_OAUTH_REDIRECT_URI go together"
            )
        if any(oauth) and self.token_encryption_keys is None:
            raise ValueError("GIGFLOW_TOKEN_ENCRYPTION_KEYS is required for Whop OAuth")
        if any(oauth) and (self.oauth_done_url is None or self.oauth_error_url is None):
            raise ValueError(
                "GIGFLOW_OAUTH_DONE_URL and GIGFLOW_OAUTH_ERROR_URL are required for Whop OAuth:"
                " the frontend pages a browser returns to when a flow ends"
            )
        if self.jwt_secret is None and self.jwks_url is None:
            raise ValueError(
                "set GIGFLOW_JWT_SECRET (HS256) or GIGFLOW_JWKS_URL to verify user tokens"
            )
        return self

    def storage_api(self) -> tuple[str, str] | None:
        """The project's URL and service-role key for the Storage API, when configured."""
        if self.supabase_url is None or self.supabase_service_role_key is None:
            return None
        return str(self.supabase_url), self.supabase_service_role_key.get_secret_value()

    def auth_admin(self) -> tuple[str, str] | None:
        """Supabase Auth's URL and the service-role key for its admin API, when configured."""
        if self.supabase_service_role_key is None:
            return None
        if self.supabase_auth_url is not None:
            url = str(self.supabase_auth_url)
        elif self.supabase_url is not None:
            url = str(self.supabase_url).rstrip("/") + "/auth/v1"
        else:
            return None
        return url.rstrip("/"), self.supabase_service_role_key.get_secret_value()

    def encryption_keys(self) -> list[str]:
        if self.token_encryption_keys is None:
            return []
        return [
            k.strip() for k in self.token_encryption_keys.get_secret_value().split(",") if k.strip()
        ]

    def masked_whop_api_key(self) -> str:
        key = self.whop_api_key.get_secret_value()
        return f"{key[:4]}…{key[-2:]}" if len(key) > 8 else "…"


def _as_browsers_send(origin: str) -> str | None:
    """The Origin header a browser sends for a page at `origin`; None if it is no origin."""
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    shown_port = "" if port in (None, DEFAULT_PORTS[parts.scheme]) else f":{port}"
    return f"{parts.scheme}://{host}{shown_port}"


def load_settings() -> Settings:
    """Read the environment, turning validation errors into one message per variable."""
    try:
        return Settings()  # type: ignore[call-arg]
    except ValidationError as error:
        problems = []
        for issue in error.errors():
            names = [str(part) for part in issue["loc"] if isinstance(part, str)]
            # A check across variables names them in its message.
            variable = f"GIGFLOW_{names[0].upper()}" if names else "settings"
            problems.append(f"{variable}: {issue['msg']}")
        raise SettingsError("invalid worker settings:\n  " + "\n  ".join(problems)) from None
