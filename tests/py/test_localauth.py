"""The Supabase Auth stand-in is only useful while it behaves like Supabase Auth. It is
driven here by supabase-py's own auth clients, whose models parse GoTrue's responses, and
checked against what GoTrue does (supabase/auth: adminUserCreate, adminGenerateLink,
verifyPost): users written to auth.users as `supabase_auth_admin` (so the project's
trigger makes the profile), magic-link token hashes that are SHA-224 of e-mail and OTP,
one-time and expiring, sessions signed with the project's JWT secret."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import httpx
import jwt
import psycopg
import pytest
from supabase_auth import SyncGoTrueAdminAPI, SyncGoTrueClient
from supabase_auth.errors import AuthApiError

from devstack import localauth
from devstack.localpg import LocalCluster
from devstack.serving import BackgroundServer
from worker.auth import TokenVerifier

JWT_SECRET = "local-auth-suite-jwt-secret-0123456789abcdef"


@pytest.fixture
def auth(cluster: LocalCluster, database: str) -> Iterator[localauth.LocalAuth]:
    standin = localauth.LocalAuth(cluster.url("supabase_auth_admin", database), JWT_SECRET)
    with BackgroundServer(standin.app()) as server:
        standin.public_url = server.url
        yield standin


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


def admin_api(auth: localauth.LocalAuth, http: httpx.Client, role: str = "service_role"):
    key = localauth.api_key(JWT_SECRET, role)
    return SyncGoTrueAdminAPI(
        url=f"{auth.public_url}/auth/v1",
        headers={"apikey": key, "Authorization": f"Bearer {key}"},
        http_client=http,
    )


def client_api(auth: localauth.LocalAuth, http: httpx.Client) -> SyncGoTrueClient:
    return SyncGoTrueClient(
        url=f"{auth.public_url}/auth/v1",
        headers={"apikey": localauth.api_key(JWT_SECRET, "anon")},
        http_client=http,
        persist_session=False,
        auto_refresh_token=False,
    )


def row(db_url: str, query: str, *params: object) -> tuple:
    with psycopg.connect(db_url) as conn:
        return conn.execute(query, params).fetchone()


# Creating users (POST /admin/users).


def test_an_admin_created_user_is_written_as_gotrue_writes_it(
    auth: localauth.LocalAuth, http: httpx.Client, db_url: str
) -> None:
    created = admin_api(auth, http).create_user(
        {
            "email": "ada@example.test",
            "email_confirm": False,
            "user_metadata": {"username": "ada_l", "display_name": "Ada L."},
        }
    )
    user = created.user
    assert (user.email, user.aud, user.role) == (
        "ada@example.test",
        "authenticated",
        "authenticated",
    )
    assert user.app_metadata == {"provider": "email", "providers": ["email"]}
    assert user.user_metadata == {"username": "ada_l", "display_name": "Ada L."}
    assert user.email_confirmed_at is None
    [identity] = user.identities or []
    assert (identity.provider, identity.id, identity.user_id) == ("email", user.id, user.id)
    assert identity.identity_data["email"] == "ada@example.test"
    # The project's trigger ran for GoTrue's insert: the profile is there.
    assert row(
        db_url, "select username, display_name from public.profiles where id = %s", user.id
    ) == (
        "ada_l",
        "Ada L.",
    )


def test_a_user_created_confirmed_has_a_verified_email(
    auth: localauth.LocalAuth, http: httpx.Client
) -> None:
    user = (
        admin_api(auth, http).create_user({"email": "bo@example.test", "email_confirm": True}).user
    )
    assert user.email_confirmed_at is not None
    assert user.confirmed_at is not None
    assert user.user_metadata["email_verified"] is True


def test_a_taken_email_is_refused_as_gotrue_refuses_it(
    auth: localauth.LocalAuth, http: httpx.Client
) -> None:
    admin = admin_api(auth, http)
    admin.create_user({"email": "cy@example.test"})
    with pytest.raises(AuthApiError) as refused:
        admin.create_user({"email": "CY@example.test"})
    assert (refused.value.status, refused.value.code) == (422, "email_exists")
    assert refused.value.message == "A user with this email address has already been registered"


def test_the_admin_api_needs_a_service_role_token(
    auth: localauth.LocalAuth, http: httpx.Client
) -> None:
    with pytest.raises(AuthApiError) as refused:
        admin_api(auth, http, role="anon").create_user({"email": "dee@example.test"})
    assert (refused.value.status, refused.value.code) == (403, "not_admin")


def test_errors_without_the_api_version_header_have_gotrues_legacy_shape(
    auth: localauth.LocalAuth, http: httpx.Client
) -> None:
    key = localauth.api_key(JWT_SECRET, "service_role")
    answer = http.post(
        f"{auth.public_url}/auth/v1/admin/users",
        json={"email": "not-an-email"},
        headers={"apikey": key, "Authorization": f"Bearer {key}"},
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "code": 400,
        "error_code": "validation_failed",
        "msg": "Unable to validate email address",
    }


def test_a_user_is_read_and_deleted_by_id(
    auth: localauth.LocalAuth, http: httpx.Client, db_url: str
) -> None:
    admin = admin_api(auth, http)
    user = admin.create_user({"email": "eve@example.test"}).user
    assert admin.get_user_by_id(user.id).user.email == "eve@example.test"
    admin.delete_user(user.id)
    assert row(db_url, "select count(*) from auth.users where id = %s", user.id) == (0,)
    with pytest.raises(AuthApiError) as missing:
        admin.get_user_by_id(user.id)
    assert missing.value.code == "user_not_found"


# Magic links (POST /admin/generate_link) exchanged for a session (POST /verify).


def test_a_magic_link_is_a_one_time_token_hash_of_the_email_and_otp(
    auth: localauth.LocalAuth, http: httpx.Client, db_url: str
) -> None:
    admin = admin_api(auth, http)
    user = admin.create_user({"email": "fay@example.test"}).user
    link = admin.generate_link({"type": "magiclink", "email": "fay@example.test"})
    properties = link.properties
    assert properties.verification_type == "magiclink"
    assert (
        properties.hashed_token
        == hashlib.sha224(f"fay@example.test{properties.email_otp}".encode()).hexdigest()
    )
    assert len(properties.email_otp) == 6
    assert properties.action_link == (
        f"{auth.public_url}/auth/v1/verify?token={properties.hashed_token}&type=magiclink"
        f"&redirect_to={auth.site_url}"
    )
    assert link.user.id == user.id
    assert link.user.recovery_sent_at is not None
    assert row(
        db_url,
        "select token_type::text, relates_to from auth.one_time_tokens where user_id = %s",
        user.id,
    ) == ("recovery_token", "fay@example.test")


def test_verifying_the_token_hash_signs_the_user_in_with_a_project_session(
    auth: localauth.LocalAuth, http: httpx.Client, db_url: str
) -> None:
    admin = admin_api(auth, http)
    user = admin.create_user(
        {"email": "gil@example.test", "user_metadata": {"username": "gil"}}
    ).user
    hashed = admin.generate_link({"type": "magiclink", "email": "gil@example.test"}).properties
    signed_in = client_api(auth, http).verify_otp(
        {"type": "magiclink", "token_hash": hashed.hashed_token}
    )
    session = signed_in.session
    assert session is not None
    assert session.token_type == "bearer"
    assert session.user.id == user.id
    # The worker accepts it as any Supabase access token of the project.
    identity = TokenVerifier(secret=JWT_SECRET).identity(f"Bearer {session.access_token}")
    assert identity.user_id == user.id
    claims = jwt.decode(
        session.access_token, JWT_SECRET, algorithms=["HS256"], audience="authenticated"
    )
    assert claims["amr"][0]["method"] == "otp"
    assert claims["iss"] == f"{auth.public_url}/auth/v1"
    assert row(db_url, "select count(*) from auth.sessions where user_id = %s", user.id) == (1,)
    # GoTrue's recoverVerify confirms an unconfirmed user on a magic link.
    assert session.user.email_confirmed_at is not None


def test_a_token_hash_works_once(auth: localauth.LocalAuth, http: httpx.Client) -> None:
    admin = admin_api(auth, http)
    admin.create_user({"email": "hal@example.test"})
    hashed = admin.generate_link({"type": "magiclink", "email": "hal@example.test"}).properties
    client = client_api(auth, http)
    client.verify_otp({"type": "magiclink", "token_hash": hashed.hashed_token})
    with pytest.raises(AuthApiError) as spent:
        client.verify_otp({"type": "magiclink", "token_hash": hashed.hashed_token})
    assert (spent.value.status, spent.value.code) == (403, "otp_expired")


def test_an_expired_token_hash_is_refused(
    auth: localauth.LocalAuth, http: httpx.Client, admin_url: str
) -> None:
    admin = admin_api(auth, http)
    admin.create_user({"email": "ivy@example.test"})
    hashed = admin.generate_link({"type": "magiclink", "email": "ivy@example.test"}).properties
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            "update auth.users set recovery_sent_at = now() - interval '2 hours'"
            " where email = 'ivy@example.test'"
        )
    with pytest.raises(AuthApiError) as expired:
        client_api(auth, http).verify_otp({"type": "magiclink", "token_hash": hashed.hashed_token})
    assert expired.value.code == "otp_expired"


def test_verifying_needs_the_projects_api_key(
    auth: localauth.LocalAuth, http: httpx.Client
) -> None:
    answer = http.post(
        f"{auth.public_url}/auth/v1/verify", json={"type": "magiclink", "token_hash": "x" * 56}
    )
    assert answer.status_code == 401
