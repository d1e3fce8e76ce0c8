"""The proxy configuration benchmarks/scaleout.py runs and measures is the one compose.yaml ships: one
template (benchmarks/scaleout.nginx.conf), whose ${UNGA_...} names the harness fills in, and the nginx
image's entrypoint from the proxy service's environment. A name added to one and not the other would
leave nginx refusing to start in the place nobody ran."""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx2
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (apt-get install nginx)")
def test_when_no_instance_answers_clients_get_a_clean_503_that_says_to_retry() -> None:
    folder = Path(tempfile.mkdtemp(prefix="unga-nginx-"))
    folder.chmod(0o755)  # nginx's workers (nobody, when run as root) write their temporary files here
    front, back = _free_port(), _free_port()
    # Both instances "stopped": nothing listens on the ports the upstream names.
    conf = Proxy(folder).configuration(
        UNGA_CACHED_LISTEN=f"127.0.0.1:{front}",
        UNGA_DIRECT_LISTEN=f"127.0.0.1:{back}",
        UNGA_APP_A=f"127.0.0.1:{_free_port()}",
        UNGA_APP_B=f"127.0.0.1:{_free_port()}",
    )
    (folder / "nginx.conf").write_text(conf)
    nginx = subprocess.Popen(
        ["nginx", "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(folder / "nginx.conf"),
         "-g", "daemon off;"],
    )  # fmt: skip
    try:
        for port in (front, back):
            for method in ("GET", "POST"):
                answer = _request(port, method)
                assert answer.status_code == 503
                assert answer.headers["retry-after"] == "5"
                assert "please try again" in answer.text
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _request(port: int, method: str) -> httpx2.Response:
    for _ in range(50):  # until nginx listens
        try:
            return httpx2.request(method, f"http://127.0.0.1:{port}/resolutions", timeout=5)
        except httpx2.ConnectError:
            time.sleep(0.05)
    raise AssertionError(f"nginx did not listen on {port}")
