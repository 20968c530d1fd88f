"""Starting and stopping helper servers, the one place the tests, the benchmarks and the conformance run do it.

An ASGI app under uvicorn in a thread (:class:`AppRunner`), ``oxigraph serve`` (in memory,
:func:`oxigraph_server`, or on a store folder that can be stopped and started again, :class:`OxigraphServer`),
``mzgraph serve`` as a process of its own (:func:`mzgraph_server`), Apache httpd on a folder
(:func:`apache_server`), a free port (:func:`free_port`) and
stopping a process with everything it started (:func:`stop_process`). Each listens on 127.0.0.1; what a
``with`` block starts is stopped when it ends, so a failed run leaves no process or thread behind.
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
        lifespan_mode = "on" if lifespan else "off"
        # as `mzgraph serve` runs it: the app writes its own access lines and Server header
        config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False, lifespan=lifespan_mode)
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
def mzgraph_server(*options: str, log: Path | None = None, port: int | None = None) -> Iterator[str]:
    """``mzgraph serve OPTIONS`` as a process of its own on a free port (or ``port``); yields its base URL.

    ``log`` names a file that gets the server's stderr (its log lines), else it is kept only to report a failed
    start.
    """
    port = port or free_port()
    command = [str(_command("mzgraph")), "serve", *options, "--host", "127.0.0.1", "--port", str(port)]
    with _process(command, f"http://127.0.0.1:{port}", ready_path="/healthz", log=log) as base_url:
        yield base_url


APACHE = Path("/usr/sbin/apache2")
"""Debian's Apache httpd (``apache2-bin``), which runs the w3id ``.htaccess`` in the tests."""
APACHE_MODULES = Path("/usr/lib/apache2/modules")
_APACHE_CONFIG = """\
ServerRoot "{root}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{root}/httpd.pid"
ErrorLog "{root}/error.log"
LogLevel warn
User {user}
Group {group}
{modules}
DocumentRoot "{htdocs}"
<Directory "{htdocs}">
    AllowOverride All
    Require all granted
</Directory>
"""


@contextlib.contextmanager
def apache_server(htdocs: Path) -> Iterator[str]:
    """Apache httpd serving a copy of ``htdocs`` (each folder's ``.htaccess`` obeyed: mod_rewrite, mod_alias,
    mod_headers) on a free port, in the foreground as one process; yields its base URL.

    Started by root, httpd serves as ``nobody``, so the copy is made readable to everyone.
    """
    if not APACHE.exists():
        raise ServerError(f"{APACHE} is missing; scripts/install-dev installs apache2-bin")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="mzgraph-apache-") as root:
        served = Path(root) / "htdocs"
        shutil.copytree(htdocs, served)
        for folder in [Path(root), *(p for p in served.rglob("*") if p.is_dir()), served]:
            folder.chmod(0o755)
        for file in (p for p in served.rglob("*") if p.is_file()):
            file.chmod(0o644)
        user, group = ("nobody", "nogroup") if os.getuid() == 0 else (f"#{os.getuid()}", f"#{os.getgid()}")
        names = ("mpm_event", "authz_core", "alias", "rewrite", "headers")
        modules = "\n".join(f'LoadModule {name}_module "{APACHE_MODULES}/mod_{name}.so"' for name in names)
        config = Path(root) / "httpd.conf"
        values = {"root": root, "port": port, "modules": modules, "htdocs": served, "user": user, "group": group}
        config.write_text(_APACHE_CONFIG.format(**values))
        command = [str(APACHE), "-X", "-f", str(config)]
        with _process(command, f"http://127.0.0.1:{port}", ready_path="/") as base_url:
            yield base_url


class OxigraphServer:
    """``oxigraph serve --location DIR`` on a free port; can be stopped and started again on the same data."""

    def __init__(self, location: Path, *, timeout_s: int = 3) -> None:
        self.location = location
        self.timeout_s = timeout_s
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.query_url = self.url + "/query"
        self.store_url = self.url + "/store"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait until it answers."""
        # Its own deadline, so that a query given up on does not keep a core busy.
        options = ["--location", str(self.location), "--bind", f"127.0.0.1:{self.port}", "--timeout-s"]
        command = [str(oxigraph_binary()), "serve", *options, str(self.timeout_s)]
        quiet = subprocess.DEVNULL
        self._process = process = subprocess.Popen(command, stdout=quiet, stderr=quiet, start_new_session=True)
        _wait_until(lambda: _answers(self.url + "/") or process.poll() is not None, what="oxigraph serve")
        if process.poll() is not None:
            raise ServerError(f"oxigraph serve exited with {process.returncode}")

    def stop(self) -> None:
        """Stop the server (its data stays in ``location``)."""
        if self._process is not None:
            stop_process(self._process)
        self._process = None


@contextlib.contextmanager
def _process(command: list[str], base_url: str, *, ready_path: str, log: Path | None = None) -> Iterator[str]:
    """Run ``command`` in a session of its own until it answers ``ready_path``; stop it and its children after.

    The whole process group is stopped, so helpers the server spawned (query or validation workers)
    cannot outlive it. Its stderr goes to the file ``log`` if given.
    """
    with open(log, "w+b") if log is not None else tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=output, start_new_session=True)
        try:
            _wait_until(
                lambda: _answers(base_url + ready_path) or process.poll() is not None, what=" ".join(command[:2])
            )
            if process.poll() is not None:
                output.seek(0)
                text = output.read().decode(errors="replace").strip()
                raise ServerError(f"{' '.join(command[:2])} exited with {process.returncode}: {text[-2000:]}")
            yield base_url
        finally:
            stop_process(process)


def stop_process(process: subprocess.Popen[bytes] | subprocess.Popen[str], *, grace: float = 10.0) -> None:
    """Stop a process started in a session of its own, with its children: SIGTERM to its process group,
    after ``grace`` seconds SIGKILL to what is left of it.

    The leader is reaped only after the SIGKILL: while it is an unreaped zombie its id, which is the
    group's, cannot be given to another process, so the signal cannot reach a stranger. A leader
    already reaped is not signalled again, for the same reason.
    """
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and not _exited(process):
            time.sleep(0.01)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _exited(process: subprocess.Popen[bytes] | subprocess.Popen[str]) -> bool:
    """Whether ``process`` has exited, without reaping it."""
    try:
        return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:  # reaped meanwhile (by a wait() in another thread)
        return True


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


def wait_for_port(port: int, *, process: subprocess.Popen[bytes], what: str) -> None:
    """Wait until something accepts connections on 127.0.0.1:``port``; fail if ``process`` exits first."""

    def listening() -> bool:
        if process.poll() is not None:
            return True
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            return sock.connect_ex(("127.0.0.1", port)) == 0

    _wait_until(listening, what=what)
    if process.poll() is not None:
        output = process.stderr.read().decode(errors="replace").strip() if process.stderr else ""
        raise ServerError(f"{what} exited with {process.returncode}: {output[-2000:]}")


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
