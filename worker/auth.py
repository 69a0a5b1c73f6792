"""Supabase access tokens, verified locally: with the project's JWT secret (HS256) or
with its published JWKS (asymmetric keys). Expired, wrong-audience, unsigned or
tampered tokens are refused with NotAuthenticated (HTTP 401)."""

from __future__ import annotations

from typing import Any

import jwt

from worker import errors
from worker.db import Identity, user_identity

ASYMMETRIC_ALGORITHMS = ["RS256", "ES256", "EdDSA"]


class TokenVerifier:
    def __init__(
        self,
        *,
        secret: str | None = None,
        jwks_url: str | None = None,
        audience: str = "authenticated",
    ) -> None:
        if not secret and not jwks_url:
            raise ValueError("a JWT secret or a JWKS URL is required")
        self._secret = secret
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True) if jwks_url else None
        self._audience = audience

    def claims(self, token: str) -> dict[str, Any]:
        try:
            if self._jwks is not None and jwt.get_unverified_header(token).get("alg") != "HS256":
                key: Any = self._jwks.get_signing_key_from_jwt(token).key
                algorithms = ASYMMETRIC_ALGORITHMS
            elif self._secret:
                key, algorithms = self._secret, ["HS256"]
            else:
                raise errors.NotAuthenticated("this token's algorithm is not accepted")
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self._audience,
                options={"require": ["exp", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise errors.NotAuthenticated("the access token has expired") from error
        except (jwt.PyJWTError, ValueError) as error:
            raise errors.NotAuthenticated(f"the access token is not valid: {error}") from error
        if claims.get("role") != "authenticated":
            raise errors.NotAuthenticated("the access token is not a signed-in user's")
        return claims

    def identity(self, authorization: str | None) -> Identity:
        """The caller behind an `Authorization: Bearer <token>` header."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise errors.NotAuthenticated("send the Supabase access token as a Bearer token")
        return user_identity(self.claims(token.strip()), token.strip())
