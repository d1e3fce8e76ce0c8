"""Rules that keep the layers apart, checked on the source (Polar's habit)."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_routes_import_no_sqlalchemy() -> None:
    route_files = [
        p
        for p in APP.rglob("*.py")
        if p.name in {"api.py", "pages.py", "routes.py"} or p.parent.name == "routes"
    ]
    assert route_files
    for path in route_files:
        assert not any(name.startswith("sqlalchemy") for name in _imports(path)), path


def test_models_import_no_web_framework() -> None:
    for path in (APP / "models").glob("*.py"):
        assert not any(name.startswith(("fastapi", "starlette")) for name in _imports(path)), path


def test_only_config_reads_the_environment() -> None:
    for path in APP.rglob("*.py"):
        if path.name != "config.py":
            assert "os.environ" not in path.read_text(encoding="utf-8"), path
