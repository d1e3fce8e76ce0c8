"""The dependency audit of .ci/run: pip-audit over the installed environment, offline-tolerant.

    .venv/bin/python tools/audit.py

Fails (exit 1) on a known vulnerability in an installed package, unless it is listed in ACCEPTED with the
reason it does not apply. When no advisory service can be reached (a machine without the network), it
says so plainly and passes: the audit is skipped, not passed, and the message says which.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# Advisories examined and accepted, with why (README "Security" says more).
ACCEPTED = {
    "CVE-2025-69872": (
        "diskcache unpickles what it stores as objects: code execution for whoever can write the cache "
        "folder. No release fixes it. The app stores bytes only and refuses to unpickle "
        "(app/cache/shared.py, BytesOnlyDisk), in a folder it checks is private to its user."
    ),
}
NETWORK_SIGNS = (
    "ConnectionError",
    "Max retries exceeded",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Name or service not known",
    "timed out",
    "Network is unreachable",
    "ProxyError",
    "SSLError",
)


@dataclass(frozen=True)
class Verdict:
    code: int  # the exit code
    message: str


def judge(returncode: int, stdout: str, stderr: str) -> Verdict:
    """What an audit run means, from pip-audit's JSON output and its error stream."""
    try:
        report = json.loads(stdout)
    except ValueError:
        if any(sign in stderr for sign in NETWORK_SIGNS):
            reason = (
                next(line for line in stderr.splitlines()[::-1] if line.strip()) if stderr.strip() else ""
            )
            return Verdict(
                0, f"Dependency audit SKIPPED: no vulnerability service could be reached ({reason[:200]})."
            )
        return Verdict(
            1, f"Dependency audit failed to run (pip-audit exit {returncode}): {stderr.strip()[:500]}"
        )
    found: list[str] = []
    accepted: list[str] = []
    for dependency in report.get("dependencies", []):
        for vuln in dependency.get("vulns", []):
            ids = {vuln.get("id", ""), *vuln.get("aliases", [])}
            named = ", ".join(sorted(i for i in ids if i))
            line = f"{dependency['name']} {dependency.get('version', '?')}: {named}"
            (accepted if ids & ACCEPTED.keys() else found).append(line)
    audited = len(report.get("dependencies", []))
    notes = "".join(f"\n  accepted: {line}" for line in accepted)
    if found:
        listed = "".join(f"\n  {line}" for line in found)
        return Verdict(
            1, f"Dependency audit: {len(found)} known vulnerabilit(ies) in {audited} packages:{listed}{notes}"
        )
    return Verdict(0, f"Dependency audit: no known vulnerability in {audited} packages.{notes}")


def main() -> None:
    pip_audit = Path(sys.executable).parent / "pip-audit"
    try:
        done = subprocess.run(
            [str(pip_audit), "--local", "--skip-editable", "--format", "json", "--aliases", "on",
             "--progress-spinner", "off", "--timeout", "15"],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        print("Dependency audit SKIPPED: the vulnerability service did not answer within 10 minutes.")
        return
    verdict = judge(done.returncode, done.stdout, done.stderr)
    print(verdict.message)
    raise SystemExit(verdict.code)


if __name__ == "__main__":
    main()
