"""The package shows the architecture: `worker` is what production runs, and it never
loads the development packages (the Whop emulator, the local platform, the demo). A
deployed worker then cannot reach an emulator by mistake, and needs none of their
dependencies on the machine."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parents[2]
DEVELOPMENT_PACKAGES = ("whop_emulator", "devstack", "demo")

# What `gigflow serve` loads before it serves: the app, and the command with its parser.
LOAD_SERVE = """
import json, sys
import worker.app
import worker.cli
worker.cli.build_parser()
print(json.dumps(sorted(sys.modules)))
"""


def is_development(module: str) -> bool:
    return module.split(".")[0] in DEVELOPMENT_PACKAGES


def module_level_imports(tree: ast.Module) -> list[str]:
    """Modules imported when the file is imported: everywhere but inside a function,
    whose imports wait for a call (how the CLI's development commands load theirs)."""
    found: list[str] = []
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        pending.extend(ast.iter_child_nodes(node))
    return found


def test_serving_loads_no_emulator_demo_or_devstack_module() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", LOAD_SERVE],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    modules = json.loads(loaded.stdout)
    assert "worker.app" in modules
    assert [name for name in modules if is_development(name)] == []


def test_production_modules_import_no_development_package_at_module_level() -> None:
    offending = {
        str(path.relative_to(REPO)): imported
        for path in sorted((REPO / "worker").rglob("*.py"))
        if (
            imported := [
                name
                for name in module_level_imports(ast.parse(path.read_text()))
                if is_development(name)
            ]
        )
    }
    assert offending == {}


def test_the_import_walk_sees_module_level_imports_and_skips_function_bodies() -> None:
    tree = ast.parse(
        "import devstack.localpg\n"
        "if True:\n    from demo import story\n"
        "class Holder:\n    from whop_emulator import WhopEmulator\n"
        "def handler():\n    from devstack import dbbuild\n"
    )
    assert sorted(module_level_imports(tree)) == ["demo", "devstack.localpg", "whop_emulator"]
