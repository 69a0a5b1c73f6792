"""What one request may cost: a real `gigflow serve`, attacked on a raw socket the way a
client that ignores every rule would. A body over its route's limit is refused with 413
while it is still arriving (before it arrives at all when its length is declared), the
connection is closed so the worker stops reading, and nothing is stored."""

from __future__ import annotations

import contextlib
import json
import select
import socket
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from standardwebhooks import Webhook

from tests.py.conftest import create_database, drop_database
from tests.py.worker_process import WEBHOOK_SECRET, WorkerProcess
from worker.body_limits import JSON_BODY_LIMIT, WEBHOOK_BODY_LIMIT
from worker.routes.webhooks import WHOP_WEBHOOK_PATH

ATTACK_BYTES = 40_000_000
PIECE = 64 * 1024


class Worker:
    def __init__(self, served: WorkerProcess, database_url: str) -> None:
        self.port = served.port
        self.served = served
        self.database_url = database_url

    def connect(self) -> socket.socket:
        # A server that neither answers nor reads fails the test in seconds, not hangs it.
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def stored_events(self) -> int:
        with psycopg.connect(self.database_url) as conn:
            row = conn.execute("select count(*) from public.whop_events").fetchone()
        assert row is not None
        return int(row[0])


@pytest.fixture(scope="module")
def worker(cluster: Any, template_db: str, tmp_path_factory: Any) -> Iterator[Worker]:
    name = "body_limits_worker"
    create_database(cluster, name, template_db)
    try:
        with WorkerProcess(
            cluster.url("postgres", name), log_file=tmp_path_factory.mktemp("limits") / "serve.log"
        ) as served:
            yield Worker(served, cluster.url("postgres", name))
    finally:
        drop_database(cluster, name)


