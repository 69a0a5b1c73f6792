"""User tokens are verified locally: only a signed, unexpired token for the
`authenticated` audience identifies a user."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from worker import errors
from worker.auth import TokenVerifier

SECRET = "test-jwt-secret-with-at-least-32-bytes!"
USER = "6b1f4c3e-2d7a-4c55-9a7e-3f0d2b1c9e8a"


def claims(**overrides: object) -> dict:
    return {
        "sub": USER,
        "role": "authenticated",
        "aud": "authenticated",
        "exp": int(time.time()) + 600,
        "email": "buyer@example.test",
        **overrides,
    }


def bearer(token: str) -> str:
    return f"Bearer {token}"


def test_a_valid_token_identifies_its_user() -> None:
    identity = TokenVerifier(secret=SECRET).identity(bearer(jwt.encode(claims(), SECRET)))
    assert identity.user_id == USER
    assert identity.role == "authenticated"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (jwt.encode(claims(exp=int(time.time()) - 10), SECRET), "expired"),
        (jwt.encode(claims(aud="other"), SECRET), "not valid"),
        (jwt.encode(claims(), "another-secret-that-is-long-enough!!"), "not valid"),
        (jwt.encode(claims(), None, algorithm="none"), "not valid"),
        (jwt.encode(claims(role="service_role"), SECRET), "not a signed-in user"),
        (jwt.encode({k: v for k, v in claims().items() if k != "sub"}, SECRET), "not valid"),
        ("not.a.jwt", "not valid"),
    ],
    ids=[
        "expired",
        "wrong-audience",
        "wrong-key",
        "unsigned",
        "service-role",
        "no-subject",
        "junk",
    ],
)
def test_an_unacceptable_token_is_refused(token: str, reason: str) -> None:
    with pytest.raises(errors.NotAuthenticated, match=reason):
        TokenVerifier(secret=SECRET).identity(bearer(token))


@pytest.mark.parametrize("header", [None, "", "Basic abc", "Bearer ", "Bearer"])
def test_a_missing_bearer_token_is_refused(header: str | None) -> None:
    with pytest.raises(errors.NotAuthenticated, match="Bearer"):
        TokenVerifier(secret=SECRET).identity(header)


def test_an_hs256_token_is_refused_when_only_jwks_is_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    verifier = TokenVerifier(jwks_url="https://project.supabase.co/auth/v1/.well-known/jwks.json")
    with pytest.raises(errors.NotAuthenticated, match="algorithm"):
        verifier.identity(bearer(jwt.encode(claims(), SECRET)))


def test_an_asymmetric_token_is_checked_against_the_jwks_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    private_key = ec.generate_private_key(ec.SECP256R1())
    other_key = ec.generate_private_key(ec.SECP256R1())
    verifier = TokenVerifier(jwks_url="https://project.supabase.co/auth/v1/.well-known/jwks.json")

    class SigningKey:
        key = private_key.public_key()

    monkeypatch.setattr(verifier._jwks, "get_signing_key_from_jwt", lambda _token: SigningKey())
    good = jwt.encode(claims(), private_key, algorithm="ES256", headers={"kid": "k1"})
    forged = jwt.encode(claims(), other_key, algorithm="ES256", headers={"kid": "k1"})
    assert verifier.identity(bearer(good)).user_id == USER
    with pytest.raises(errors.NotAuthenticated):
        verifier.identity(bearer(forged))
