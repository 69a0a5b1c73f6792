"""Order chat tokens for Whop's embedded chat (worker/chat.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from worker import chat, errors
from worker.deps import UUID_PATTERN, CurrentUser, ServicesDep

router = APIRouter(tags=["chat"])


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order_id: str = Field(pattern=UUID_PATTERN)


class ChatToken(BaseModel):
    """The caller's own Whop token for the embedded chat (direct messages only) and the
    order's DM channel to open it on."""

    token: str
    expires_at: str
    channel_id: str
    role: str = Field(examples=["buyer"])


@router.post(
    "/tokens/chat",
    response_model=ChatToken,
    responses=errors.responses(
        errors.NotAuthenticated,
        errors.InvalidInput,
        errors.NotFound,
        errors.Conflict,
        errors.WhopAccountRequired,
        errors.ChatChannelPending,
        *errors.WHOP_FAILURES,
    ),
)
async def chat_token(
    request: Request, body: ChatRequest, user: CurrentUser, found: ServicesDep
) -> ChatToken:
    """For a paid order's buyer and seller only (anyone else: 404; an order never paid:
    409): the caller's own Whop token, never a company's, and the order's channel. A
    caller without a linked Whop account gets 409 `whop_account_required` with the
    `link_url` to start linking; until both parties linked Whop, 409
    `chat_channel_pending`."""
    try:
        access = await run_in_threadpool(chat.chat_token, found, str(user.user_id), body.order_id)
    except errors.WhopAccountRequired as required:
        required.link_url = str(request.url_for("start_linking"))
        raise
    return ChatToken(
        token=access.token,
        expires_at=access.expires_at,
        channel_id=access.channel_id,
        role=access.role,
    )
