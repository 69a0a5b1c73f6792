"""A throwaway PostgreSQL 15 cluster for development, the demo and the tests.

The cluster's bootstrap superuser is `supabase_admin`, as on a hosted Supabase project, so
that migrations can run as a `postgres` role that is *not* a superuser. initdb refuses to
run as root, so when we are root every server command runs as the `postgres` OS user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SUPERUSER = "supabase_admin"
APP_USER = "postgres"
DATABASE = "postgres"


class LocalClusterError(RuntimeError):
    """The local cluster could not be created, started or stopped."""


def server_os_user() -> str | None:
    """The OS user that must own and run the cluster, or None for the current user."""
    return "postgres" if os.geteuid() == 0 else None


def make_server_dir(path: Path) -> None:
    """Create `path` for a server process to own (the cluster's data, the pooler's files)."""
    path.mkdir(parents=True, exist_ok=True)
    run_as = server_os_user()
    if run_as:
        account = pwd.getpwnam(run_as)
        os.chown(path, account.pw_uid, account.pw_gid)
        # The server user must be able to reach a directory below root's paths.
        for parent in path.resolve().parents:
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o001)


def _run(args: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    run_as = server_os_user()
    command = ["runuser", "-u", run_as, "--", *args] if run_as else args
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise LocalClusterError(
            f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return result


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class LocalCluster:
    """A cluster living in `data_dir`, listening on 127.0.0.1 only. Its bootstrap
    superuser is `supabase_admin` unless told otherwise (`postgres`: a plain PostgreSQL)."""

    data_dir: Path
    superuser: str = SUPERUSER

    @property
    def port_file(self) -> Path:
        return self.data_dir / "gigflow.port"

    @property
    def port(self) -> int:
        return int(self.port_file.read_text())

    def url(self, user: str = APP_USER, database: str = DATABASE) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    @property
    def admin_url(self) -> str:
        return self.url(self.superuser)

    def is_initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def is_running(self) -> bool:
        if not self.is_initialized():
            return False
        return (
            _run(
                [str(PG_BIN / "pg_ctl"), "status", "-D", str(self.data_dir)], check=False
            ).returncode
            == 0
        )

    def initialize(self) -> None:
        """Create the cluster directory (trust auth on loopback: it is a throwaway)."""
        make_server_dir(self.data_dir)
        _run(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                self.superuser,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]
        )
        extra = self.data_dir / "postgresql.auto.conf"
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.data_dir}'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "wal_level": "logical",
            "max_connections": "200",
            "shared_buffers": "'256MB'",
        }
        with extra.open("a") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def start(self, port: int | None = None) -> None:
        if not self.is_initialized():
            self.initialize()
        if self.is_running():
            return
        chosen = port or _free_port()
        self.port_file.write_text(str(chosen))
        _run(
            [
                str(PG_BIN / "pg_ctl"),
                "start",
                "-w",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.data_dir / "server.log"),
                "-o",
                f"-p {chosen}",
            ]
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready = _run(
                [str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                check=False,
            )
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        raise LocalClusterError(f"PostgreSQL on port {self.port} did not become ready")

    def stop(self) -> None:
        if self.is_running():
            _run([str(PG_BIN / "pg_ctl"), "stop", "-m", "fast", "-w", "-D", str(self.data_dir)])

    def restart(self) -> None:
        """Stop (fast: sessions are cut) and start again on the same port. Not `pg_ctl
        restart`, whose server would inherit our output pipes instead of its log file."""
        port = self.port
        self.stop()
        self.start(port)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
