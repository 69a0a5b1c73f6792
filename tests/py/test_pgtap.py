"""Runs every pgTAP file in tests/sql/ against a clone of the template database.

Each file is one test here; a file passes when psql ran it to the end, its plan was met
and no assertion said `not ok`. Failures show the TAP lines and diagnostics."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from devstack import dbbuild
from devstack.localpg import PG_BIN

SQL_TESTS = sorted((dbbuild.REPO / "tests" / "sql").glob("*.sql"))
PLAN = re.compile(r"^1\.\.(\d+)$", re.MULTILINE)
RESULT = re.compile(r"^(not ok|ok) \d+", re.MULTILINE)


def run_pgtap_file(url: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(PG_BIN / "psql"),
            url,
            "-X",
            "--quiet",
            "--tuples-only",
            "--no-align",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            "set search_path = public, extensions, tests",
            "-f",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.mark.parametrize("path", SQL_TESTS, ids=[path.name for path in SQL_TESTS])
def test_pgtap_file_passes(db_url: str, path: Path) -> None:
    result = run_pgtap_file(db_url, path)
    output = result.stdout + result.stderr
    results = RESULT.findall(result.stdout)
    plan = PLAN.search(result.stdout)
    failures = [line for line in output.splitlines() if line.startswith(("not ok", "#"))]
    assert result.returncode == 0, f"psql stopped on an error:\n{output}"
    assert plan, f"no plan printed:\n{output}"
    assert "not ok" not in results, "\n".join(failures)
    assert len(results) == int(plan.group(1)), f"planned {plan.group(1)}, ran {len(results)}"
