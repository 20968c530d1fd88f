"""Virtuoso (Debian's 7.2) and Oxigraph server as mzgraph's store, next to the embedded one.

For each store, once per module: the store is started empty on free loopback ports, the bundled graph is
loaded with ``mzgraph load --sparql-endpoint`` (into a named graph with ``--graph`` and an account with
``--user``/``--password`` on Virtuoso), and a ``mzgraph serve --sparql-endpoint`` process serves it. Every
kind of page, every saved query, the dumps and every ``/sparql`` result format are then compared with the
app on the embedded store: the same triples, the same HTML (apart from the release in the footer), the same
results. After a deadline, the store's CPU falls back to idle.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil
import pyoxigraph as ox
import pytest

from common import LiveServer
from mzgraph.bundled import queries_dir
from mzgraph.sparql.saved import load_saved_queries
from tools.servers import OxigraphServer, mzgraph_server
from tools.virtuoso import Limits, Virtuoso

RUN = Callable[..., subprocess.CompletedProcess[str]]
DATA_GRAPH = "https://w3id.org/mzgraph/graph/data"
PASSWORD = "s3cret-Pa55"
HOST = {"Host": "mzgraph.example"}
"""The same Host to both servers compared: pages write absolute URLs with the host they were asked under."""
HTML = {"Accept": "text/html", "Accept-Language": "en", **HOST}
PAGES = [
    "/",
    "/organisations",
    "/organisations?q=verlof",
    "/organisations?ambassador=yes",
    "/id/organisation/gemeente-emmen",
    "/id/organisation/regio-twente",
    "/id/partner/jong-en-veer",
    "/id/partner/tandem",
    "/id/measure-type/leave",
    "/id/measure/gemeente-haarlem/tailored-1",
    "/id/scheme/measure-type",
    "/id/event/dag-van-de-mantelzorg",
    "/def/Employer",
    "/def/",
    "/.well-known/void",
    "/query",
]
DATA = [
    "/id/organisation/regio-twente.ttl",
    "/id/organisation/gemeente-amersfoort.jsonld",
    "/id/partner/mezzo.nt",
    "/def/Employer.ttl",
    "/.well-known/void.nt",
    "/download/mzgraph.ttl",
    "/download/mzgraph.nq",
    "/download/mzgraph.jsonld",
]
RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
}
SELECT = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX mz: <https://w3id.org/mzgraph/def/>"
    " SELECT ?org ?label ?n WHERE { ?org a mz:Municipality ; rdfs:label ?label"
    " OPTIONAL { SELECT ?org (COUNT(*) AS ?n) WHERE { ?org ?p ?o } GROUP BY ?org } } ORDER BY ?org ?label"
)
ASK = "PREFIX mz: <https://w3id.org/mzgraph/def/> ASK { ?s a mz:Municipality }"
CONSTRUCT = "CONSTRUCT WHERE { <https://w3id.org/mzgraph/id/organisation/gemeente-emmen> ?p ?o }"
MODIFIED = "http://purl.org/dc/terms/modified"
CONCATENATED = {"roles", "types"}
"""The saved queries' GROUP_CONCAT variables."""
VIRTUOSO_WRONG = {
    "employers-by-province": "no rows at all",
}
"""Valid SPARQL that Virtuoso 7.2 answers wrongly, found by these tests: a path ``a/rdfs:subClassOf*`` joined with
other patterns loses solutions (documented in docs/conformance.md); each must still differ, so a fix shows. The
browse list and its facets are read from the release index, so they no longer meet it."""
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CHAIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?x . ?y ?e ?x . ?y ?h ?i . ?j ?k ?i . ?j ?m ?z . ?w ?q ?z }"
"""Six joined patterns: five were counted whole (96 M chains) by Virtuoso within the 5 s deadline on a fast hour."""


@dataclass(frozen=True)
class Served:
    """A store, the process it runs as, and ``mzgraph serve`` in front of it."""

    kind: str
    url: str
    store_pid: int
    endpoint: str
    flags: tuple[str, ...] = ()


