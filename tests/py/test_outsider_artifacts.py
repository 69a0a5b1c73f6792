"""Outsider findings on what a frontend developer and an operator read: the generated
TypeScript types and the pointers in the README, docs and code."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TYPES = (REPO / "types" / "database.ts").read_text()


def function_returns(name: str) -> str:
    functions = TYPES[TYPES.index("    Functions: {") : TYPES.index("    Enums: {")]
    start = functions.index(f"\n      {name}: {{")
    end = functions.index("\n      }\n", start)
    block = functions[start:end]
    return block[block.index("Returns:") :]


def test_result_columns_that_are_null_are_typed_nullable() -> None:
    # search_gigs answers cover_path null for a gig without media and seller_avatar_url
    # null for a seller without an avatar (every seeded card has both null), and
    # gig_reviews reviewer_avatar_url null likewise; types/database.ts types them as
    # `string`, so a strict TypeScript frontend is never told to handle the null
    # (`supabase.storage.from('gig-media').getPublicUrl(row.cover_path)` compiles).
    expected = {
        "search_gigs": ("cover_path", "seller_avatar_url"),
        "gig_reviews": ("reviewer_avatar_url",),
    }
    wrong = [
        f"{function}.{column}"
        for function, columns in expected.items()
        for column in columns
        if not re.search(rf"\b{column}: string \| null\b", function_returns(function))
    ]
    assert not wrong, f"typed non-null but null in the database: {wrong}"


def test_every_markdown_file_the_repository_names_is_in_it() -> None:
    # README ("as DESIGN.md says", under "What the edge must add") and tests/sql
    # (11_transition_table.sql, 12_gig_transitions.sql) cite DESIGN.md, which is not in
    # the repository: a reader cannot follow them.
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    names = {Path(path).name for path in tracked}
    missing = {}
    for path in tracked:
        if not path.endswith((".md", ".py", ".sql", ".ts", ".toml")) or "outsider" in path:
            continue
        for cited in re.findall(r"\b([A-Za-z][\w-]*\.md)\b", (REPO / path).read_text()):
            if cited not in names:
                missing.setdefault(cited, []).append(path)
    assert not missing, f"files cited but not in the repository: {missing}"
