"""Real servers for the conformance run: an ASGI app under uvicorn on 127.0.0.1, ``oxigraph serve``, ``mzgraph serve``.

Each listens on a free loopback port and is stopped when its ``with`` block ends, so a failed run
leaves no process or thread behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn

_START_TIMEOUT = 20.0


class ServerError(RuntimeError):
    """A server did not start (or its store refused the data)."""


class AppRunner:
    """Runs ASGI apps under uvicorn on 127.0.0.1, each on its own free port, in background threads.

    uvicorn notices a stop request at the next tick of its main loop (0.1 s), and closing a store
    waits for its worker processes; waiting for that after each of some 90 datasets would dominate a
    run, so servers are told to stop at the end of their block, clean-ups run in the background, and
    all of it is joined when the runner closes.
    """

    def __init__(self) -> None:
        self._stopping: list[threading.Thread] = []

    def __enter__(self) -> AppRunner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Wait for every server started here to have stopped, and every deferred clean-up to be done."""
        for thread in self._stopping:
            thread.join(_START_TIMEOUT)
        self._stopping.clear()

    def defer(self, cleanup: Callable[[], object]) -> None:
        """Run ``cleanup`` (say, closing a store, which waits on its processes) in the background."""
        thread = threading.Thread(target=cleanup, name="cleanup", daemon=True)
        thread.start()
        self._stopping.append(thread)

    @contextlib.contextmanager
    def serve(self, app: Callable[..., Any], *, lifespan: bool = True) -> Iterator[str]:
        """Serve ``app`` for the duration of the block; yields its base URL.

        ``lifespan=False`` skips the app's start-up and shut-down hooks; the caller then releases
        what the app holds.
        """
        # IPPROTO_TCP given explicitly: asyncio sets TCP_NODELAY only on sockets that say so, and
        # without it every response waits ~40 ms for a delayed ACK (headers and body are two writes).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on" if lifespan else "off")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn-{port}", daemon=True)
        thread.start()
        try:
            _wait_until(lambda: server.started or not thread.is_alive(), what=f"uvicorn on port {port}")
            if not server.started:
                raise ServerError(f"the app did not start on port {port} (see the log above)")
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            self._stopping.append(thread)


@contextlib.contextmanager
def oxigraph_server() -> Iterator[str]:
    """A throwaway in-memory ``oxigraph serve`` process on a free port; yields its base URL."""
    port = free_port()
    # Its own deadline too, so that a runaway query cannot keep a core busy after the run gave up on it.
    command = [str(oxigraph_binary()), "serve", "--bind", f"127.0.0.1:{port}", "--timeout-s", "60"]
    with _process(command, f"http://127.0.0.1:{port}", ready_path="/") as base_url:
        yield base_url


@contextlib.contextmanager
def mzgraph_server(*options: str) -> Iterator[str]:
    """``mzgraph serve OPTIONS`` as a process of its own on a free port; yields its base URL."""
    port = free_port()
    command = [str(_command("mzgraph")), "serve", *options, "--host", "127.0.0.1", "--port", str(port)]
    with _process(command, f"http://127.0.0.1:{port}", ready_path="/sparql") as base_url:
        yield base_url


@contextlib.contextmanager
def _process(command: list[str], base_url: str, *, ready_path: str) -> Iterator[str]:
    """Run ``command`` in a session of its own until it answers ``ready_path``; stop it and its children after.

    The whole process group is stopped, so helpers the server spawned (query or validation workers)
    cannot outlive it.
    """
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
        try:
            _wait_until(
                lambda: _answers(base_url + ready_path) or process.poll() is not None, what=" ".join(command[:2])
            )
            if process.poll() is not None:
                log.seek(0)
                output = log.read().decode(errors="replace").strip()
                raise ServerError(f"{' '.join(command[:2])} exited with {process.returncode}: {output[-2000:]}")
            yield base_url
        finally:
            _stop_group(process)


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group of ``process``; after a grace period, SIGKILL to what is left of it.

    The leader is reaped only after the SIGKILL: while it is an unreaped zombie its id, which is the
    group's, cannot be given to another process, so the signal cannot reach a stranger.
    """
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while (
        time.monotonic() < deadline and os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
    ):
        time.sleep(0.01)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def replace_oxigraph_data(client: httpx.Client, base_url: str, nquads: bytes) -> None:
    """Empty the Oxigraph server and load ``nquads`` with its own Graph Store endpoint."""
    steps = (
        ("/update", b"DROP SILENT ALL", "application/sparql-update"),
        ("/store", nquads, "application/n-quads"),
    )
    for path, body, media_type in steps:
        response = client.post(base_url + path, content=body, headers={"Content-Type": media_type})
        if response.status_code >= 300:
            raise ServerError(f"oxigraph refused POST {path}: HTTP {response.status_code} {response.text.strip()}")


def oxigraph_binary() -> Path:
    """The ``oxigraph`` command of the PyPI ``oxigraph`` package: beside this Python, else on ``PATH``."""
    return _command("oxigraph")


def _command(name: str) -> Path:
    """A console script installed with this Python (the venv's ``bin``), else found on ``PATH``."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return beside
    found = shutil.which(name)
    if found is None:
        raise ServerError(f"the `{name}` command is missing; install the project with its dev extras")
    return Path(found)


def free_port() -> int:
    """A port free on 127.0.0.1 right now (another process could still take it before it is used)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1.0).status_code < 500
    except httpx.HTTPError:
        return False


def _wait_until(condition: Callable[[], bool], *, what: str) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    delay = 0.002
    while not condition():
        if time.monotonic() > deadline:
            raise ServerError(f"{what} did not start within {_START_TIMEOUT:.0f} s")
        time.sleep(delay)
        delay = min(delay * 2, 0.05)
