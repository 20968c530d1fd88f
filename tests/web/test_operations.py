"""What an operator relies on, through a real server: the version, security headers, HEAD on every GET route,
gzip, request ids, /healthz, /readyz (with query workers that die and come back) and /metrics."""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
import re
import signal
import time
from collections.abc import Callable, Iterable
from typing import Any

import httpx
import psutil
import pyoxigraph as ox
import pytest
from fastapi.routing import APIRoute
from prometheus_client.parser import text_string_to_metric_families
from starlette.routing import BaseRoute

from common import SPARQL_DATA, LiveServer
from mzgraph import __version__
from mzgraph.config import Settings
from mzgraph.web.app import create_app
from mzgraph.web.logs import JsonFormatter, RequestIdFilter
from mzgraph.web.middleware.headers import CONTENT_SECURITY_POLICY
from tools.servers import AppRunner

SAMPLE_PARAMETERS = {
    "/id/{path:path}": "/id/organisation/gemeente-enschede",
    "/def/{path:path}": "/def/Measure",
    "/queries/{name}": "/queries/ambassadors-by-year",
    "/download/mzgraph.{extension}": "/download/mzgraph.ttl",
    "/.well-known/void.{extension}": "/.well-known/void.ttl",
    "/sitemap-{number:int}.xml": "/sitemap-1.xml",
}
VARYING = {"date", "x-request-id"}
"""Headers that differ between any two answers."""
SIZE_VARIES = {"/metrics", "/sparql", "/.well-known/void", "/.well-known/void.ttl"}
"""Bodies that differ between two answers: the metrics count the GET, descriptions have fresh blank node labels."""


def get_routes(routes: Iterable[BaseRoute]) -> list[str]:
    """The paths of every GET route of the app, routers included."""
    found: list[str] = []
    for route in routes:
        if isinstance(route, APIRoute) and "GET" in route.methods:
            found.append(route.path)
        included = getattr(route, "original_router", None)
        if included is not None:
            found += get_routes(included.routes)
    return found


def wait_until_ready(url: str, seconds: float = 30) -> None:
    """Poll ``/readyz`` until it is 200 (a new server's first probe can take over a second on a busy machine)."""
    deadline = time.monotonic() + seconds
    while httpx.get(url + "/readyz", timeout=10).status_code != 200:
        assert time.monotonic() < deadline, "the server did not become ready"
        time.sleep(0.2)


def test_every_response_names_the_version_and_carries_the_security_headers(live_server: LiveServer) -> None:
    for path in ("/", "/sparql", "/no-such-page", "/static/mzgraph.css"):
        headers = httpx.get(live_server.url + path).headers
        assert headers["server"] == f"mzgraph/{__version__}", path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "frame-ancestors 'self'" in headers["content-security-policy"]
        assert "uvicorn" not in headers.get_list("server")


def test_the_service_description_and_the_void_name_the_version(live_server: LiveServer) -> None:
    version = ox.Literal(f"mzgraph {__version__}")
    owl_version = ox.NamedNode("http://www.w3.org/2002/07/owl#versionInfo")
    for path in ("/sparql", "/.well-known/void.ttl"):
        answer = httpx.get(live_server.url + path, headers={"Accept": "text/turtle"})
        triples = list(ox.parse(answer.content, format=ox.RdfFormat.TURTLE))
        assert any(t.predicate == owl_version and t.object == version for t in triples), path


def test_head_answers_every_get_route_with_the_headers_of_get_and_no_body(live_server: LiveServer) -> None:
    paths = [SAMPLE_PARAMETERS.get(path, path) for path in get_routes(live_server.app.routes)]
    assert len(paths) > 20 and "/organisations" in paths and "/healthz" in paths
    with httpx.Client(base_url=live_server.url, timeout=60) as client:  # gzip accepted, as by httpx's default
        for path in paths:
            got = client.get(path)
            head = client.head(path)
            assert got.status_code == 200, path
            assert head.status_code == 200, path
            assert head.content == b"", path
            varying = VARYING | ({"content-length"} if path in SIZE_VARIES else set())
            assert {k: v for k, v in head.headers.items() if k not in varying} == {
                k: v for k, v in got.headers.items() if k not in varying
            }, path


