"""The W3C SPARQL 1.1 Protocol tests that apply to a read-only endpoint, sent as raw HTTP requests.

The protocol manifest describes each test as HTTP requests (method, path, headers, body) and the
expected response (status class, result format, ASK answer). Query tests are run as written. The
endpoint is read-only, so for the update tests only the first request (the update itself) is sent,
and the expectation becomes "rejected with a 4xx"; the follow-up queries that check the updated
state do not apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from tools.conformance.endpoint import HttpEndpoint
from tools.conformance.manifest import Dataset, SourceFile
from tools.conformance.results import RDF_FORMAT_BY_MEDIA_TYPE, RESULTS_FORMAT_BY_MEDIA_TYPE, parse_results

_BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/"
_MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
_HT = "http://www.w3.org/2011/http#"
_CNT = "http://www.w3.org/2011/content#"
_UT = "http://www.w3.org/2009/sparql/tests/test-update#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"

_FORMATS: dict[str, frozenset[str]] = {
    "boolean": frozenset({"application/sparql-results+xml", "application/sparql-results+json"}),
    "tabular": frozenset({*RESULTS_FORMAT_BY_MEDIA_TYPE, "text/csv"}),
    "RDF": frozenset(RDF_FORMAT_BY_MEDIA_TYPE),
}


@dataclass(frozen=True)
class ProtocolRequest:
    """One request of a protocol test and what its response must be."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    status_classes: frozenset[int]
    result_format: str | None = None
    boolean: bool | None = None

    @property
    def is_update(self) -> bool:
        """An update operation: a direct ``application/sparql-update`` body, or an ``update`` parameter."""
        if dict(self.headers).get("content-type", "").startswith("application/sparql-update"):
            return True
        parameters = self.path.partition("?")[2].split("&")
        if self.body is not None:
            parameters += self.body.decode("latin-1").split("&")
        return any(parameter.startswith("update=") for parameter in parameters)


@dataclass(frozen=True)
class ProtocolTest:
    """A protocol test as a read-only endpoint must pass it: the requests to send, in order."""

    id: str
    name: str
    requests: tuple[ProtocolRequest, ...]
    rejects_update: bool


@dataclass(frozen=True)
class ProtocolOutcome:
    """The verdict on one protocol test."""

    test: ProtocolTest
    passed: bool
    detail: str = ""
    passes_by_value: bool = False

    @property
    def id(self) -> str:
        return self.test.id

    @property
    def name(self) -> str:
        return self.test.name


def read_protocol_manifest(path: Path) -> tuple[list[ProtocolTest], Dataset]:
    """The tests in order, and the dataset they query (each ``ut:graphData`` file as a named graph)."""
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=_BASE + "manifest.ttl")
    tests = [_test(store, entry) for entry in _list(store, _one(store, None, _MF + "entries"))]
    graphs = {
        (_one(store, data, _UT + "graph").value, _one(store, data, _RDFS + "label").value)
        for quad in store.quads_for_pattern(None, ox.NamedNode(_UT + "graphData"), None)
        for data in [quad.object]
    }
    named = tuple(SourceFile(path.parent / file_iri.removeprefix(_BASE), label) for file_iri, label in sorted(graphs))
    return tests, Dataset(named=named)


def run_protocol_tests(tests: list[ProtocolTest], endpoint: HttpEndpoint) -> list[ProtocolOutcome]:
    """Run ``tests`` against a running endpoint serving the protocol dataset."""
    return [run_protocol_test(test, endpoint.client, endpoint.url) for test in tests]


def run_protocol_test(test: ProtocolTest, client: httpx.Client, sparql_url: str) -> ProtocolOutcome:
    """Send the test's requests to ``sparql_url`` (in place of the manifest's ``/sparql/``) and judge them."""
    for request in test.requests:
        url = sparql_url + request.path.removeprefix("/sparql/").removeprefix("/sparql")
        try:
            response = client.request(request.method, url, headers=dict(request.headers), content=request.body)
        except httpx.HTTPError as err:
            return ProtocolOutcome(test, False, f"{request.method} {request.path[:60]}: {type(err).__name__}: {err}")
        problem = _judge(request, response)
        if problem:
            return ProtocolOutcome(test, False, f"{request.method} {request.path[:60]}: {problem}")
    return ProtocolOutcome(test, True)


