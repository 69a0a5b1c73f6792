"""What a reader of the README, docs and code follows: every file they name is in the
repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_every_markdown_file_the_repository_names_is_in_it() -> None:
    # The README and two pgTAP files once cited the design notes kept outside the
    # repository: a reader could not follow them.
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    names = {Path(path).name for path in tracked}
    missing = {}
    for path in tracked:
        if not path.endswith((".md", ".py", ".sql", ".ts", ".toml")):
            continue
        for cited in re.findall(r"\b([A-Za-z][\w-]*\.md)\b", (REPO / path).read_text()):
            if cited not in names:
                missing.setdefault(cited, []).append(path)
    assert not missing, f"files cited but not in the repository: {missing}"
