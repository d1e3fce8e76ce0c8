#!/usr/bin/env python3
"""Set up and run UNGA Votes with nothing but Python 3.11 and pip.

    python3.11 dev.py serve    # create .venv, install, migrate, import the shipped data if empty, serve :8000
    python3.11 dev.py test     # create .venv, install with test tools, run the tests (args go to pytest)
                               # in parallel (pytest-xdist): -n N sets the workers, -n 0 runs in one process
    python3.11 dev.py check    # ruff, mypy, import contracts and alembic check, as CI runs them

The virtual environment is reinstalled only when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)
    if result.returncode:
        raise SystemExit(result.returncode)


def setup() -> None:
    if sys.version_info[:2] != (3, 11):
        raise SystemExit(f"UNGA Votes needs Python 3.11; this is {sys.version.split()[0]}.")
    if not (BIN / "python").exists():
        print("Creating the virtual environment in .venv ...")
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("Installing UNGA Votes and its dependencies ...")
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    # The browser extra is only Python packages; its tests skip unless Debian's chromium is installed.
    run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[dev,browser]")
    STAMP.write_text(wanted)


def workers(args: list[str]) -> list[str]:
    """pytest-xdist's -n, unless the arguments choose (-n, --numprocesses, -p no:xdist, --pdb): one worker
    per core, at most four (each worker holds databases of its own; more rarely pays on this suite).
    Work stealing: the tests take from 0.01 s to 20 s, and a worker that is done takes the other's."""
    if any(
        a.startswith(("-n", "--numprocesses", "--pdb", "--trace")) or a.endswith("no:xdist") for a in args
    ):
        return []
    return ["-n", str(min(os.cpu_count() or 1, 4)), "--dist", "worksteal"]


def main() -> None:
    command, *rest = sys.argv[1:] or ["help"]
    if command == "serve":
        setup()
        # The quick start serves on this machine with the development secret key, which a server started
        # any other way refuses (app/config.py): say so explicitly unless told otherwise.
        env = {**os.environ, "UNGA_ENVIRONMENT": os.environ.get("UNGA_ENVIRONMENT", "development")}
        run(BIN / "unga", "serve", *rest, env=env)
    elif command == "test":
        setup()
        run(BIN / "pytest", *workers(rest), *rest)
    elif command == "check":
        setup()
        run(BIN / "ruff", "check", ".")
        run(BIN / "ruff", "format", "--check", ".")
        run(BIN / "mypy")
        run(BIN / "lint-imports")  # the layers as contracts ([tool.importlinter] in pyproject.toml)
        with tempfile.TemporaryDirectory() as tmp:  # alembic check compares models with a migrated database
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/check.sqlite3"}
            run(BIN / "alembic", "upgrade", "head", env=env)
            run(BIN / "alembic", "check", env=env)
    else:
        print(__doc__)


if __name__ == "__main__":
    main()
