"""The Prometheus metrics of a server, with the official ``prometheus-client``.

Requests by route group and status, request latency by route group, SPARQL queries by outcome and their
latency, queries being evaluated, the release and its triple count. Each app has its own registry; with several
web worker processes (``serve --workers N``) every worker writes its figures to files in one folder
(``metrics_dir``, the client's multiprocess mode) and ``/metrics`` sums them over the workers. The client picks
that mode when it is first imported, from ``PROMETHEUS_MULTIPROC_DIR``, which ``mzgraph serve`` sets first.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess, values
from starlette.types import Scope

from mzgraph.errors import MzgraphError
from mzgraph.store.base import Release

_GROUPS = (
    ("/sparql", "sparql"),
    ("/queries", "queries"),
    ("/query", "query"),
    ("/id/", "entity"),
    ("/def/", "entity"),
    ("/organisations", "browse"),
    ("/download/", "dataset"),
    ("/.well-known/", "dataset"),
    ("/context/", "dataset"),
    ("/static/", "static"),
    ("/validate", "validate"),
    ("/docs", "api"),
    ("/openapi.json", "api"),
    ("/healthz", "health"),
    ("/readyz", "health"),
    ("/metrics", "metrics"),
)
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def route_group(path: str) -> str:
    """A few names for the paths, so that the metrics' label values stay few (``/id/...`` is ``entity``)."""
    if path in ("/", "/index.html"):
        return "home"
    for prefix, group in _GROUPS:
        if path == prefix.rstrip("/") or path.startswith(prefix):
            return group
    return "other"


class Metrics:
    """The metrics of one app; ``directory`` switches on the multiprocess mode (the folder the workers share)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        if directory is not None and values.ValueClass.__name__ != "MmapedValue":
            raise MzgraphError(
                "metrics_dir is set but prometheus_client was imported before PROMETHEUS_MULTIPROC_DIR was; "
                "start the server with `mzgraph serve`"
            )
        own = CollectorRegistry() if directory is None else None
        self.registry = own
        self.requests = Counter(
            "mzgraph_http_requests",
            "HTTP requests answered, by route group and status",
            ["group", "status"],
            registry=own,
        )
        self.latency = Histogram(
            "mzgraph_http_request_duration_seconds",
            "Time to answer a request, by route group",
            ["group"],
            buckets=_LATENCY_BUCKETS,
            registry=own,
        )
        self.queries = Counter(
            "mzgraph_sparql_queries",
            "SPARQL queries sent to /sparql and the saved queries, by outcome",
            ["outcome"],
            registry=own,
        )
        self.query_latency = Histogram(
            "mzgraph_sparql_query_duration_seconds",
            "Time to evaluate a SPARQL query",
            buckets=_LATENCY_BUCKETS,
            registry=own,
        )
        self.busy = Gauge(
            "mzgraph_queries_in_progress",
            "Queries being evaluated by the store (query workers busy)",
            multiprocess_mode="livesum",
            registry=own,
        )
        self.release = Gauge(
            "mzgraph_release_info",
            "The release served (its tag as a label; the value is 1)",
            ["release"],
            multiprocess_mode="max",
            registry=own,
        )
        self.triples = Gauge("mzgraph_triples", "Triples in the release served", multiprocess_mode="max", registry=own)

    def observe_request(self, scope: Scope, status: int, seconds: float) -> None:
        """Count an answered request (the access middleware calls this)."""
        root = scope.get("root_path", "")
        path = scope["path"][len(root) :] if root and scope["path"].startswith(root) else scope["path"]
        group = route_group(path)
        self.requests.labels(group, str(status)).inc()
        self.latency.labels(group).observe(seconds)

    def observe_query(self, outcome: str, seconds: float) -> None:
        """Count a SPARQL query and its time."""
        self.queries.labels(outcome).inc()
        self.query_latency.observe(seconds)

    @contextmanager
    def evaluating(self) -> Iterator[None]:
        """Count a query as in progress for the duration of the block."""
        self.busy.inc()
        try:
            yield
        finally:
            self.busy.dec()

    def set_release(self, release: Release) -> None:
        """The release served and its size."""
        self.release.labels(release.tag).set(1)
        if release.triples is not None:
            self.triples.set(release.triples)

    def exposition(self) -> bytes:
        """Every metric in the Prometheus text format; summed over the workers in multiprocess mode."""
        if self.directory is None:
            assert self.registry is not None
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=str(self.directory))
        return generate_latest(registry)

    def close(self) -> None:
        """This process is stopping: its live gauges no longer count."""
        if self.directory is not None:
            multiprocess.mark_process_dead(os.getpid(), path=str(self.directory))


def prepare_directory(directory: Path) -> None:
    """Make ``directory`` for the workers' metric files, emptied of a previous run's files."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
