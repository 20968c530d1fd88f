"""Real servers for the conformance run: an ASGI app under uvicorn on 127.0.0.1, and ``oxigraph serve``.

Both listen on a free loopback port and are stopped when their ``with`` block ends, so a failed run
leaves no process or thread behind.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
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
    process = subprocess.Popen(
        [str(oxigraph_binary()), "serve", "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until(lambda: _answers(base_url) or process.poll() is not None, what=f"oxigraph serve on port {port}")
        if process.poll() is not None:
            stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise ServerError(f"oxigraph serve exited with {process.returncode}: {stderr.strip()}")
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


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
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists():
        return beside
    found = shutil.which("oxigraph")
    if found is None:
        raise ServerError("the `oxigraph` command is missing; install the dev extras (`pip install -e .[dev]`)")
    return Path(found)


def free_port() -> int:
    """A port free on 127.0.0.1 right now (another process could still take it before it is used)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(base_url: str) -> bool:
    try:
        return httpx.get(base_url, timeout=1.0).status_code < 500
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
