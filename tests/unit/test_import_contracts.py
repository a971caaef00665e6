"""The dependency direction is checked, not hoped for."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def test_import_linter_contracts_hold() -> None:
    # Layers point inward; domain and application import no framework (contracts in pyproject.toml).
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=SRC.parent,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_domain_imports_only_the_standard_library() -> None:
    offenders = []
    for path in (SRC / "domain").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in {"domain", "__future__"}:
                    offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert offenders == []
