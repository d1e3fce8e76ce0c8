"""The proxy configuration benchmarks/scaleout.py runs and measures is the one compose.yaml ships: one
template (benchmarks/scaleout.nginx.conf), whose ${UNGA_...} names the harness fills in, and the nginx
image's entrypoint from the proxy service's environment. A name added to one and not the other would
leave nginx refusing to start in the place nobody ran."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from benchmarks.scaleout import TEMPLATE, Proxy

NAMES = re.compile(r"\$\{(UNGA_\w+)\}")


def test_the_harness_and_compose_fill_in_every_name_of_the_template() -> None:
    names = set(NAMES.findall(TEMPLATE.read_text()))
    assert "UNGA_PUBLIC_HOST" in names
    assert set(Proxy().values()) == names
    compose = (PROJECT_ROOT / "compose.yaml").read_text()
    proxy_service = compose[compose.index("\n  proxy:\n") :]
    missing = [name for name in sorted(names) if not re.search(rf"^\s+{name}: \S", proxy_service, re.M)]
    assert missing == []
    assert "./benchmarks/scaleout.nginx.conf:/etc/nginx/templates/nginx.conf.template" in proxy_service


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (apt-get install nginx)")
def test_nginx_accepts_the_configuration_the_harness_writes(tmp_path: Path) -> None:
    proxy = Proxy(tmp_path)
    text = proxy.configuration()
    assert NAMES.search(text) is None
    conf = tmp_path / "nginx.conf"
    conf.write_text(text)
    checked = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
