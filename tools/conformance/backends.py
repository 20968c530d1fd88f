"""The backends a conformance run can target, each as a :data:`~tools.conformance.runner.Serve` function.

- ``embedded``: mzgraph's app from ``create_app`` on the dataset file, served by uvicorn;
- ``remote``: the same app with ``backend="remote"`` in front of one ``oxigraph serve`` process that is
  emptied and loaded with each dataset through Oxigraph's own Graph Store endpoint;
- ``pyoxigraph``: the engine in-process with no HTTP, as the reference the others are measured by;
- ``command``: ``mzgraph serve --data FILE`` as a process of its own per dataset, app lifespan and all
  (about 1.5 s a start, so not among the defaults: the tests run a few suites this way);
- ``virtuoso``: the app with ``backend="remote"`` and a data graph in front of one Virtuoso 7 (Debian's),
  each dataset pushed as ``mzgraph load --sparql-endpoint --graph`` does (not among the defaults: it needs
  Virtuoso installed).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox

from mzgraph.config import Settings
from tools.conformance.dataset import write_dataset
from tools.conformance.endpoint import Endpoint, HttpEndpoint
from tools.conformance.manifest import Dataset, TestCase
from tools.conformance.protocol import ProtocolOutcome, ProtocolTest, run_protocol_tests
from tools.conformance.reference import serve_reference
from tools.conformance.runner import Run, Serve, run_cases
from tools.servers import AppRunner, mzgraph_server, oxigraph_server, replace_oxigraph_data

BACKENDS: tuple[str, ...] = ("pyoxigraph", "embedded", "remote")
ALL_BACKENDS: tuple[str, ...] = (*BACKENDS, "command", "virtuoso")
DATA_GRAPH = "https://example.org/conformance/data"
"""The named graph a dataset's default graph is pushed into on Virtuoso."""
# Generous, so that a slow CI machine never turns a correct answer into a miss.
_HTTP_TIMEOUT = httpx.Timeout(60.0)


@contextlib.contextmanager
def open_backend(name: str) -> Iterator[Serve]:
    """Start what ``name`` needs for a whole run and yield its per-dataset ``serve`` function."""
    if name == "pyoxigraph":
        yield serve_reference
        return
    if name not in ALL_BACKENDS:
        raise ValueError(f"unknown backend {name!r}; choose one of {', '.join(ALL_BACKENDS)}")
    with AppRunner() as runner, httpx.Client(timeout=_HTTP_TIMEOUT) as client:
        if name == "command":
            yield lambda dataset_file: _serve_command(client, dataset_file)
            return
        if name == "embedded":
            yield lambda dataset_file: _serve_embedded(runner, client, dataset_file)
            return
        if name == "virtuoso":
            with _virtuoso() as (sparql_url, graph_store, auth):
                written: set[str] = set()
                yield lambda dataset_file: _serve_virtuoso(
                    runner, client, (sparql_url, graph_store, auth), written, dataset_file
                )
            return
        with oxigraph_server() as store_url:
            yield lambda dataset_file: _serve_remote(runner, client, store_url, dataset_file)


def run_backend(
    backend: str, cases: list[TestCase], protocol: tuple[list[ProtocolTest], Dataset] | None, workdir: Path
) -> Run:
    """Run the query suites, then (over HTTP only) the protocol tests, on one backend."""
    started = time.perf_counter()
    protocol_outcomes: list[ProtocolOutcome] = []
    with open_backend(backend) as serve:
        outcomes = run_cases(cases, serve, workdir)
        if protocol is not None and backend != "pyoxigraph":
            tests, dataset = protocol
            with serve(write_dataset(dataset, workdir)) as endpoint:
                assert isinstance(endpoint, HttpEndpoint)
                protocol_outcomes = run_protocol_tests(tests, endpoint)
    return Run(backend, outcomes, time.perf_counter() - started, protocol_outcomes)


@contextlib.contextmanager
def _serve_embedded(runner: AppRunner, client: httpx.Client, dataset_file: Path) -> Iterator[Endpoint]:
    with _serve_app(runner, client, Settings(backend="embedded", data_paths=[dataset_file])) as endpoint:
        yield endpoint


@contextlib.contextmanager
def _serve_remote(runner: AppRunner, client: httpx.Client, store_url: str, dataset_file: Path) -> Iterator[Endpoint]:
    replace_oxigraph_data(client, store_url, dataset_file.read_bytes())
    with _serve_app(runner, client, Settings(backend="remote", sparql_endpoint=f"{store_url}/query")) as endpoint:
        yield endpoint


@contextlib.contextmanager
def _virtuoso() -> Iterator[tuple[str, str, httpx.DigestAuth]]:
    from tools.virtuoso import Limits, Virtuoso, digest

    with Virtuoso(limits=Limits(max_query_execution_time=30)) as server:
        server.add_user("loader", "conformance")
        yield server.sparql_url, server.graph_store_url, digest("loader", "conformance")


@contextlib.contextmanager
def _serve_virtuoso(
    runner: AppRunner,
    client: httpx.Client,
    virtuoso: tuple[str, str, httpx.DigestAuth],
    written: set[str],
    dataset_file: Path,
) -> Iterator[Endpoint]:
    from mzgraph.config import DEFAULT_BASE_IRI
    from mzgraph.store.loading import release_graph
    from mzgraph.store.pushing import push_files

    sparql_url, graph_store, auth = virtuoso
    for graph in sorted(written):  # the previous dataset's graphs
        client.delete(graph_store, params={"graph": graph}, auth=auth)
    written.clear()
    push_files(
        graph_store, [dataset_file], DEFAULT_BASE_IRI, data_graph=DATA_GRAPH, credentials=("loader", "conformance")
    )
    named = {quad.graph_name.value for quad in _quads(dataset_file) if isinstance(quad.graph_name, ox.NamedNode)}
    written.update({DATA_GRAPH, release_graph(DEFAULT_BASE_IRI), *named})
    settings = Settings(backend="remote", sparql_endpoint=sparql_url, data_graph=DATA_GRAPH)
    with _serve_app(runner, client, settings) as endpoint:
        yield endpoint


def _quads(dataset_file: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(dataset_file), format=ox.RdfFormat.N_QUADS))


@contextlib.contextmanager
def _serve_command(client: httpx.Client, dataset_file: Path) -> Iterator[Endpoint]:
    with mzgraph_server("--data", str(dataset_file)) as base_url:
        yield HttpEndpoint(client, f"{base_url}/sparql")


@contextlib.contextmanager
def _serve_app(runner: AppRunner, client: httpx.Client, settings: Settings) -> Iterator[Endpoint]:
    """``create_app(settings)`` on a real socket, without its lifespan hooks.

    The app's lifespan starts the pages' SHACL validation of the data in a spawned process and closes
    the store. For ~90 throwaway datasets that validation is an order of magnitude more work than the
    tests themselves, and /sparql does not use it, so the hooks are skipped and the store is closed
    here (``app.state.store`` is the app's documented handle on it, see :mod:`mzgraph.web.state`).
    """
    from mzgraph.web.app import create_app  # the web layer is needed only when a server is started

    app = create_app(settings)
    try:
        with runner.serve(app, lifespan=False) as base_url:
            yield HttpEndpoint(client, f"{base_url}/sparql")
    finally:
        runner.defer(app.state.store.close)
