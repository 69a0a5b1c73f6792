"""Whop's OAuth 2.1 provider (PKCE with S256), for linking users' Whop accounts: the
user's approval at Whop (`approve_oauth`, what a browser would do), and the token,
userinfo and revoke endpoints under `/oauth`."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import Response

from whop_emulator.state import Obj, WhopApiError, WhopState, json_body, json_response


@dataclass(kw_only=True)
class OAuthProvider(WhopState):
    oauth_client_id: str = "app_gigflowlocal"
    oauth_client_secret: str = field(default_factory=lambda: "ocs_" + secrets.token_urlsafe(16))
    oauth_codes: dict[str, Obj] = field(default_factory=dict)
    oauth_tokens: dict[str, Obj] = field(default_factory=dict)

    def add_user(
        self,
        whop_user_id: str,
        *,
        email: str | None = None,
        name: str = "Whop User",
        username: str | None = None,
    ) -> Obj:
        """A person with a Whop account (userinfo's shape); kept as first made."""
        with self.lock:
            return self.users.setdefault(
                whop_user_id,
                {
                    "sub": whop_user_id,
                    "name": name,
                    "preferred_username": username or whop_user_id,
                    "email": email or f"{whop_user_id}@whop.example",
                },
            )

    def approve_oauth(
        self,
        authorize_url: str,
        *,
        whop_user_id: str = "user_gigflowdemo",
        email: str | None = None,
        name: str = "Whop User",
        username: str | None = None,
    ) -> str:
        """The user signs in at Whop and approves: the redirect back, with a code."""
        query = self._authorize_request(authorize_url)
        self.add_user(whop_user_id, email=email, name=name, username=username)
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.oauth_codes[code] = {
                "user": whop_user_id,
                "challenge": query["code_challenge"],
                "redirect_uri": query.get("redirect_uri"),
                "scope": query.get("scope", ""),
            }
        return str(httpx.URL(query["redirect_uri"], params={"code": code, "state": query["state"]}))

    def deny_oauth(self, authorize_url: str, error: str = "access_denied") -> str:
        """The user declines at Whop: the redirect back carries OAuth's error, no code."""
        query = self._authorize_request(authorize_url)
        return str(
            httpx.URL(
                query["redirect_uri"],
                params={
                    "error": error,
                    "error_description": "The user denied the request",
                    "state": query["state"],
                },
            )
        )

    def token_bearer(self, token: str) -> tuple[str, frozenset[str] | None] | None:
        """Access tokens minted for users, and users' OAuth access tokens (their scope)."""
        minted = super().token_bearer(token)
        if minted is not None:
            return minted
        record = self.oauth_tokens.get("access:" + token)
        if record is None:
            return None
        return str(record["user"]), frozenset(str(record["scope"]).split())

    def _authorize_request(self, authorize_url: str) -> httpx.QueryParams:
        query = httpx.URL(authorize_url).params
        if query.get("client_id") != self.oauth_client_id:
            raise WhopApiError(400, "invalid_client", "unknown client_id")
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            raise WhopApiError(400, "invalid_request", "PKCE with S256 is required")
        return query


def router(whop: OAuthProvider) -> APIRouter:
    """Whop's OAuth 2.1 endpoints (PKCE with S256). The client may authenticate in the
    body or with HTTP Basic; errors are {error, error_description}."""
    oauth = APIRouter()

    def refuse(status: int, error: str, description: str) -> Response:
        return json_response({"error": error, "error_description": description}, status)

    @oauth.post("/token")
    async def token(request: Request) -> Response:
        form = (
            dict(await request.form())
            if "form" in request.headers.get("content-type", "")
            else None
        )
        body: Obj = form if form is not None else await json_body(request)
        client_id, client_secret = body.get("client_id"), body.get("client_secret")
        basic = request.headers.get("authorization", "")
        if basic.lower().startswith("basic "):
            decoded = base64.b64decode(basic[6:]).decode()
            client_id, _, client_secret = decoded.partition(":")
        if client_id != whop.oauth_client_id or client_secret != whop.oauth_client_secret:
            return refuse(401, "invalid_client", "client authentication failed")
        with whop.lock:
            if body.get("grant_type") == "authorization_code":
                grant = whop.oauth_codes.pop(str(body.get("code")), None)
                verifier = str(body.get("code_verifier") or "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                if (
                    grant is None
                    or grant["redirect_uri"] != body.get("redirect_uri")
                    or challenge.decode().rstrip("=") != grant["challenge"]
                ):
                    return refuse(
                        400,
                        "invalid_grant",
                        "the code is unknown, used, or the verifier is wrong",
                    )
                user, scope = grant["user"], grant["scope"]
            elif body.get("grant_type") == "refresh_token":
                previous = whop.oauth_tokens.pop("refresh:" + str(body.get("refresh_token")), None)
                if previous is None:
                    return refuse(400, "invalid_grant", "the refresh token is unknown or revoked")
                whop.oauth_tokens.pop("access:" + previous["access_token"], None)
                user, scope = previous["user"], previous["scope"]
            else:
                return refuse(400, "unsupported_grant_type", "authorization_code or refresh_token")
            issued = {
                "access_token": "oat_" + secrets.token_urlsafe(24),
                "refresh_token": "ort_" + secrets.token_urlsafe(24),
                "token_type": "Bearer",
                "expires_in": 3600,
            }
            record = {**issued, "user": user, "scope": scope}
            whop.oauth_tokens["access:" + issued["access_token"]] = record
            whop.oauth_tokens["refresh:" + issued["refresh_token"]] = record
        return json_response(issued)

    @oauth.get("/userinfo")
    def userinfo(request: Request) -> Response:
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        with whop.lock:
            record = whop.oauth_tokens.get("access:" + bearer)
            if record is None:
                return refuse(401, "invalid_token", "the access token is unknown or revoked")
            return json_response(whop.users[record["user"]])

    @oauth.post("/revoke")
    async def revoke(request: Request) -> Response:
        body = await json_body(request)
        token_value = str(body.get("token", ""))
        with whop.lock:
            for key in ("access:" + token_value, "refresh:" + token_value):
                record = whop.oauth_tokens.pop(key, None)
                if record:
                    whop.oauth_tokens.pop("access:" + record["access_token"], None)
                    whop.oauth_tokens.pop("refresh:" + record["refresh_token"], None)
        return json_response({})

    return oauth
