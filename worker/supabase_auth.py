"""Supabase Auth's admin API, through supabase-py's auth admin client: what signing in
with Whop needs of it. Create a user (GoTrue writes `auth.users`, and the project's
trigger makes the profile), read one, delete one, and generate a magic link whose token
hash the browser exchanges for a session (`supabase.auth.verifyOtp({ type: 'magiclink',
token_hash })`). Its failures become `worker.errors`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx
from supabase_auth import SyncGoTrueAdminAPI
from supabase_auth.errors import AuthApiError, AuthError, AuthRetryableError

from worker import errors

T = TypeVar("T")


class AuthAdmin:
    def __init__(
        self,
        auth_url: str,
        service_role_key: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout_seconds: float = 10.0,
    ) -> None:
        self._http = httpx.Client(timeout=timeout_seconds, transport=transport)
        self._api = SyncGoTrueAdminAPI(
            url=auth_url,
            headers={"apikey": service_role_key, "Authorization": f"Bearer {service_role_key}"},
            http_client=self._http,
        )

    def close(self) -> None:
        self._http.close()

    def create_user(
        self, *, email: str, email_confirmed: bool, user_metadata: Mapping[str, Any]
    ) -> str:
        """A new user with this e-mail, confirmed only when `email_confirmed`; its id.
        EmailInUse when an account already has the e-mail (it is never taken over)."""
        created = _call(
            lambda: self._api.create_user(
                {
                    "email": email,
                    "email_confirm": email_confirmed,
                    "user_metadata": dict(user_metadata),
                }
            )
        )
        return created.user.id

    def email_of(self, user_id: str) -> str | None:
        return _call(lambda: self._api.get_user_by_id(user_id)).user.email

    def delete_user(self, user_id: str) -> None:
        _call(lambda: self._api.delete_user(user_id))

    def magic_link_token_hash(self, email: str) -> str:
        """A one-time token hash for the user with this e-mail: what `verifyOtp` exchanges
        for a session. Nothing is e-mailed: the admin API only generates the link."""
        generated = _call(lambda: self._api.generate_link({"type": "magiclink", "email": email}))
        return generated.properties.hashed_token


def _call(action: Callable[[], T]) -> T:
    try:
        return action()
    except AuthApiError as error:
        if error.code == "email_exists":
            raise errors.EmailInUse(
                "a GigFlow account already uses this Whop account's e-mail: sign in to it and"
                " link Whop from there"
            ) from error
        if error.status == 404:
            raise errors.NotFound(f"Supabase Auth: {error.message}") from error
        if error.status in (408, 429) or error.status >= 500:
            raise errors.Unavailable(f"Supabase Auth answered {error.status}") from error
        raise errors.UpstreamError(
            f"Supabase Auth refused ({error.status} {error.code}): {error.message}"
        ) from error
    except AuthRetryableError as error:
        raise errors.Unavailable(f"Supabase Auth is unreachable: {error.message}") from error
    except AuthError as error:
        raise errors.UpstreamError(f"Supabase Auth failed: {error.message}") from error
