"""PgBouncer in transaction mode in front of a throwaway cluster: what a hosted Supabase
project's pooler (port 6543) does to its clients, on this machine. A server connection
serves one transaction of one client, then any other client: session settings and
server-side prepared statements do not follow a client from one transaction to the next.

Any database of the cluster is reachable through it under its own name, as any of the
roles a test uses, without a password (trust: it is a throwaway on loopback). PgBouncer
refuses to run as root, so when we are root it runs as the cluster's OS user.
"""

from __future__ import annotations

import os
import pwd
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import psycopg

from devstack.localpg import (
    APP_USER,
    DATABASE,
    SUPERUSER,
    LocalCluster,
    make_server_dir,
    server_os_user,
)
from devstack.serving import free_port

PGBOUNCER = Path(os.environ.get("PGBOUNCER", "/usr/sbin/pgbouncer"))
# The roles the worker, the tests and the bench connect as.
ROLES = (APP_USER, SUPERUSER, "supabase_auth_admin")


class LocalPoolerError(RuntimeError):
    """PgBouncer could not be started or stopped."""


@dataclass
class LocalPooler:
    """PgBouncer listening on 127.0.0.1:`port`, its files in `work_dir`.

    `pool_size` is the number of server connections per database and role: fewer than
    the clients means clients take turns on them, as on a busy hosted pooler.
    """

    cluster: LocalCluster
    work_dir: Path
    pool_size: int = 15
    port: int = field(default_factory=free_port)
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def log_file(self) -> Path:
        return self.work_dir / "pgbouncer.log"

    def url(self, user: str = APP_USER, database: str = DATABASE) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def _write_config(self) -> Path:
        users = self.work_dir / "users.txt"
        # Trust still needs each role named; the password column is never checked.
        users.write_text("".join(f'"{role}" ""\n' for role in ROLES))
        config = self.work_dir / "pgbouncer.ini"
        config.write_text(
            "[databases]\n"
            # The fallback entry: any database name passes through to the cluster.
            f"* = host=127.0.0.1 port={self.cluster.port}\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.port}\n"
            "unix_socket_dir =\n"
            "auth_type = trust\n"
            f"auth_file = {users}\n"
            "pool_mode = transaction\n"
            f"default_pool_size = {self.pool_size}\n"
            "max_client_conn = 1000\n"
            # Some drivers send it at startup; the hosted poolers accept it too.
            "ignore_startup_parameters = extra_float_digits\n"
        )
        return config

    def start(self, timeout_seconds: float = 15.0) -> LocalPooler:
        if self._process is not None and self._process.poll() is None:
            return self
        make_server_dir(self.work_dir)
        config = self._write_config()
        run_as = server_os_user()
        account = pwd.getpwnam(run_as) if run_as else None
        with self.log_file.open("ab") as log:
            self._process = subprocess.Popen(
                [str(PGBOUNCER), str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                user=account.pw_uid if account else None,
                group=account.pw_gid if account else None,
                extra_groups=[] if account else None,
            )
        self._wait_ready(timeout_seconds)
        return self

    def _wait_ready(self, timeout_seconds: float) -> None:
        deadline = time.monotonic() + timeout_seconds
        while True:
            if self._process is not None and self._process.poll() is not None:
                raise LocalPoolerError(f"pgbouncer exited:\n{self.log_file.read_text()}")
            try:
                with psycopg.connect(self.url(SUPERUSER), connect_timeout=2) as conn:
                    conn.execute("select 1")
                return
            except psycopg.OperationalError as error:
                if time.monotonic() > deadline:
                    self.stop()
                    raise LocalPoolerError(
                        f"pgbouncer on port {self.port} did not answer: {error}"
                    ) from error
                time.sleep(0.05)

    def stop(self, timeout_seconds: float = 10.0) -> None:
        """Shut down once no transaction is running (SIGINT); killed if that takes longer."""
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
            try:
                self._process.wait(timeout_seconds)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def __enter__(self) -> LocalPooler:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
