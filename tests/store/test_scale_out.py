"""Scale-out: two ``mzgraph serve --sparql-endpoint`` web nodes behind a real nginx (Debian's, with the shipped
``deploy/nginx/mzgraph-nodes.conf``), one shared ``oxigraph serve`` store loaded by ``mzgraph load``.

- killing one node under load from 8 clients loses at most the requests in flight on it, none after it;
- stopping the store gives 503 with Retry-After on every node, and readiness false; starting it again recovers
  without a restart;
- pages and ETags are the same from both nodes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pyoxigraph as ox
import pytest

from common import ROOT
from tools.nginx import Proxy, nginx, render_site
from tools.servers import OxigraphServer, free_port, stop_process, wait_for_port

RUN = Callable[..., subprocess.CompletedProcess[str]]
SITE = (ROOT / "deploy" / "nginx" / "mzgraph-nodes.conf").read_text(encoding="utf-8")
MIX = [
    "/id/organisation/gemeente-emmen",
    "/organisations.json",
    "/id/partner/tandem.ttl",
    "/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
    "/queries/measure-types-by-name?format=json",
]
PAGES = [
    "/",
    "/organisations",
    "/id/organisation/regio-twente",
    "/id/partner/mezzo.ttl",
    "/.well-known/void",
    "/.well-known/void.ttl",
]
CLIENTS = 8


@dataclass
class Node:
    """One ``mzgraph serve`` process."""

    process: subprocess.Popen[bytes]
    url: str


def _node(endpoint: str) -> Node:
    port = free_port()
    command = [sys.executable, "-m", "mzgraph.cli", "serve", "--sparql-endpoint", endpoint, "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    wait_for_port(port, process=process, what="mzgraph serve")
    return Node(process, f"http://127.0.0.1:{port}")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, mzgraph: RUN) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path_factory.mktemp("shared-store"))
    server.start()
    try:
        loaded = mzgraph("load", "--sparql-endpoint", server.query_url)
        assert loaded.returncode == 0, loaded.stderr
        yield server
    finally:
        server.stop()


@pytest.fixture
def nodes(store: OxigraphServer) -> Iterator[list[Node]]:
    started = [_node(store.query_url), _node(store.query_url)]
    yield started
    for node in started:
        stop_process(node.process)


@pytest.fixture
def proxy(nodes: list[Node]) -> Iterator[Proxy]:
    port = free_port()
    upstreams = [node.url.removeprefix("http://") for node in nodes]
    with nginx(render_site(SITE, upstreams=upstreams, port=port), port=port) as running:
        yield running


def test_killing_a_node_under_load_loses_at_most_its_requests_in_flight(nodes: list[Node], proxy: Proxy) -> None:
    for path in MIX:  # warm both nodes (the first answers of a release are computed, then kept)
        for node in nodes:
            assert httpx.get(node.url + path, timeout=30).status_code == 200
    outcomes: list[tuple[float, bool]] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + 8.0
    killed_at: list[float] = []

    def client(number: int) -> None:
        with httpx.Client(timeout=30) as http:
            turn = number
            while time.monotonic() < stop_at:
                path = MIX[turn % len(MIX)]
                turn += 1
                try:
                    ok = http.get(proxy.url() + path).status_code == 200
                except httpx.HTTPError:
                    ok = False
                with lock:
                    outcomes.append((time.monotonic(), ok))

    with ThreadPoolExecutor(CLIENTS) as pool:
        for number in range(CLIENTS):
            pool.submit(client, number)
        time.sleep(3.0)
        os.killpg(nodes[0].process.pid, signal.SIGKILL)
        killed_at.append(time.monotonic())
    failed = [at for at, ok in outcomes if not ok]
    assert len(outcomes) > 100, "the load was too light to show anything"
    assert len(failed) <= len(outcomes) // 100, f"{len(failed)} of {len(outcomes)} requests failed"
    assert not [at for at in failed if at > killed_at[0] + 1.0], "requests failed after the failover"
    assert [at for at, _ in outcomes if at > killed_at[0] + 1.0], "nothing was asked after the failover"
    assert any(line.endswith(nodes[1].url.removeprefix("http://")) for line in proxy.access_log[-20:])


def test_a_stopped_store_is_503_with_retry_after_on_every_node_and_recovers_without_a_restart(
    store: OxigraphServer, nodes: list[Node], proxy: Proxy
) -> None:
    paths = ["/id/organisation/gemeente-enschede", "/sparql?query=ASK%20%7B%7D"]
    for node in nodes:
        for path in paths:
            assert httpx.get(node.url + path, timeout=30).status_code == 200
    store.stop()
    try:
        for base in [*(node.url for node in nodes), proxy.url()]:
            for path in ["/id/organisation/gemeente-haarlem", "/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"]:
                answer = httpx.get(base + path, headers={"Accept": "application/json"}, timeout=30)
                assert answer.status_code == 503, (base, path, answer.text[:300])
                assert int(answer.headers["retry-after"]) > 0
                assert answer.json()["error"] == "store_unavailable"
        for node in nodes:  # what a load balancer asks: not ready
            ready = httpx.get(node.url + "/readyz", timeout=30)
            assert ready.status_code == 503 and int(ready.headers["retry-after"]) > 0
    finally:
        store.start()
    for node in nodes:
        for path in ["/id/organisation/gemeente-haarlem", "/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"]:
            assert httpx.get(node.url + path, timeout=30).status_code == 200
        assert httpx.get(node.url + "/readyz", timeout=30).json()["status"] == "ready"


def test_pages_and_etags_are_the_same_from_every_node(nodes: list[Node]) -> None:
    headers = {"Accept-Language": "en", "Host": "mzgraph.example"}  # as nginx passes it on to every node
    for path in PAGES:
        first, second = (httpx.get(node.url + path, headers=headers, timeout=30) for node in nodes)
        assert first.status_code == second.status_code == 200, path
        assert first.headers["etag"] == second.headers["etag"], path
        if first.headers["content-type"].startswith("text/turtle"):  # blank node labels are made per process
            assert _canonical(first.content) == _canonical(second.content), path
        else:
            assert first.content == second.content, path
        again = httpx.get(nodes[1].url + path, headers={"If-None-Match": first.headers["etag"]}, timeout=30)
        assert again.status_code == 304, path


def _canonical(turtle: bytes) -> set[ox.Quad]:
    dataset = ox.Dataset(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)
