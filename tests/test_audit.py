"""The dependency audit of .ci/run (tools/audit.py): a known vulnerability fails it, an accepted one is
named, and a machine without the network skips it with a clear message instead of failing."""

from __future__ import annotations

import json

from tools.audit import ACCEPTED, judge


def _report(*vulns: tuple[str, str, list[str]]) -> str:
    deps: list[dict[str, object]] = [{"name": "ok", "version": "1.0", "vulns": []}]
    deps += [{"name": name, "version": "1.0", "vulns": [{"id": i, "aliases": a}]} for name, i, a in vulns]
    return json.dumps({"dependencies": deps})


def test_a_known_vulnerability_fails() -> None:
    verdict = judge(1, _report(("leaky", "PYSEC-2099-1", ["CVE-2099-1"])), "")
    assert verdict.code == 1
    assert "leaky 1.0: CVE-2099-1, PYSEC-2099-1" in verdict.message


def test_an_accepted_advisory_is_named_not_failed() -> None:
    accepted = next(iter(ACCEPTED))
    verdict = judge(1, _report(("diskcache", "GHSA-xxxx", [accepted])), "")
    assert verdict.code == 0
    assert f"accepted: diskcache 1.0: {accepted}, GHSA-xxxx" in verdict.message


def test_clean() -> None:
    assert judge(0, _report(), "") == judge(0, _report(), "")
    assert judge(0, _report(), "").message == "Dependency audit: no known vulnerability in 1 packages."


def test_offline_is_a_skip_that_says_so() -> None:
    stderr = "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='pypi.org'): Max retries exceeded"
    verdict = judge(1, "", stderr)
    assert verdict.code == 0
    assert verdict.message.startswith("Dependency audit SKIPPED: no vulnerability service could be reached")


def test_any_other_failure_fails() -> None:
    assert judge(2, "", "error: unrecognized arguments").code == 1
