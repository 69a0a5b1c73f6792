"""Processing the Whop webhook inbox. The SQL decides everything (what an event means,
retries and backoff, skipping events another worker holds); this loop only asks for
due events and has them processed in batches, each event in its own subtransaction."""

from __future__ import annotations

import functools
import logging
import threading
from collections import Counter
from collections.abc import Sequence

from worker import errors
from worker.db import Database

log = logging.getLogger("gigflow.inbox")


@functools.lru_cache(maxsize=8)
def events_per_call(db: Database) -> int:
    """How many events one process_whop_events call takes: SQL says, once per database."""
    return int(db.rpc("whop_events_per_call", {}))


def process_events(db: Database, event_ids: Sequence[int]) -> Counter[str]:
    """Process stored events (those another worker holds are skipped); counts by the
    status each ends in."""
    outcomes: Counter[str] = Counter()
    per_call = events_per_call(db)
    for start in range(0, len(event_ids), per_call):
        batch = list(event_ids[start : start + per_call])
        rows = db.rpc("process_whop_events", {"event_ids": batch})
        outcomes.update(str(row["status"]) for row in rows)
        for row in rows:
            if row["status"] == "failed":
                log.warning("whop event failed; it will be retried", extra=row)
    if outcomes:
        log.info("whop events processed", extra=dict(outcomes))
    return outcomes


def process_due(db: Database, *, limit: int = 100) -> Counter[str]:
    """One pass over the events due now; counts by resulting status."""
    return process_events(
        db, [int(event_id) for event_id in db.rpc("due_whop_events", {"max_events": limit})]
    )


def run(db: Database, *, poll_seconds: float, stop: threading.Event) -> None:
    """Process due events until `stop` is set; a database outage only delays the work."""
    while not stop.is_set():
        try:
            if sum(process_due(db).values()):
                continue
        except errors.Unavailable:
            log.warning("database unavailable; inbox processing will retry")
        except errors.GigflowError:
            # Whatever went wrong, the events stay in the inbox: the loop must live on.
            log.exception("inbox pass failed; it will be retried")
        stop.wait(poll_seconds)
