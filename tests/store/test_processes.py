"""No process mzgraph starts outlives the server that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import psutil
import pytest

from tools.servers import free_port

pytestmark = pytest.mark.slow


def _wait_until_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "server exited during start-up"
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_workers_die_with_a_stopped_server(stop: signal.Signals) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mzgraph.cli", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base + "/", proc)
        # an organisation page shows its SHACL conformance: that starts the validation worker
        assert httpx.get(base + "/id/organisation/gemeente-haarlem", timeout=60).status_code == 200
        children = psutil.Process(proc.pid).children(recursive=True)
        assert children, "expected query and validation worker processes"
        os.kill(proc.pid, stop)
        proc.wait(timeout=30)
        _gone, alive = psutil.wait_procs(children, timeout=10)
        assert alive == [], f"orphaned workers: {[p.cmdline() for p in alive]}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
