"""`gigflow serve` as its own OS process, as production runs it: configured only through
its environment, observed only through HTTP, the database and its JSON log; and the same
configuration for an app in the test's own process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx
from standardwebhooks import Webhook

from devstack.offline import wait_for
from devstack.serving import free_port
from worker.settings import Settings

JWT_SECRET = "worker-process-suite-jwt-secret-0123456789"
WEBHOOK_SECRET = "ws_worker_process_suite_secret"


def worker_environment(database_url: str) -> dict[str, str]:
    """The variables every test worker runs with."""
    return {
        "GIGFLOW_ENVIRONMENT": "development",
        "GIGFLOW_DATABASE_URL": database_url,
        "GIGFLOW_JWT_SECRET": JWT_SECRET,
        "GIGFLOW_WHOP_API_KEY": "apik_worker_process_suite",
        # Nothing listens there: these tests never need Whop to answer.
        "GIGFLOW_WHOP_API_BASE_URL": "http://127.0.0.1:9/api/v1",
        "GIGFLOW_WHOP_PLATFORM_COMPANY_ID": "biz_worker_process_suite",
        "GIGFLOW_WHOP_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "GIGFLOW_INBOX_POLL_SECONDS": "0.2",
        "GIGFLOW_RECONCILE_INTERVAL_SECONDS": "3600",
    }


def worker_settings(database_url: str) -> Settings:
    """What a worker process reads from `worker_environment`, for an app in this process."""
    return Settings(
        **{
            name.removeprefix("GIGFLOW_").lower(): value
            for name, value in worker_environment(database_url).items()
        }
    )


def signed(payload: dict, webhook_id: str) -> tuple[bytes, dict[str, str]]:
    """A delivery as Whop sends it, signed with the processes' secret."""
    body = json.dumps(payload)
    now = datetime.now(UTC)
    return body.encode(), {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(WEBHOOK_SECRET.encode()).sign(webhook_id, now, body),
        "content-type": "application/json",
    }


class WorkerProcess:
    """Started with `start()` (or `with`), stopped with SIGTERM as an orchestrator stops
    it, or killed with SIGKILL as a crash would."""

    def __init__(
        self,
        database_url: str,
        *,
        log_file: Path | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_file = log_file
        self._environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GIGFLOW_")},
            **worker_environment(database_url),
            **(environment or {}),
        }
        self._process: subprocess.Popen[bytes] | None = None

    def launch(self) -> None:
        """Start the process without waiting for it to listen (see `start_all`)."""
        log: IO[bytes] | int = (
            self.log_file.open("ab") if self.log_file is not None else subprocess.DEVNULL
        )
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "worker.cli", "serve", "--port", str(self.port)],
                env=self._environment,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        finally:
            if not isinstance(log, int):
                log.close()

    def wait_ready(self) -> None:
        try:
            wait_for(self._ready, "the worker to start", 60)
        except TimeoutError:
            self.stop()
            raise TimeoutError(f"the worker did not start: {self._log()}") from None

    def start(self) -> WorkerProcess:
        self.launch()
        self.wait_ready()
        return self

    def _ready(self) -> bool:
        if self._process is not None and self._process.poll() is not None:
            raise RuntimeError(f"the worker exited with {self._process.returncode}: {self._log()}")
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def _log(self) -> str:
        if self.log_file is None or not self.log_file.exists():
            return "(no log file)"
        return self.log_file.read_text()

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGKILL)
            self._process.wait()

    def __enter__(self) -> WorkerProcess:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def log_entries(self, message: str) -> list[dict]:
        """The JSON log lines with this message."""
        return [entry for entry in self._entries() if entry.get("message") == message]

    def entries_at(self, level: str) -> list[dict]:
        """The JSON log lines at this level."""
        return [entry for entry in self._entries() if entry.get("level") == level]

    def _entries(self) -> list[dict]:
        if self.log_file is None or not self.log_file.exists():
            return []
        # The last line may be mid-write while the process runs: read only whole lines.
        *lines, _unterminated = self.log_file.read_text().split("\n")
        return [json.loads(line) for line in lines if line.startswith("{")]


def start_all(processes: Iterable[WorkerProcess]) -> None:
    """Launch every process first, so they start (and race) together."""
    started = list(processes)
    for process in started:
        process.launch()
    for process in started:
        process.wait_ready()
