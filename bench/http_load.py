"""A lean HTTP/1.1 load generator: requests are built and signed before the clock starts
and written as raw bytes over keep-alive connections, so on a two-core machine the
client costs little of what it measures (a thread pool of httpx clients cost the worker
about a third of a core)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LoadResult:
    seconds: float
    latencies: list[float]


def build_request(host: str, path: str, body: bytes, headers: Mapping[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"host: {host}", f"content-length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


async def _request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> None:
    writer.write(request)
    status = await _read_response(reader)
    if not 200 <= status < 300:
        raise RuntimeError(f"the endpoint answered {status}")


async def _send_all(
    host: str, requests: Mapping[int, Sequence[bytes]], connections: int
) -> tuple[float, list[float]]:
    latencies: list[float] = []

    async def connection(port: int, pending: Iterator[bytes]) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for request in pending:
                started = time.perf_counter()
                await _request(reader, writer, request)
                latencies.append(time.perf_counter() - started)
        finally:
            writer.close()

    # Each port's requests are shared by its own connections, so no port waits on another.
    per_port = max(1, connections // len(requests))
    senders = []
    for port, to_send in requests.items():
        pending = iter(to_send)
        senders += [connection(port, pending) for _ in range(per_port)]
    started = time.perf_counter()
    await asyncio.gather(*senders)
    return time.perf_counter() - started, latencies


def send_all(host: str, requests: Mapping[int, Sequence[bytes]], *, connections: int) -> LoadResult:
    """Send each port its requests, `connections` at a time in all, split evenly among
    the ports; fails on any non-2xx answer."""
    seconds, latencies = asyncio.run(_send_all(host, requests, connections))
    return LoadResult(seconds, latencies)


async def _send_at_rate(
    host: str, port: int, requests: Sequence[bytes], rate: float, connections: int
) -> tuple[float, list[float]]:
    """Open loop: request i is due at start + i / rate, whatever came before; its latency
    runs from when it was due, so a slow answer that holds the next request back counts
    against the endpoint, not the client (no coordinated omission)."""
    latencies: list[float] = []
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
    started = time.perf_counter() + 0.05

    async def schedule() -> None:
        for index, request in enumerate(requests):
            due = started + index / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            queue.put_nowait((due, request))

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while True:
                due, request = await queue.get()
                if not request:
                    return
                await _request(reader, writer, request)
                latencies.append(time.perf_counter() - due)
        finally:
            writer.close()

    senders = [asyncio.ensure_future(connection()) for _ in range(connections)]
    await schedule()
    for _ in senders:
        queue.put_nowait((0.0, b""))
    await asyncio.gather(*senders)
    return time.perf_counter() - started, latencies


def send_at_rate(
    host: str, port: int, requests: Sequence[bytes], *, rate: float, connections: int
) -> LoadResult:
    """Send `requests` to one port at `rate` per second (open loop) over up to
    `connections` keep-alive connections; fails on any non-2xx answer."""
    seconds, latencies = asyncio.run(_send_at_rate(host, port, requests, rate, connections))
    return LoadResult(seconds, latencies)
