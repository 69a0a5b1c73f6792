"""Copy the current `functions/` and `policies/` sources into a migration.

`functions/` and `policies/` are what reviewers read; a migration holds a snapshot of
them between marker lines:

    -- snapshot: functions/gigs.sql
    ...
    -- end snapshot: functions/gigs.sql

`python -m worker.snapshots [MIGRATION ...]` refreshes those regions (by default in the
newest migration only: applied migrations are history and are never rewritten). A test
fails when a database built from the migrations differs from the sources.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from worker.dbbuild import MIGRATIONS_DIR, REPO

SNAPSHOT = re.compile(
    r"^-- snapshot: (?P<source>\S+)\n.*?^-- end snapshot: (?P=source)\n",
    re.MULTILINE | re.DOTALL,
)


def refresh(migration: Path) -> bool:
    """Rewrite the snapshot regions of `migration`; True when anything changed."""
    text = migration.read_text()

    def current(match: re.Match[str]) -> str:
        source = match.group("source")
        body = (REPO / source).read_text()
        return f"-- snapshot: {source}\n{body.rstrip()}\n-- end snapshot: {source}\n"

    refreshed = SNAPSHOT.sub(current, text)
    if refreshed != text:
        migration.write_text(refreshed)
        return True
    return False


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    targets = [Path(arg) for arg in args] or sorted(MIGRATIONS_DIR.glob("*.sql"))[-1:]
    for target in targets:
        state = "refreshed" if refresh(target) else "up to date"
        print(f"{target}: {state}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
