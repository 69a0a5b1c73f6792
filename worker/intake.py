"""Webhook intake with group commit: the deliveries that arrive while one batch is being
stored are stored together in the next, in one transaction, so each delivery still gets
its 2xx only after its own event is committed, yet a burst costs one commit per batch
instead of one per delivery. Events are then processed in batches after answering; the
inbox loop retries whatever this does not finish (a crash, a failure, a lost batch).

Under light load a batch is a single delivery and nothing waits for company: a batch
starts the moment the previous one is done.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool

from worker import errors, inbox
from worker.db import Database

log = logging.getLogger("gigflow.intake")

MAX_STORE_BATCH = 200


@dataclass(frozen=True)
class StoredEvent:
    event_id: int
    duplicate: bool


Outcome = StoredEvent | Exception


@dataclass
class _Delivery:
    webhook_id: str
    payload: dict[str, Any]
    stored: asyncio.Future[StoredEvent]


class WebhookIntake:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._to_store: list[_Delivery] = []
        self._to_process: list[int] = []
        self._storing: asyncio.Task[None] | None = None
        self._processing: asyncio.Task[None] | None = None

    async def store(self, webhook_id: str, payload: dict[str, Any]) -> StoredEvent:
        """Commit the delivery to the inbox (with whatever else is waiting) and have its
        event processed soon after. Raises the database's error when the batch failed."""
        stored = asyncio.get_running_loop().create_future()
        self._to_store.append(_Delivery(webhook_id, payload, stored))
        if _idle(self._storing):
            self._storing = _background(self._store_waiting())
        return await stored

    async def settle(self) -> None:
        """Wait until everything handed over so far is stored and processed (storing
        may start processing, so both are watched until neither runs)."""
        while running := [t for t in (self._storing, self._processing) if t and not _idle(t)]:
            await asyncio.gather(*running, return_exceptions=True)

    async def _store_waiting(self) -> None:
        while self._to_store:
            batch = self._to_store[:MAX_STORE_BATCH]
            del self._to_store[:MAX_STORE_BATCH]
            try:
                outcomes = await run_in_threadpool(self._store_batch, batch)
            except Exception as error:  # whatever failed, every waiting delivery gets an answer
                outcomes = [error] * len(batch)
            fresh = []
            for delivery, outcome in zip(batch, outcomes, strict=True):
                if delivery.stored.done():
                    continue
                if isinstance(outcome, StoredEvent):
                    delivery.stored.set_result(outcome)
                    if not outcome.duplicate:
                        fresh.append(outcome.event_id)
                else:
                    delivery.stored.set_exception(outcome)
            self._process_soon(fresh)

    def _store_batch(self, batch: list[_Delivery]) -> list[Outcome]:
        try:
            return self._ingest(batch)
        except errors.Unavailable:
            raise
        except errors.GigflowError as error:
            if len(batch) == 1:
                return [error]
            # One delivery the database refuses (malformed, or JSON that jsonb cannot
            # hold) must not cost the others their 2xx: store them one by one, and only
            # the refused one fails.
            return [self._store_alone(delivery) for delivery in batch]

    def _store_alone(self, delivery: _Delivery) -> Outcome:
        try:
            return self._ingest([delivery])[0]
        except errors.GigflowError as error:
            return error

    def _ingest(self, batch: list[_Delivery]) -> list[Outcome]:
        rows = self._db.rpc(
            "ingest_whop_events",
            {"deliveries": [{"webhook_id": d.webhook_id, "payload": d.payload} for d in batch]},
        )
        if len(rows) != len(batch):
            raise errors.Unavailable(f"the inbox answered {len(rows)} of {len(batch)} deliveries")
        return [StoredEvent(int(row["event_id"]), bool(row["duplicate"])) for row in rows]

    def _process_soon(self, event_ids: list[int]) -> None:
        if not event_ids:
            return
        self._to_process += event_ids
        if _idle(self._processing):
            self._processing = _background(self._process_waiting())

    async def _process_waiting(self) -> None:
        while self._to_process:
            batch, self._to_process = self._to_process, []
            try:
                await run_in_threadpool(inbox.process_events, self._db, batch)
            except Exception:  # the events stay in the inbox for the loop whatever failed
                log.exception("processing after answering failed; the inbox loop will retry")


def _idle(task: asyncio.Task[None] | None) -> bool:
    """No task of ours is running on this event loop (a test client may run each
    request on a loop of its own)."""
    return task is None or task.done() or task.get_loop() is not asyncio.get_running_loop()


def _background(work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
    """A task serving many requests: it runs outside the context (the request id of the
    logs) of whichever request happened to start it."""
    return asyncio.create_task(work, context=contextvars.Context())
