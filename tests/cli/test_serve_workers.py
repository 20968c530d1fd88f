"""``mzgraph serve`` starts one web worker per core by default, and no process outlives a killed server."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from mzgraph.config import available_cores
from tools.servers import free_port, stop_process

pytestmark = pytest.mark.slow

MZGRAPH = Path(sys.executable).parent / "mzgraph"


def _wait_answering(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "mzgraph serve exited"
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail("mzgraph serve did not answer within 60 s")


def _web_workers(supervisor: psutil.Process) -> list[psutil.Process]:
    return [child for child in supervisor.children() if "spawn_main" in " ".join(child.cmdline())]


def test_workers_default_to_the_cores_and_die_when_the_supervisor_is_killed() -> None:
    port = free_port()
    command = [str(MZGRAPH), "serve", "--host", "127.0.0.1", "--port", str(port), "--query-workers", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_answering(process, f"http://127.0.0.1:{port}/sparql")
        supervisor = psutil.Process(process.pid)
        deadline = time.monotonic() + 60
        while len(_web_workers(supervisor)) < available_cores() and time.monotonic() < deadline:
            time.sleep(0.2)
        workers = _web_workers(supervisor)
        assert len(workers) == available_cores()
        descendants = supervisor.children(recursive=True)
        assert len(descendants) > len(workers)  # each worker's query processes too
        process.send_signal(signal.SIGKILL)  # no chance to stop anything
        process.wait()
        _, alive = psutil.wait_procs(descendants, timeout=15)
        assert not alive, [" ".join(p.cmdline())[-80:] for p in alive]
    finally:
        stop_process(process)
