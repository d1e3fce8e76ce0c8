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


def _is_route_module(path: Path) -> bool:
    return path.name in {"api.py", "pages.py"} or path.parent.name == "pages"


def test_routes_import_no_sqlalchemy() -> None:
    route_files = [p for p in APP.rglob("*.py") if _is_route_module(p)]
    assert route_files
    for path in route_files:
        assert not any(name.startswith("sqlalchemy") for name in _imports(path)), path


# Outside the feature packages: the operations endpoints (health, metrics) and the API docs page.
NOT_FEATURES = {"ops", "docs.py"}


def test_route_modules_are_named_for_what_they_serve() -> None:
    """In every feature package the routes live in pages.py (HTML, CSV, images, feeds; several page
    modules go in a pages/ package) and api.py (JSON), and nowhere else."""
    declaring = [p for p in APP.rglob("*.py") if "APIRouter(" in p.read_text(encoding="utf-8")]
    assert declaring
    for path in declaring:
        if path.relative_to(APP).parts[0] in NOT_FEATURES:
            continue
        assert _is_route_module(path), path


def test_json_routes_live_in_api_modules() -> None:
    """Every /api route is declared in an api.py, and an api.py declares nothing else."""
    from fastapi.routing import APIRoute, iter_route_contexts

    from app.main import create_app

    routes = [r for r in iter_route_contexts(create_app().routes) if isinstance(r.original_route, APIRoute)]
    assert routes
    for route in routes:
        module = route.endpoint.__module__
        if module.split(".")[1] in {name.removesuffix(".py") for name in NOT_FEATURES}:
            continue
        path = route.path or ""
        assert path.startswith("/api/") == module.endswith(".api"), (path, module)
