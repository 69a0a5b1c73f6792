"""The real Supabase CLI (npm `supabase`, pinned in package.json), run against a database
URL: what an operator runs against a project is what every local build and test runs.

`make node-deps` (a prerequisite of every target that needs it) installs it into
`node_modules/`. None of these commands needs Docker when given `--db-url` / URLs.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
CLI = REPO / "node_modules" / ".bin" / "supabase"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", ""}


class SupabaseCliError(RuntimeError):
    """The CLI is missing or a command failed; the message carries its output."""


def cli_url(database_url: str) -> str:
    """The URL as the CLI wants it. A local cluster speaks no TLS, and the CLI insists on
    it unless told otherwise; a remote URL is passed as given."""
    parts = urlsplit(database_url)
    query = dict(parse_qsl(parts.query))
    if parts.hostname in LOOPBACK_HOSTS or parts.hostname is None:
        query.setdefault("sslmode", "disable")
    return urlunsplit(parts._replace(query=urlencode(query)))


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    if not CLI.exists():
        raise SupabaseCliError(f"{CLI.relative_to(REPO)} is missing: run `make node-deps`")
    result = subprocess.run(
        [str(CLI), *args, "--workdir", str(REPO), "--agent", "no"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "SUPABASE_TELEMETRY_DISABLED": "1", "DO_NOT_TRACK": "1"},
    )
    if check and result.returncode != 0:
        raise SupabaseCliError(
            f"supabase {args[0]} {args[1] if len(args) > 1 else ''} failed"
            f" ({result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return result


def db_push(database_url: str, *, include_seed: bool = False) -> str:
    """Apply every pending migration (and the seed) the way `supabase db push` does."""
    args = ["db", "push", "--db-url", cli_url(database_url), "--include-all", "--yes"]
    if include_seed:
        args.append("--include-seed")
    result = run(*args)
    return result.stdout + result.stderr


def db_diff(from_url: str, to_url: str, schemas: list[str]) -> str:
    """The SQL that turns the database at `from_url` into the one at `to_url`."""
    result = run(
        "db",
        "diff",
        "--from",
        cli_url(from_url),
        "--to",
        cli_url(to_url),
        "--use-migra",
        "--schema",
        ",".join(schemas),
    )
    return result.stdout