def test_head_does_not_add_operations_to_the_api_description(start_server: Callable[..., LiveServer]) -> None:
    server = start_server(data_paths=SPARQL_DATA)  # a second app in this process: the routes are shared
    operations = httpx.get(server.url + "/openapi.json").json()["paths"]
    assert "head" not in {method for path in operations.values() for method in path}
    assert "get" in operations["/organisations"]


def test_text_of_a_kilobyte_or_more_is_gzipped_when_the_client_accepts_it(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url, timeout=60) as client:
        page = client.get("/organisations", headers={"Accept-Encoding": "gzip"})
        assert page.headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in page.headers["vary"]
        raw = client.get("/organisations", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in raw.headers
        assert page.text == raw.text  # httpx decoded it
        assert int(page.headers["content-length"]) < len(raw.content) / 2
        small = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
        assert "content-encoding" not in small.headers
        # the dumps are offered as files answering Range requests: never compressed on the fly
        dump = client.get("/download/mzgraph.ttl", headers={"Accept-Encoding": "gzip"})
        assert dump.status_code == 200 and "content-encoding" not in dump.headers
        answer = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 200"})
        with httpx.stream("GET", answer.url, headers={"Accept-Encoding": "gzip"}) as streamed:
            assert streamed.headers["content-encoding"] == "gzip"
            assert gzip.decompress(b"".join(streamed.iter_raw())) == answer.content


@pytest.mark.parametrize(
    ("sent", "echoed"),
    [("abc-123.XYZ:42", True), ("", False), ("has spaces", False), ("x" * 129, False), ("ü", False)],
)
def test_a_safe_request_id_is_echoed_and_any_other_is_replaced(
    live_server: LiveServer, sent: str, echoed: bool
) -> None:
    answer = httpx.get(live_server.url + "/healthz", headers={"X-Request-ID": sent.encode()})
    if echoed:
        assert answer.headers["x-request-id"] == sent
    else:
        assert answer.headers["x-request-id"] != sent
        assert len(answer.headers["x-request-id"]) == 32
    assert httpx.get(live_server.url + "/healthz").headers["x-request-id"] != answer.headers["x-request-id"]


def test_health_and_readiness_of_a_working_server(live_server: LiveServer) -> None:
    health = httpx.get(live_server.url + "/healthz")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    ready = httpx.get(live_server.url + "/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "release": live_server.store.release.tag}
    assert ready.headers["cache-control"] == "no-store"


def test_readiness_follows_a_remote_store_going_down_and_coming_back(
    start_server: Callable[..., LiveServer], start_oxigraph: Callable[[], Any]
) -> None:
    oxigraph = start_oxigraph()
    server = start_server(backend="remote", sparql_endpoint=oxigraph.query_url)
    wait_until_ready(server.url)
    oxigraph.stop()
    down = httpx.get(server.url + "/readyz", timeout=10)
    assert down.status_code == 503
    assert down.json()["error"] == "not_ready"
    assert "probe query" in down.json()["detail"]["reason"]
    assert down.headers["retry-after"] == "5"
    assert httpx.get(server.url + "/healthz").status_code == 200  # alive all along
    oxigraph.start()
    wait_until_ready(server.url)


def test_query_workers_that_die_are_started_again_and_readiness_says_so_meanwhile(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(data_paths=SPARQL_DATA, query_workers=2)
    pool = server.store._pool  # type: ignore[attr-defined]
    query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}
    assert httpx.get(server.sparql, params=query).status_code == 200
    before = pool.pid
    os.kill(before, signal.SIGKILL)  # the zygote: its workers die with it
    seen: list[int] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        answer = httpx.get(server.url + "/readyz", timeout=10)
        seen.append(answer.status_code)
        if answer.status_code == 503:  # the workers are starting, or (on a busy machine) the probe was slow
            assert re.search("query workers|probe query", answer.json()["detail"]["reason"])
        if answer.status_code == 200 and pool.pid != before:
            break
    assert seen[-1] == 200 and pool.pid != before
    assert pool.restarts == 1
    assert httpx.get(server.sparql, params=query).status_code == 200


def test_readiness_is_503_while_no_query_worker_can_answer_and_200_when_they_are_back(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(data_paths=SPARQL_DATA, query_workers=2)
    zygote = psutil.Process(server.store._pool.pid)  # type: ignore[attr-defined]
    wait_until_ready(server.url)
    workers = zygote.children()
    assert len(workers) == 2
    zygote.suspend()  # it cannot fork replacements until it is resumed
    try:
        for worker in workers:
            worker.kill()
        psutil.wait_procs(workers, timeout=5)
        down = httpx.get(server.url + "/readyz", timeout=10)
        assert down.status_code == 503
        assert "did not answer a probe query within 1 s" in down.json()["detail"]["reason"]
        assert httpx.get(server.url + "/healthz").status_code == 200
    finally:
        zygote.resume()
    wait_until_ready(server.url)  # a worker is back; the pool forks the other one beside it
    deadline = time.monotonic() + 30
    while len(zygote.children()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(zygote.children()) == 2


def test_metrics_count_requests_by_route_group_and_queries_by_outcome(start_server: Callable[..., LiveServer]) -> None:
    server = start_server(data_paths=SPARQL_DATA)
    with httpx.Client(base_url=server.url, timeout=60) as client:
        for _ in range(3):
            client.get("/healthz")
        client.get("/no-such-page")
        client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"})
        client.get("/sparql", params={"query": "SELEKT"})
        text = client.get("/metrics").text
    families = {family.name: family for family in text_string_to_metric_families(text)}
    requests = {
        (s.labels["group"], s.labels["status"]): s.value
        for s in families["mzgraph_http_requests"].samples
        if s.name.endswith("_total")
    }
    assert requests[("health", "200")] == 3
    assert requests[("other", "404")] == 1
    assert requests[("sparql", "200")] == requests[("sparql", "400")] == 1
    queries = {
        s.labels["outcome"]: s.value for s in families["mzgraph_sparql_queries"].samples if s.name.endswith("_total")
    }
    assert queries == {"ok": 1, "rejected": 1}
    latency = {
        s.labels.get("le"): s.value
        for s in families["mzgraph_http_request_duration_seconds"].samples
        if s.labels.get("group") == "health" and s.name.endswith("_bucket")
    }
    assert latency["+Inf"] == 3
    release = families["mzgraph_release_info"].samples[0]
    assert release.labels["release"] == server.store.release.tag and release.value == 1
    assert families["mzgraph_triples"].samples[0].value == server.store.release.triples
    assert families["mzgraph_queries_in_progress"].samples[0].value == 0


def test_an_unexpected_error_is_logged_with_its_traceback_and_request_id_and_never_shown() -> None:
    app = create_app(Settings(data_paths=SPARQL_DATA))

    def broken() -> None:
        raise RuntimeError("internal state the client must not see")

    app.add_api_route("/broken", broken)
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("mzgraph.web")
    logger.addHandler(handler)
    try:
        with AppRunner() as runner, runner.serve(app) as url:
            answer = httpx.get(url + "/broken", headers={"X-Request-ID": "broken-1", "Accept": "application/json"})
    finally:
        logger.removeHandler(handler)
        app.state.store.close()
    assert answer.status_code == 500
    assert answer.json()["error"] == "internal_error"
    assert answer.json()["detail"] == {"request_id": "broken-1"}
    assert answer.headers["x-request-id"] == "broken-1"
    assert "Traceback" not in answer.text and "must not see" not in answer.text
    line = json.loads(written.getvalue().splitlines()[0])
    assert line["request_id"] == "broken-1"
    assert line["level"] == "error"
    assert "Traceback" in line["exception"] and "internal state the client must not see" in line["exception"]


@pytest.mark.parametrize(
    ("query", "outcome", "kind", "rows"),
    [
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 10", "truncated", "SELECT", 3),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 2", "ok", "SELECT", 2),
        ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2", "ok", "CONSTRUCT", 2),
        ("ASK { ?s ?p ?o }", "ok", "ASK", 1),
        ("INSERT DATA { <a:b> <a:b> <a:b> }", "rejected", "unknown", None),
    ],
)
def test_each_query_is_logged_once_with_its_outcome_kind_and_rows(
    start_server: Callable[..., LiveServer], query: str, outcome: str, kind: str, rows: int | None
) -> None:
    server = start_server(data_paths=SPARQL_DATA, max_rows=3)
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("mzgraph.queries")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    try:
        httpx.post(server.sparql, data={"query": query}, headers={"X-Request-ID": "logged-1"}, timeout=30)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
    lines = [json.loads(line) for line in written.getvalue().splitlines()]
    assert len(lines) == 1
    assert (lines[0]["outcome"], lines[0]["kind"], lines[0]["rows"]) == (outcome, kind, rows)
    assert lines[0]["request_id"] == "logged-1"
