"""`gigflow serve` as its own OS process, configured through the environment exactly as
an operator deploys it, for tests that must see what a browser or an attacker sees on
the wire; and the same configuration for the app in the test's own process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

import httpx

from devstack.offline import wait_for
from devstack.serving import free_port
from worker.settings import Settings

JWT_SECRET = "serve-process-jwt-secret-0123456789abcdef"
WEBHOOK_SECRET = "ws_serve_process_webhook_secret"
# Nothing listens there: these tests never need Whop to answer.
UNREACHABLE_WHOP = "http://127.0.0.1:9/api/v1"


def worker_settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        jwt_secret=JWT_SECRET,
        whop_api_key="apik_serve_process",
        whop_api_base_url=UNREACHABLE_WHOP,
        whop_platform_company_id="biz_serve_process",
        whop_webhook_secret=WEBHOOK_SECRET,
    )


class ServeProcess:
    def __init__(
        self, database_url: str, log_path: Path, environment: Mapping[str, str] | None = None
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log_path = log_path
        self._environment = {
            **os.environ,
            "GIGFLOW_DATABASE_URL": database_url,
            "GIGFLOW_JWT_SECRET": JWT_SECRET,
            "GIGFLOW_WHOP_API_KEY": "apik_serve_process",
            "GIGFLOW_WHOP_API_BASE_URL": UNREACHABLE_WHOP,
            "GIGFLOW_WHOP_PLATFORM_COMPANY_ID": "biz_serve_process",
            "GIGFLOW_WHOP_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "GIGFLOW_RECONCILE_INTERVAL_SECONDS": "3600",
            **(environment or {}),
        }
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ServeProcess:
        with self._log_path.open("wb") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "worker.cli", "serve", "--port", str(self.port)],
                env=self._environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for(self._ready, "gigflow serve to start", 30)
        except TimeoutError:
            self.__exit__(None, None, None)
            raise TimeoutError(self._log_path.read_text()) from None
        return self

    def _ready(self) -> bool:
        if self._process is not None and self._process.poll() is not None:
            raise RuntimeError(f"gigflow serve exited: {self._log_path.read_text()}")
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
