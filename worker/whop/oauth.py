"""Whop OAuth 2.1 with PKCE (S256): the authorize URL, the code exchange, refresh,
userinfo and revocation. The account a user links is the `sub` Whop's userinfo vouches
for, never an e-mail address."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

import httpx

from worker import errors
from worker.whop import wire


def pkce_pair() -> tuple[str, str]:
    """A code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


class WhopOAuth:
    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        base_url: str = "https://api.whop.com",
        scopes: str = "openid profile email",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self.scopes = scopes
        self._client_secret = client_secret
        self._base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self._base_url, timeout=10, transport=transport)

    def close(self) -> None:
        self._http.close()

    def authorize_url(self, *, state: str, code_challenge: str) -> str:
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.scopes,
            "state": state,
            "nonce": secrets.token_urlsafe(16),
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
        return str(httpx.URL(f"{self._base_url}/oauth/authorize", params=params))

    def exchange_code(self, *, code: str, code_verifier: str) -> dict[str, Any]:
        return self._token(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.redirect_uri,
                "code_verifier": code_verifier,
            }
        )

    def refresh(self, refresh_token: str) -> dict[str, Any]:
        return self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def userinfo(self, access_token: str) -> dict[str, Any]:
        return self._call(
            "GET", "/oauth/userinfo", headers={"Authorization": f"Bearer {access_token}"}
        )

    def revoke(self, token: str) -> None:
        self._call("POST", "/oauth/revoke", body={"token": token, "client_id": self.client_id})

    def _token(self, grant: Mapping[str, str]) -> dict[str, Any]:
        body = {**grant, "client_id": self.client_id, "client_secret": self._client_secret}
        issued = self._call("POST", "/oauth/token", body=body)
        if not isinstance(issued.get("access_token"), str):
            raise errors.UpstreamError("Whop's token endpoint returned no access token")
        return issued

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        try:
            response = self._http.request(
                method, path, json=dict(body) if body is not None else None, headers=headers
            )
        except httpx.HTTPError as error:
            raise errors.Unavailable(
                f"Whop OAuth is unreachable ({type(error).__name__})"
            ) from error
        payload = wire.loads(response.content) if response.content else {}
        if response.is_success and isinstance(payload, dict):
            return payload
        if isinstance(payload, dict) and payload.get("error") in ("invalid_grant", "invalid_token"):
            raise errors.WhopGrantRefused(
                f"Whop refused: {payload.get('error_description') or payload['error']}"
            )
        raise errors.from_whop(response.status_code, {"message": str(payload)[:200]})
