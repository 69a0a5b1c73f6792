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


async def _send_all(
    host: str, requests: Mapping[int, Sequence[bytes]], connections: int
) -> tuple[float, list[float]]:
    latencies: list[float] = []

    async def connection(port: int, pending: Iterator[bytes]) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for request in pending:
                started = time.perf_counter()
                writer.write(request)
                status = await _read_response(reader)
                latencies.append(time.perf_counter() - started)
                if not 200 <= status < 300:
                    raise RuntimeError(f"the endpoint answered {status}")
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
