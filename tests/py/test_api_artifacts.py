"""What frontends build against cannot drift: types/database.ts and docs/api.md are what
the migrations' database and its comments say (`make types docs` regenerates them), the
types fit the real supabase-js client (tsc), and a wrong argument name does not compile."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest

from apiref import generate

TSC = generate.REPO / "node_modules" / ".bin" / "tsc"
TYPES_DIR = generate.REPO / "types"
CATALOG_RPCS = {
    "become_seller",
    "submit_gig_for_review",
    "pause_gig",
    "unpause_gig",
    "publish_gig",
    "reject_gig",
    "search_gigs",
    "get_gig",
    "gig_reviews",
    "quote_order",
    # The operators' tools (functions/admin_tools.sql).
    "suspend_seller",
    "reinstate_seller",
    "take_down_gig",
    "restore_gig",
    "create_category",
    "rename_category",
    "move_category",
    "reorder_category",
    "deactivate_category",
    "reactivate_category",
}


def tsc(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TSC), *arguments], capture_output=True, text=True, check=False, timeout=300
    )


def test_the_committed_types_are_what_the_migrations_build(db_url: str) -> None:
    assert generate.typescript_types(db_url) == generate.TYPES_FILE.read_text(), (
        "types/database.ts is out of date: run `make types`"
    )


def test_the_committed_api_reference_is_what_the_comments_say(db_url: str) -> None:
    assert generate.api_reference(db_url) == generate.DOCS_FILE.read_text(), (
        "docs/api.md is out of date: run `make docs`"
    )


def test_the_types_fit_supabase_js() -> None:
    result = tsc("-p", str(TYPES_DIR))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def wrong_call() -> Path:
    path = TYPES_DIR / f"wrong-call-{uuid.uuid4().hex[:8]}.ts"
    path.write_text(
        "import { createClient } from '@supabase/supabase-js'\n"
        "import type { Database } from './database'\n"
        "const supabase = createClient<Database>('https://project.supabase.co', 'anon-key')\n"
        "export const found = supabase.rpc('search_gigs', { query: 'logo' })\n"
    )
    try:
        yield path
    finally:
        path.unlink()


def test_a_wrong_argument_name_does_not_compile(wrong_call: Path) -> None:
    result = tsc(
        "--noEmit",
        "--strict",
        "--skipLibCheck",
        "--target",
        "ES2022",
        "--module",
        "ESNext",
        "--moduleResolution",
        "Bundler",
        str(wrong_call),
    )
    assert result.returncode != 0
    assert "query" in result.stdout


def test_every_catalog_rpc_says_who_may_call_it_and_what_it_refuses(
    conn: psycopg.Connection,
) -> None:
    undocumented = []
    for name, comment_text in conn.execute(
        "select p.proname, obj_description(p.oid, 'pg_proc') from pg_proc as p"
        " where p.pronamespace = 'public'::regnamespace and p.proname = any(%s)",
        (sorted(CATALOG_RPCS),),
    ):
        comment = generate.parse_comment(comment_text)
        if not (comment.description and comment.who and comment.errors):
            undocumented.append(name)
        if any(len(code) != 5 for code, _ in comment.errors):
            undocumented.append(f"{name}: an @error without a SQLSTATE")
    assert undocumented == []