@pytest.fixture(scope="module", params=["virtuoso", "oxigraph"])
def served(request: pytest.FixtureRequest, mzgraph: RUN, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    if request.param == "virtuoso":
        limits = Limits(max_query_execution_time=30)
        with Virtuoso(tmp_path_factory.mktemp("virtuoso"), limits=limits) as virtuoso:
            virtuoso.add_user("loader", PASSWORD)
            endpoint = virtuoso.sparql_url
            flags = ["--graph", DATA_GRAPH]
            loaded = mzgraph(
                "load",
                "--sparql-endpoint",
                endpoint,
                *flags,
                "--user",
                "loader",
                env={"MZGRAPH_STORE_PASSWORD": PASSWORD},
            )
            assert loaded.returncode == 0, loaded.stderr
            assert PASSWORD not in loaded.stderr + loaded.stdout
            with mzgraph_server("--sparql-endpoint", endpoint, *flags, "--timeout", "5") as url:
                yield Served("virtuoso", url, virtuoso.pid, endpoint, tuple(flags))
        return
    oxigraph = OxigraphServer(tmp_path_factory.mktemp("oxigraph"))
    oxigraph.start()
    try:
        loaded = mzgraph("load", "--sparql-endpoint", oxigraph.query_url)
        assert loaded.returncode == 0, loaded.stderr
        with mzgraph_server("--sparql-endpoint", oxigraph.query_url, "--timeout", "5") as url:
            yield Served("oxigraph", url, oxigraph._process.pid, oxigraph.query_url)  # type: ignore[union-attr]
    finally:
        oxigraph.stop()


def _known_wrong(served: Served, case: str, request: pytest.FixtureRequest) -> None:
    if served.kind == "virtuoso" and case in VIRTUOSO_WRONG:
        reason = f"Virtuoso 7.2 answers {VIRTUOSO_WRONG[case]}: a path a/rdfs:subClassOf* in a join loses solutions"
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


def _main(text: str) -> str:
    """The page without its footer (timings), and without the time of the release (when it was loaded)."""
    main = text.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", "(loaded)", main)


@pytest.mark.parametrize("path", PAGES)
def test_every_kind_of_page_is_the_same_as_on_the_embedded_store(
    served: Served, live_server: LiveServer, path: str, request: pytest.FixtureRequest
) -> None:
    _known_wrong(served, path, request)
    ours = httpx.get(served.url + path, headers=HTML, timeout=60)
    embedded = httpx.get(live_server.url + path, headers=HTML, timeout=60)
    assert ours.status_code == embedded.status_code == 200, ours.text[:500]
    assert _main(ours.text) == _main(embedded.text)


@pytest.mark.parametrize("path", DATA)
def test_data_and_dumps_hold_the_same_triples(served: Served, live_server: LiveServer, path: str) -> None:
    extension = path.rsplit(".", 1)[1]
    ours = httpx.get(served.url + path, headers=HOST, timeout=120)
    embedded = httpx.get(live_server.url + path, headers=HOST, timeout=120)
    assert ours.status_code == embedded.status_code == 200, ours.text[:500]
    if extension == "jsonld":  # its context is a URL on the server: compared as JSON
        assert _unordered(ours.json()) == _unordered(embedded.json())
        return
    graph = _canonical(ours.content, RDF_FORMATS[extension])
    assert len(graph) > 10
    assert graph == _canonical(embedded.content, RDF_FORMATS[extension])


def _canonical(data: bytes, fmt: ox.RdfFormat) -> set[ox.Quad]:
    """The quads of ``data`` with blank nodes labelled by their place in the graph (the stores' labels differ),
    but the time the release was loaded (VoID's ``dct:modified``)."""
    dataset = ox.Dataset(q for q in ox.parse(data, format=fmt) if q.predicate.value != MODIFIED)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def _unordered(document: Any) -> dict[str, Any]:
    """Expanded JSON-LD as {node id: {property: set of values}}: how triples are grouped into node objects, and
    in which order, follows the order the store gave them in."""
    nodes: dict[str, dict[str, set[str]]] = {}
    top = document.get("@graph", document) if isinstance(document, dict) else document
    for node in top if isinstance(top, list) else [top]:
        merged = nodes.setdefault(node.get("@id", json.dumps(node, sort_keys=True)), {})
        for key, values in node.items():
            for value in values if isinstance(values, list) else [values]:
                merged.setdefault(key, set()).add(json.dumps(value, sort_keys=True))
    return nodes


@pytest.mark.parametrize("path", ["/organisations.json?ambassador=yes", "/organisations.csv"])
def test_the_organisation_list_as_json_and_csv_is_the_same(
    served: Served, live_server: LiveServer, path: str, request: pytest.FixtureRequest
) -> None:
    _known_wrong(served, path, request)
    ours = httpx.get(served.url + path, headers=HOST, timeout=60)
    embedded = httpx.get(live_server.url + path, headers=HOST, timeout=60)
    assert ours.status_code == 200
    assert ours.content == embedded.content


@pytest.mark.parametrize("name", sorted(load_saved_queries(queries_dir())))
def test_every_saved_query_answers_the_same(
    served: Served, live_server: LiveServer, name: str, request: pytest.FixtureRequest
) -> None:
    _known_wrong(served, name, request)
    ours = httpx.get(f"{served.url}/queries/{name}", params={"format": "json"}, timeout=60)
    embedded = httpx.get(f"{live_server.url}/queries/{name}", params={"format": "json"}, timeout=60)
    assert ours.status_code == embedded.status_code == 200, ours.text[:500]
    assert _ordered_concatenations(ours.json()) == _ordered_concatenations(embedded.json())


def _ordered_concatenations(results: dict[str, Any]) -> dict[str, Any]:
    """SPARQL JSON results with each GROUP_CONCAT value's parts sorted and its language left out: SPARQL leaves
    their order to the store, and Oxigraph keeps the language its parts share (Virtuoso does not)."""
    for row in results["results"]["bindings"]:
        for name, term in row.items():
            if name in CONCATENATED:
                term["value"] = ", ".join(sorted(term["value"].split(", ")))
                term.pop("xml:lang", None)
    return results


@pytest.mark.parametrize(
    ("query", "format_name"),
    [(SELECT, name) for name in ("json", "xml", "csv", "tsv")]
    + [(ASK, "json"), (ASK, "xml")]
    + [(CONSTRUCT, name) for name in ("ttl", "nt", "jsonld", "rdf")],
)
def test_every_sparql_result_format_is_the_same(
    served: Served, live_server: LiveServer, query: str, format_name: str
) -> None:
    params = {"query": query, "format": format_name}
    ours, embedded = (
        httpx.get(served.url + "/sparql", params=params, timeout=60),
        httpx.get(live_server.url + "/sparql", params=params, timeout=60),
    )
    assert ours.status_code == 200, ours.text[:500]
    assert ours.headers["content-type"] == embedded.headers["content-type"]
    if query is CONSTRUCT and format_name == "jsonld":
        assert _unordered(ours.json()) == _unordered(embedded.json())
    elif query is CONSTRUCT:
        fmt = RDF_FORMATS[format_name]
        assert _canonical(ours.content, fmt) == _canonical(embedded.content, fmt)
    else:
        assert ours.content == embedded.content


def test_only_the_data_graph_is_seen(served: Served, live_server: LiveServer) -> None:
    """Virtuoso's own default graph holds its system graphs too; mzgraph asks only for the data's."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    ours = httpx.get(served.url + "/sparql", params={"query": count}, timeout=60).json()
    embedded = httpx.get(live_server.url + "/sparql", params={"query": count}, timeout=60).json()
    assert ours == embedded


def _cpu_share(pid: int, seconds: float) -> float:
    """The share of one core the process used over the next ``seconds``."""
    process = psutil.Process(pid)
    before = sum(process.cpu_times()[:2]) + sum(child.cpu_times()[:2] for child in process.children(recursive=True))
    time.sleep(seconds)
    after = sum(process.cpu_times()[:2]) + sum(child.cpu_times()[:2] for child in process.children(recursive=True))
    return (after - before) / seconds


def test_after_a_deadline_the_store_stops_working_on_the_query(served: Served) -> None:
    """A cartesian product only on Virtuoso: Oxigraph 0.5 looks at its deadline only when it reads the store,
    so nothing stops one there (docs/deployment.md); a chain of joins reads the store all the time."""
    for query in [CHAIN, RUNAWAY] if served.kind == "virtuoso" else [CHAIN]:
        started = time.monotonic()
        response = httpx.get(served.url + "/sparql", params={"query": query}, timeout=60)
        assert response.status_code == 504, response.text[:300]
        assert response.json()["error"] == "timeout"
        assert time.monotonic() - started < 10
        idle_by = time.monotonic() + 8
        while _cpu_share(served.store_pid, 1.0) > 0.2:
            assert time.monotonic() < idle_by, "the store is still busy with a query mzgraph gave up on"


def test_the_release_index_is_built_from_the_store_alone(served: Served, mzgraph: RUN, tmp_path: Path) -> None:
    """``mzgraph index --sparql-endpoint`` asks the store only (no files): on Virtuoso every query it sends must be
    one Virtuoso accepts (a transitive path needs a constant end there)."""
    built = mzgraph("index", "--sparql-endpoint", served.endpoint, *served.flags, "--out", str(tmp_path / "index"))
    assert built.returncode == 0, built.stderr
    assert "release index of 5 organisations" in built.stdout + built.stderr
    home = httpx.get(served.url + "/organisations.json", headers=HOST, timeout=30).json()
    assert home["total"] == 5
