"""How long the README's test command takes, against the suite of an older commit, in the same run.

    python3.11 benchmarks/test_suite_speed.py                  # against 9e9702e, 1 run each
    python3.11 benchmarks/test_suite_speed.py --runs 3 --baseline <commit> --keep /tmp/suite-baseline

Issue 15 asked for `python3.11 dev.py test` in under half the time it took when the issue was filed. That
commit, 9e9702e, ran the suite in one process. This script checks it out into a worktree (kept with
--keep, so that its virtual environment is made once) and times both suites on SQLite, one after the
other, alternating, so that both see the same machine. Each suite runs the same way as the README's
command, through its own dev.py. It prints each run, the medians and their ratio. A suite that fails
still counts: its time is printed with its summary line.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILED_AT = "9e9702e"  # main when issue 15 was filed


def worktree(commit: str, folder: Path) -> Path:
    if not (folder / "dev.py").exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(folder), commit], cwd=ROOT, check=True)
    return folder


def run_suite(folder: Path) -> tuple[float, str]:
    """Seconds for ``dev.py test -q`` in ``folder`` on SQLite, and pytest's summary line."""
    env = {**os.environ, "DATABASE_URL": ""}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "dev.py", "test", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    summaries = [line for line in done.stdout.splitlines() if re.search(r"\d+ (passed|failed)", line)]
    return seconds, (summaries[-1].strip("= ") if summaries else f"exit {done.returncode}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", default=FILED_AT, help="the commit to compare with")
    parser.add_argument("--runs", type=int, default=1, help="runs of each suite")
    parser.add_argument(
        "--keep", type=Path, help="the baseline's worktree (kept between runs of this script)"
    )
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="suite-baseline-")) / "tree"
    baseline = worktree(args.baseline, folder)
    for tree in (baseline, ROOT):  # set up each virtual environment before timing anything
        subprocess.run(
            [sys.executable, "dev.py", "test", "--collect-only", "-q"], cwd=tree, capture_output=True
        )
    times: dict[str, list[float]] = {"baseline": [], "main": []}
    for number in range(1, args.runs + 1):
        for name, tree in (("baseline", baseline), ("main", ROOT)):
            seconds, summary = run_suite(tree)
            times[name].append(seconds)
            print(f"run {number} {name:<8} {seconds:7.1f} s  {summary}", flush=True)
    old, new = statistics.median(times["baseline"]), statistics.median(times["main"])
    print(f"median: {args.baseline} {old:.1f} s, this tree {new:.1f} s, ratio {new / old:.2f}")


if __name__ == "__main__":
    main()
