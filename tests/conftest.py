"""Shared fixtures: real servers on 127.0.0.1 (random free ports), never mocks.

Session-scoped factories, so a test module starts the servers it needs once and every test reuses them;
everything started is stopped when the session ends.

- ``start_server(**settings) -> LiveServer``: ``create_app(Settings(**settings))`` served by uvicorn in a
  thread. ``LiveServer.url`` is its base URL, ``.sparql`` the endpoint, ``.store`` the app's Store.
- ``live_server``: the app on the bundled graph with default settings.
- ``sparql_server``: the app on ``tests/fixtures/sparql`` (small graph, named graphs), ``max_rows=1000``.
- ``start_oxigraph() -> OxigraphServer``: a real ``oxigraph serve --location DIR`` process (PyPI
  ``oxigraph``), with ``.query_url``, ``.store_url``, ``.stop()`` and ``.start()`` (same data, same port).
- ``mzgraph(*args, input=, env=)``: runs the ``mzgraph`` command in a subprocess, returns the CompletedProcess.
- ``node_modules``: the project's npm packages (``npm ci`` if absent); ``comunica``: the ``comunica-sparql`` command.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from common import ROOT, SPARQL_DATA, Listener, LiveServer
from mzgraph.config import Settings
from tools.servers import AppRunner, OxigraphServer


@pytest.fixture(scope="session")
def start_server() -> Iterator[Callable[..., LiveServer]]:
    """Start ``create_app(Settings(**settings))`` on a free port, for the rest of the session."""
    from mzgraph.web.app import create_app

    with ExitStack() as stack:
        runner = stack.enter_context(AppRunner())

        def start(**settings: Any) -> LiveServer:
            app = create_app(Settings(**settings))
            return LiveServer(stack.enter_context(runner.serve(app)), app)

        yield start


@pytest.fixture(scope="session")
def live_server(start_server: Callable[..., LiveServer]) -> LiveServer:
    """The app on the bundled graph, default settings."""
    return start_server()


@pytest.fixture(scope="session")
def sparql_server(start_server: Callable[..., LiveServer]) -> LiveServer:
    """The app on the SPARQL fixture graph (two named graphs), row cap 1000."""
    return start_server(data_paths=SPARQL_DATA, max_rows=1000)


@pytest.fixture(scope="session")
def start_oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], OxigraphServer]]:
    """Start an empty ``oxigraph serve --location DIR``, stopped when the session ends."""
    servers: list[OxigraphServer] = []

    def start() -> OxigraphServer:
        server = OxigraphServer(tmp_path_factory.mktemp("oxigraph"))
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def mzgraph() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``mzgraph ARGS...`` in a subprocess (text mode, output captured)."""

    def run(
        *args: str, input: str | None = None, env: dict[str, str] | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "mzgraph.cli", *args]
        environment = {**os.environ, **(env or {})}
        return subprocess.run(
            command, input=input, env=environment, capture_output=True, text=True, timeout=timeout, cwd=ROOT
        )

    return run


NODE_PACKAGES = ("@comunica/query-sparql", "axe-core", "jsonld")
"""The npm packages of package.json the tests use."""


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """The project's ``node_modules`` with the packages of package-lock.json (``npm ci`` if one is missing)."""
    folder = ROOT / "node_modules"
    if not all((folder / name / "package.json").exists() for name in NODE_PACKAGES):
        npm = shutil.which("npm")
        assert npm, "npm is needed for the Node client and accessibility tests (scripts/install-dev installs it)"
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT, check=True, timeout=600)
    return folder


@pytest.fixture(scope="session")
def comunica(node_modules: Path) -> Path:
    """The ``comunica-sparql`` command."""
    return node_modules / ".bin" / "comunica-sparql"


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    """A :class:`Listener` for the module's tests."""
    found = Listener()
    yield found
    found.close()
