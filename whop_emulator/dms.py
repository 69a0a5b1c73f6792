"""Whop's DM channels (its embedded chat), held to docs/whop-api.md:

- `POST /dm_channels {with_user_ids, company_id?, custom_name?, notifications_enabled?}`
  answers `{id, created_at, name, last_message_at}`, and the existing channel when one
  already exists for the same members (so creating is idempotent). Up to 50 members; only
  members see it. The platform's API key makes channels between the users it names; a
  user's token (with `dms:channel:manage`) makes one the user is in.
- `GET /dm_channels?company_id=` lists the authenticated user's channels (`dms:read`),
  those of that company's context only when it is given.
- `GET /dm_members?channel_id=` lists a channel's members, for its members (`dms:read`).
  The member object's shape is the emulator's own (`{id, user_id, channel_id}`):
  whop-api.md documents none.

Who is asking is set by the app's authentication (`request.state.whop_user`: None for the
API key, else the user a user token acts for, with its actions)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from whop_emulator.state import (
    Obj,
    WhopApiError,
    WhopState,
    json_body,
    json_response,
    new_id,
    now,
    page,
)

MAX_MEMBERS = 50


def _require_user(request: Request, action: str) -> str:
    """The user a user token acts for, when it may take `action`."""
    user: str | None = request.state.whop_user
    actions: frozenset[str] | None = request.state.whop_actions
    if user is None:
        raise WhopApiError(403, "forbidden", "listing DMs needs a user's token, not an API key")
    if actions is not None and action not in actions:
        raise WhopApiError(403, "forbidden", f"the token lacks the {action} permission")
    return user


def router(whop: WhopState) -> APIRouter:
    dms = APIRouter()

    @dms.post("/dm_channels")
    async def create_dm_channel(request: Request) -> Response:
        body = await json_body(request)
        references = body.get("with_user_ids")
        if (
            not isinstance(references, list)
            or not references
            or not all(isinstance(r, str) and r for r in references)
        ):
            raise WhopApiError(
                422, "invalid_request_error", "with_user_ids must list users", "with_user_ids"
            )
        company_id = body.get("company_id")
        name = body.get("custom_name")
        if name is not None and (not isinstance(name, str) or not 1 <= len(name) <= 100):
            raise WhopApiError(
                422, "invalid_request_error", "custom_name is 1-100 characters", "custom_name"
            )
        creator = None
        if request.state.whop_user is not None:
            creator = _require_user(request, "dms:channel:manage")
        with whop.lock:
            if company_id is not None:
                whop.find(whop.companies, str(company_id), "company")
            members = sorted({whop.find_user(r) for r in references} | {creator} - {None})
            if len(members) > MAX_MEMBERS:
                raise WhopApiError(
                    422, "invalid_request_error", "a DM has at most 50 members", "with_user_ids"
                )
            for channel_id, existing in whop.dm_members.items():
                if existing == members:
                    return json_response(whop.dm_channels[channel_id])
            channel: Obj = {
                "id": new_id("dmc"),
                "created_at": now(),
                "name": name or ", ".join(members),
                "last_message_at": None,
            }
            whop.dm_channels[channel["id"]] = channel
            whop.dm_members[channel["id"]] = members
            whop.dm_channel_companies[channel["id"]] = company_id
        return json_response(channel)

    @dms.get("/dm_channels")
    def list_dm_channels(request: Request) -> Response:
        user = _require_user(request, "dms:read")
        company_id = request.query_params.get("company_id")
        with whop.lock:
            items = [
                whop.dm_channels[channel_id]
                for channel_id, members in whop.dm_members.items()
                if user in members
                and (company_id is None or whop.dm_channel_companies[channel_id] == company_id)
            ]
        return page(items, request)

    @dms.get("/dm_members")
    def list_dm_members(request: Request) -> Response:
        user = _require_user(request, "dms:read")
        channel_id = request.query_params.get("channel_id") or ""
        with whop.lock:
            members = whop.dm_members.get(channel_id)
            if members is None or user not in members:
                raise WhopApiError(404, "not_found", f"DM channel {channel_id} was not found")
            items = [
                {"id": f"mber_{channel_id}_{n}", "user_id": member, "channel_id": channel_id}
                for n, member in enumerate(members)
            ]
        return page(items, request)

    return dms