def head(path: str, framing: str, extra: dict[str, str] | None = None) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
    lines += [framing, *(f"{name}: {value}" for name, value in (extra or {}).items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def pieces(total: int) -> Iterator[bytes]:
    for start in range(0, total, PIECE):
        yield b"x" * min(PIECE, total - start)


def chunked(parts: Iterable[bytes]) -> Iterator[bytes]:
    for part in parts:
        yield f"{len(part):x}\r\n".encode() + part + b"\r\n"


def push_until_answered(sock: socket.socket, parts: Iterable[bytes]) -> int:
    """Send the body piece by piece, stopping as soon as the worker answers (or cuts the
    connection); how many bytes went out by then."""
    sent = 0
    for part in parts:
        readable, _, _ = select.select([sock], [], [], 0)
        if readable:
            break
        try:
            sock.sendall(part)
        except OSError:
            break
        sent += len(part)
    return sent


def bytes_accepted(sock: socket.socket, parts: Iterable[bytes]) -> int:
    """Keep sending whatever happens; how many bytes the connection took before breaking."""
    sent = 0
    with contextlib.suppress(OSError):
        for part in parts:
            sock.sendall(part)
            sent += len(part)
    return sent


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: dict[str, Any]


def read_answer(sock: socket.socket) -> Answer:
    """The worker's answer, read until the connection closes: a worker that kept it open
    (to read on) would time this out."""
    received = b""
    with contextlib.suppress(ConnectionResetError):
        while part := sock.recv(65536):
            received += part
    head_bytes, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head_bytes.decode().split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in header_lines)
    return Answer(int(status_line.split()[1]), headers, json.loads(body))


def signed(payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload)
    webhook_id = f"msg_{uuid.uuid4().hex}"
    now = datetime.now(UTC)
    return body.encode(), {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(WEBHOOK_SECRET.encode()).sign(webhook_id, now, body),
    }


def padded_event(size: int) -> dict[str, Any]:
    """An unknown-type Whop event (stored and acknowledged) of about `size` bytes."""
    return {"type": "gigflow.test_padding", "api_version": "v1", "data": {"pad": "p" * size}}


def too_large(limit: int) -> dict[str, str]:
    return {"code": "payload_too_large", "message": f"the body may be at most {limit} bytes here"}


def test_a_40mb_webhook_declaring_its_length_is_refused_before_its_body_is_sent(
    worker: Worker,
) -> None:
    before = worker.stored_events()
    with worker.connect() as sock:
        sock.sendall(head(WHOP_WEBHOOK_PATH, f"Content-Length: {ATTACK_BYTES}"))
        answer = read_answer(sock)
    assert (answer.status, answer.body) == (413, too_large(WEBHOOK_BODY_LIMIT))
    assert answer.headers["connection"] == "close"
    assert worker.stored_events() == before


def test_a_40mb_webhook_declaring_its_length_cannot_be_sent_after_the_refusal(
    worker: Worker,
) -> None:
    with worker.connect() as sock:
        sock.sendall(head(WHOP_WEBHOOK_PATH, f"Content-Length: {ATTACK_BYTES}"))
        refused = read_answer(sock)
        accepted = bytes_accepted(sock, pieces(ATTACK_BYTES))
    assert refused.status == 413
    assert accepted < ATTACK_BYTES


def test_a_40mb_chunked_webhook_is_refused_while_it_is_still_being_sent(
    worker: Worker,
) -> None:
    before = worker.stored_events()
    with worker.connect() as sock:
        sock.sendall(head(WHOP_WEBHOOK_PATH, "Transfer-Encoding: chunked"))
        sent = push_until_answered(sock, chunked(pieces(ATTACK_BYTES)))
        answer = read_answer(sock)
    assert (answer.status, answer.body) == (413, too_large(WEBHOOK_BODY_LIMIT))
    # Past the limit by at most what the kernel's socket buffers held meanwhile.
    assert WEBHOOK_BODY_LIMIT < sent < ATTACK_BYTES
    assert worker.stored_events() == before


def test_a_40mb_chunked_webhook_cannot_be_sent_whole(worker: Worker) -> None:
    with worker.connect() as sock:
        sock.sendall(head(WHOP_WEBHOOK_PATH, "Transfer-Encoding: chunked"))
        sent = push_until_answered(sock, chunked(pieces(ATTACK_BYTES)))
        refused = read_answer(sock)
        accepted = bytes_accepted(sock, chunked(pieces(ATTACK_BYTES - sent)))
    assert refused.status == 413
    assert sent + accepted < ATTACK_BYTES


def test_a_signed_webhook_over_the_limit_is_refused_and_not_stored(worker: Worker) -> None:
    before = worker.stored_events()
    body, signature = signed(padded_event(WEBHOOK_BODY_LIMIT))
    with worker.connect() as sock:
        sock.sendall(head(WHOP_WEBHOOK_PATH, "Transfer-Encoding: chunked", signature))
        push_until_answered(sock, chunked(body[i : i + PIECE] for i in range(0, len(body), PIECE)))
        answer = read_answer(sock)
    assert (answer.status, answer.body) == (413, too_large(WEBHOOK_BODY_LIMIT))
    assert worker.stored_events() == before


def test_a_signed_webhook_just_under_the_limit_is_stored(worker: Worker) -> None:
    before = worker.stored_events()
    body, signature = signed(padded_event(WEBHOOK_BODY_LIMIT - 200))
    assert len(body) <= WEBHOOK_BODY_LIMIT
    framing = f"Content-Length: {len(body)}"
    with worker.connect() as sock:
        sock.sendall(head(WHOP_WEBHOOK_PATH, framing, {**signature, "Connection": "close"}) + body)
        answer = read_answer(sock)
    assert (answer.status, answer.body) == (200, {"received": True, "duplicate": False})
    assert worker.stored_events() == before + 1


def test_a_json_body_over_64_kib_is_refused_before_it_is_sent(worker: Worker) -> None:
    with worker.connect() as sock:
        sock.sendall(head("/checkout", f"Content-Length: {JSON_BODY_LIMIT + 1}"))
        answer = read_answer(sock)
    assert (answer.status, answer.body) == (413, too_large(JSON_BODY_LIMIT))


def test_a_chunked_json_body_over_64_kib_is_refused_while_it_is_being_sent(
    worker: Worker,
) -> None:
    with worker.connect() as sock:
        sock.sendall(head("/checkout", "Transfer-Encoding: chunked"))
        sent = push_until_answered(sock, chunked(pieces(ATTACK_BYTES)))
        answer = read_answer(sock)
    assert (answer.status, answer.body) == (413, too_large(JSON_BODY_LIMIT))
    assert sent < ATTACK_BYTES


def test_a_json_body_of_exactly_64_kib_reaches_validation(worker: Worker) -> None:
    body = b"x" * JSON_BODY_LIMIT
    with worker.connect() as sock:
        sock.sendall(
            head("/checkout", f"Content-Length: {len(body)}", {"Connection": "close"}) + body
        )
        answer = read_answer(sock)
    assert answer.status == 422
    assert answer.body["code"] == "invalid_input"


def test_a_sender_hanging_up_mid_body_stores_nothing_and_logs_no_failure(worker: Worker) -> None:
    before = worker.stored_events()
    body, signature = signed(padded_event(10_000))
    with worker.connect() as sock:
        sock.sendall(
            head(WHOP_WEBHOOK_PATH, f"Content-Length: {len(body)}", signature) + body[:1000]
        )
    # Answered after the hang-up was read: the worker has dealt with it by then.
    whole, signature = signed(padded_event(100))
    with worker.connect() as sock:
        sock.sendall(
            head(
                WHOP_WEBHOOK_PATH,
                f"Content-Length: {len(whole)}",
                {**signature, "Connection": "close"},
            )
            + whole
        )
        assert read_answer(sock).status == 200
    assert worker.stored_events() == before + 1
    assert worker.served.entries_at("error") == []
