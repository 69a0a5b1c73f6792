"""Sign-up as GoTrue does it: connected as supabase_auth_admin (search_path auth, no
rights in public), inserting into users. The definer trigger still makes the profile."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from devstack.localpg import LocalCluster


def gotrue_insert(url: str, email: str, user_meta: str, app_meta: str = "{}") -> str:
    user_id = str(uuid.uuid4())
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "insert into users (id, email, raw_user_meta_data, raw_app_meta_data)"
            " values (%s, %s, %s, %s)",
            (user_id, email, user_meta, app_meta),
        )
    return user_id


@pytest.fixture
def gotrue_url(cluster: LocalCluster, database: str) -> str:
    return cluster.url("supabase_auth_admin", database)


def profile(db_url: str, user_id: str) -> tuple:
    with psycopg.connect(db_url) as conn:
        return conn.execute(
            "select username, display_name from public.profiles where id = %s",
            (user_id,),
        ).fetchone()


def test_signing_up_creates_the_profile(gotrue_url: str, db_url: str) -> None:
    user_id = gotrue_insert(
        gotrue_url, "ada@example.test", '{"username": "Ada_Lovelace", "display_name": "Ada L."}'
    )
    assert profile(db_url, user_id) == ("ada_lovelace", "Ada L.")


def test_a_taken_username_falls_back_to_one_from_the_id(gotrue_url: str, db_url: str) -> None:
    gotrue_insert(gotrue_url, "first@example.test", '{"username": "taken_name"}')
    second = gotrue_insert(gotrue_url, "second@example.test", '{"username": "taken_name"}')
    username, display_name = profile(db_url, second)
    assert username == "user_" + second.replace("-", "")[:12]
    # Never the e-mail's local part: the display name is public on a seller's page.
    assert display_name == username


def test_an_admins_profile_does_not_tell_anyone_they_are_an_admin(
    gotrue_url: str, db_url: str
) -> None:
    user_id = gotrue_insert(
        gotrue_url, "ops@example.test", '{"username": "ops_person"}', '{"user_role": "admin"}'
    )
    with psycopg.connect(db_url) as conn:
        conn.execute("set local role anon")
        visible = conn.execute(
            "select to_jsonb(p) from public.profiles as p where p.id = %s", (user_id,)
        ).fetchone()
    assert visible is not None
    assert "admin" not in str(visible[0]).lower()
    assert set(visible[0]) == {
        "id",
        "username",
        "display_name",
        "avatar_url",
        "bio",
        "country",
        "languages",
        "created_at",
        "updated_at",
    }


def test_gotrues_role_has_no_rights_in_public(gotrue_url: str) -> None:
    with psycopg.connect(gotrue_url) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("select count(*) from public.profiles")
