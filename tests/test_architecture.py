"""The dependency direction of the code: ui -> core <- cli, and core never loads Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "readinglist" / "core"

CHECK = """
import importlib, pkgutil, sys
import readinglist.core as core
names = [m.name for m in pkgutil.walk_packages(core.__path__, "readinglist.core.")]
for name in names:
    importlib.import_module(name)
import readinglist.cli.main
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6")
                or m.startswith(("readinglist.ui",)))
print(len(names), loaded)
"""


def test_core_and_cli_never_load_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, check=True
    )
    count, loaded = result.stdout.strip().split(" ", 1)
    assert int(count) >= 10
    assert loaded == "[]"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_core_imports_neither_ui_nor_cli() -> None:
    for path in CORE.rglob("*.py"):
        for module in imported_modules(path):
            assert not module.startswith(("readinglist.ui", "readinglist.cli", "PySide6")), (
                f"{path.relative_to(ROOT)} imports {module}"
            )


def test_ui_and_cli_do_not_import_each_other() -> None:
    for path in (ROOT / "readinglist" / "ui").rglob("*.py"):
        assert not any(m.startswith("readinglist.cli") for m in imported_modules(path)), path
    for path in (ROOT / "readinglist" / "cli").rglob("*.py"):
        assert not any(m.startswith("readinglist.ui") for m in imported_modules(path)), path
