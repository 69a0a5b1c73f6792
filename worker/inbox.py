"""Processing the Whop webhook inbox. The SQL decides everything (what an event means,
retries and backoff, skipping events another worker holds); this loop only asks for
due events and has each processed in its own transaction."""

from __future__ import annotations

import logging
import threading
from collections import Counter

from worker import errors
from worker.db import Database

log = logging.getLogger("gigflow.inbox")


def process_event(db: Database, event_id: int) -> str | None:
    """Process one stored event; its new status (None when another worker holds it)."""
    status: str | None = db.rpc("process_whop_event", {"event_id": event_id})
    log.info("whop event processed", extra={"event_id": event_id, "status": status})
    return status


def process_due(db: Database, *, limit: int = 100) -> Counter[str]:
    """One pass over the events due now; counts by resulting status."""
    outcomes: Counter[str] = Counter()
    for event_id in db.rpc("due_whop_events", {"max_events": limit}):
        outcomes[process_event(db, int(event_id)) or "skipped"] += 1
    return outcomes


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
