"""FastAPI dependencies: the services container and the signed-in user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from worker import errors
from worker.auth import TokenVerifier
from worker.db import Database, Identity
from worker.files import FileStore
from worker.secretbox import SecretBox
from worker.supabase_auth import AuthAdmin
from worker.webhook_signature import WebhookVerifier
from worker.whop.client import WhopClient
from worker.whop.oauth import WhopOAuth

# An id in a path or body: a canonical uuid, refused with a 422 before any SQL runs.
UUID_PATTERN = r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$"


@dataclass
class Services:
    """Everything an endpoint may use; built once from the settings (or by a test)."""

    db: Database
    tokens: TokenVerifier
    webhooks: WebhookVerifier
    whop: WhopClient
    whop_platform_company_id: str
    files: FileStore
    checkout_redirect_url: str | None = None
    secrets: SecretBox | None = None
    oauth: WhopOAuth | None = None
    # Where a browser goes when a Whop OAuth flow ends (settings: oauth_*_url).
    oauth_done_url: str | None = None
    oauth_error_url: str | None = None
    auth_admin: AuthAdmin | None = None

    def close(self) -> None:
        self.db.close()
        self.whop.close()
        if self.oauth is not None:
            self.oauth.close()
        if self.auth_admin is not None:
            self.auth_admin.close()

    def secret_box(self) -> SecretBox:
        if self.secrets is None:
            raise errors.Unavailable("set GIGFLOW_TOKEN_ENCRYPTION_KEYS to keep secrets")
        return self.secrets

    def whop_oauth(self) -> WhopOAuth:
        if self.oauth is None:
            raise errors.Unavailable("Whop OAuth is not configured (GIGFLOW_WHOP_OAUTH_CLIENT_ID)")
        return self.oauth

    def supabase_auth(self) -> AuthAdmin:
        if self.auth_admin is None:
            raise errors.Unavailable(
                "signing in with Whop needs Supabase Auth's admin API: set GIGFLOW_SUPABASE_URL"
                " (or GIGFLOW_SUPABASE_AUTH_URL) and GIGFLOW_SUPABASE_SERVICE_ROLE_KEY"
            )
        return self.auth_admin


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


ServicesDep = Annotated[Services, Depends(services)]


# The OpenAPI security scheme of every user route. Without auto_error, a missing or
# malformed header reaches the verifier and gets the taxonomy's 401, not FastAPI's own.
BEARER = HTTPBearer(
    scheme_name="SupabaseAccessToken",
    bearerFormat="JWT",
    description="The signed-in user's Supabase access token (`session.access_token`).",
    auto_error=False,
)


def current_user(
    found: ServicesDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)],
) -> Identity:
    return found.tokens.identity(f"Bearer {bearer.credentials}" if bearer else None)


CurrentUser = Annotated[Identity, Depends(current_user)]