def _judge(request: ProtocolRequest, response: httpx.Response) -> str | None:
    if response.status_code // 100 not in request.status_classes:
        wanted = " or ".join(f"{status}xx" for status in sorted(request.status_classes))
        return f"HTTP {response.status_code}, expected {wanted}: {' '.join(response.text.split())[:200]}"
    media_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if request.result_format and media_type not in _FORMATS[request.result_format]:
        return f"{request.result_format} results expected, got {media_type or 'no content type'}"
    if request.boolean is not None:
        answer = parse_results(response.content, RESULTS_FORMAT_BY_MEDIA_TYPE[media_type])
        if answer is not request.boolean:
            return f"expected {str(request.boolean).lower()}, got {answer}"
    return None


def _test(store: ox.Store, entry: ox.NamedNode | ox.BlankNode) -> ProtocolTest:
    requests = [
        _request(store, node)
        for node in _list(store, _one(store, _one(store, entry, _MF + "action"), _HT + "requests"))
    ]
    name = _one(store, entry, _MF + "name").value
    test_id = "protocol/" + entry.value.rsplit("#", 1)[-1]
    if requests[0].is_update:
        # Read-only: the update must be refused; what the later requests would check does not exist.
        rejected = ProtocolRequest(
            requests[0].method, requests[0].path, requests[0].headers, requests[0].body, frozenset({4})
        )
        return ProtocolTest(test_id, name, (rejected,), rejects_update=True)
    return ProtocolTest(test_id, name, tuple(requests), rejects_update=False)


def _request(store: ox.Store, node: ox.Term) -> ProtocolRequest:
    headers = tuple(
        (_one(store, header, _HT + "fieldName").value.lower(), _one(store, header, _HT + "fieldValue").value)
        for header in _list(store, _maybe(store, node, _HT + "headers"))
    )
    body_node = _maybe(store, node, _HT + "body")
    body = None
    if body_node is not None:
        encoding = _maybe(store, body_node, _CNT + "characterEncoding")
        body = _one(store, body_node, _CNT + "chars").value.encode(encoding.value if encoding else "utf-8")
    response = _one(store, node, _HT + "resp")
    statuses = [
        quad.object.value for quad in store.quads_for_pattern(response, ox.NamedNode(_MF + "expectedStatus"), None)
    ]
    result_format = _maybe(store, response, _MF + "expectedFormat")
    boolean = _maybe(store, response, _MF + "expectedBoolean")
    return ProtocolRequest(
        method=_one(store, node, _HT + "methodName").value,
        path=_one(store, node, _HT + "absolutePath").value,
        headers=headers,
        body=body,
        status_classes=frozenset(int(status.rsplit("StatusCode", 1)[-1][0]) for status in statuses),
        result_format=result_format.value if result_format else None,
        boolean=boolean.value == "true" if boolean else None,
    )


def _maybe(store: ox.Store, subject: ox.Term | None, predicate: str) -> ox.Term | None:
    quads = store.quads_for_pattern(subject, ox.NamedNode(predicate), None)
    return next((quad.object for quad in quads), None)


def _one(store: ox.Store, subject: ox.Term | None, predicate: str) -> ox.Term:
    found = _maybe(store, subject, predicate)
    if found is None:
        raise ValueError(f"protocol manifest: {subject} has no <{predicate}>")
    return found


def _list(store: ox.Store, head: ox.Term | None) -> list[ox.Term]:
    items = []
    while head is not None and head != ox.NamedNode(_RDF + "nil"):
        items.append(_one(store, head, _RDF + "first"))
        head = _one(store, head, _RDF + "rest")
    return items
