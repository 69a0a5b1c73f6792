"""Order chat in Whop DM channels (functions/order_chat.sql decides everything).

- `open_channels` asks Whop for the DM channels SQL says are wanted (a paid order whose
  buyer and seller both linked Whop: on payment and on linking), one claimed batch at a
  time. Whop answers with the existing channel for the same members, so a retry never
  makes a second one; a failure is recorded and tried again later.
- `chat_token` hands an order's buyer or seller their own Whop token for the embedded
  chat (`POST /access_tokens {user_id, scoped_actions}`, direct-message actions only,
  never a company's token) with the order's channel, once SQL says they may chat."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

from worker import errors
from worker.deps import Services

log = logging.getLogger("gigflow.chat")

# What Whop's embedded DMs need of a user's token (Whop's chat authentication guide,
# "Direct messages"): read them, write messages, manage the DM channel's own state. No
# community-channel, support-chat or company action.
DM_ACTIONS = ("dms:read", "dms:message:manage", "dms:channel:manage")
CHAT_TOKEN_SECONDS = 3600


@dataclass(frozen=True)
class ChatAccess:
    token: str
    expires_at: str
    channel_id: str
    role: str


def open_channels(
    found: Services, *, only_order: str | None = None, limit: int = 20, strict: bool = False
) -> Counter[str]:
    """Open the chats due now (or the one order named); counts by outcome. `strict`
    raises Whop's failure (after recording it) instead of only counting it."""
    outcomes: Counter[str] = Counter()
    claimed = found.db.rpc(
        "claim_whop_dm_channels", {"max_orders": limit, "only_order": only_order}
    )
    for wanted in claimed:
        order_id = str(wanted["order_id"])
        try:
            channel = found.whop.create_dm_channel(
                with_user_ids=[wanted["buyer_whop_user_id"], wanted["seller_whop_user_id"]],
                company_id=found.whop_platform_company_id,
                custom_name=wanted["channel_name"],
            )
            channel_id = str(channel.get("id") or "")
            if not channel_id:
                raise errors.UpstreamError("Whop made a DM channel without an id")
        except errors.GigflowError as error:
            found.db.rpc(
                "record_whop_dm_channel_failure",
                {"target_order_id": order_id, "error": error.message[:500]},
            )
            log.warning(
                "opening an order chat failed", extra={"order_id": order_id, "error": error.message}
            )
            outcomes["failed"] += 1
            if strict:
                raise
            continue
        attached = found.db.rpc(
            "attach_whop_dm_channel",
            {
                "target_order_id": order_id,
                "whop_dm_channel_id": channel_id,
                "buyer_whop_user_id": wanted["buyer_whop_user_id"],
                "seller_whop_user_id": wanted["seller_whop_user_id"],
            },
        )
        outcomes["opened" if attached else "outdated"] += 1
    if outcomes:
        log.info("order chats opened", extra=dict(outcomes))
    return outcomes


def chat_token(found: Services, user_id: str, order_id: str) -> ChatAccess:
    """The caller's own Whop token for the order's chat, and its channel."""
    arguments = {"target_order_id": order_id, "user_id": user_id}
    chat = found.db.rpc("order_chat", arguments)[0]
    if chat["whop_dm_channel_id"] is None:
        # Someone is waiting for this chat: ask Whop now rather than at the next pass.
        open_channels(found, only_order=order_id, limit=1, strict=True)
        chat = found.db.rpc("order_chat", arguments)[0]
    if chat["whop_dm_channel_id"] is None:
        raise errors.ChatChannelPending(
            "the order's chat is not open yet: it opens once both its buyer and its seller"
            " have linked Whop and Whop has made it (a failed attempt is retried later)"
        )
    minted = found.whop.create_access_token(
        user_id=chat["whop_user_id"],
        lifetime_seconds=CHAT_TOKEN_SECONDS,
        scoped_actions=DM_ACTIONS,
    )
    return ChatAccess(
        token=str(minted["token"]),
        expires_at=str(minted["expires_at"]),
        channel_id=str(chat["whop_dm_channel_id"]),
        role=str(chat["role"]),
    )
