"""Whop OAuth (link a user's Whop account) and order chat tokens."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from worker import errors, whop_links
from worker.db import Identity
from worker.deps import UUID_PATTERN, CurrentUser, Services, ServicesDep

router = APIRouter(tags=["whop accounts"])

CHAT_TOKEN_SECONDS = 900
CHAT_ACTIONS = ("chat:message:create", "chat:read")


class AuthorizeUrl(BaseModel):
    authorize_url: str


class Linked(BaseModel):
    linked: bool
    whop_user_id: str


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order_id: str = Field(pattern=UUID_PATTERN)


class ChatToken(BaseModel):
    strategy: Literal["whop_user", "company"]
    token: str
    expires_at: str
    channel: str
    role: str


@router.post(
    "/oauth/whop/start",
    response_model=AuthorizeUrl,
    responses=errors.responses(errors.NotAuthenticated, errors.Unavailable),
)
async def start_linking(user: CurrentUser, found: ServicesDep) -> AuthorizeUrl:
    """Begin linking the caller's Whop account: send the browser to `authorize_url`."""
    url = await run_in_threadpool(whop_links.start, found, str(user.user_id))
    return AuthorizeUrl(authorize_url=url)


@router.get(
    "/oauth/whop/callback",
    response_model=Linked,
    responses={
        303: {"description": "Linked; the browser goes on to the page configured for it."},
        **errors.responses(errors.InvalidInput, errors.Forbidden, *errors.WHOP_FAILURES),
    },
)
async def finish_linking(
    found: ServicesDep,
    code: str = Query(min_length=1, max_length=2000),
    state: str = Query(min_length=16, max_length=200),
) -> Response | Linked:
    """Where Whop sends the browser back. The state identifies the user who started (no
    token needed); a state is good once, for ten minutes."""
    linked = await run_in_threadpool(whop_links.finish, found, code=code, state=state)
    if found.oauth_done_url:
        return RedirectResponse(found.oauth_done_url, status_code=303)
    return Linked(linked=True, whop_user_id=linked["whop_user_id"])


@router.delete(
    "/oauth/whop/link",
    status_code=204,
    responses=errors.responses(errors.NotAuthenticated, errors.NotFound, errors.Unavailable),
)
async def unlink(user: CurrentUser, found: ServicesDep) -> Response:
    """Unlink the caller's Whop account and revoke its tokens at Whop."""
    await run_in_threadpool(whop_links.unlink, found, str(user.user_id))
    return Response(status_code=204)


def _chat_token(found: Services, user: Identity, order_id: str) -> ChatToken:
    role = found.db.rpc("order_participant", {"target_order_id": order_id, "user_id": user.user_id})
    channel = f"gigflow-order-{order_id}"
    linked = whop_links.user_access_token(found, str(user.user_id))
    if linked is not None:
        token, expires_at = linked
        return ChatToken(
            strategy="whop_user", token=token, expires_at=expires_at, channel=channel, role=role
        )
    minted = found.whop.create_access_token(
        company_id=found.whop_platform_company_id,
        lifetime_seconds=CHAT_TOKEN_SECONDS,
        scoped_actions=CHAT_ACTIONS,
    )
    return ChatToken(
        strategy="company",
        token=str(minted["token"]),
        expires_at=str(minted["expires_at"]),
        channel=channel,
        role=role,
    )


@router.post(
    "/tokens/chat",
    response_model=ChatToken,
    responses=errors.responses(
        errors.NotAuthenticated, errors.Forbidden, errors.InvalidInput, *errors.WHOP_FAILURES
    ),
)
async def chat_token(request: ChatRequest, user: CurrentUser, found: ServicesDep) -> ChatToken:
    """A token for the order's chat, for its buyer and seller only: the user's own Whop
    token when their account is linked, else a 15-minute platform token limited to chat."""
    return await run_in_threadpool(_chat_token, found, user, request.order_id)
