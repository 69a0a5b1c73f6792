"""The two things Supabase Auth (GoTrue) does that local runs need: sign a user up the
way GoTrue writes `auth.users` (as `supabase_auth_admin`, whose search_path is `auth`),
and issue the HS256 access token GoTrue would, with the project's JWT secret."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import jwt
import psycopg


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
