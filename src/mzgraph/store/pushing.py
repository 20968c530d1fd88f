"""Pushing RDF files into a remote store with the SPARQL 1.1 Graph Store HTTP Protocol (``mzgraph load
--sparql-endpoint``), and recording there the release they make.

Works with Oxigraph server (``/store``, no credentials) and Virtuoso (``/sparql-graph-crud-auth``, an
account with the ``SPARQL_UPDATE`` role, HTTP Digest): the kind of authentication is the one the graph
store asks for in its challenge. Credentials never appear in messages.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox

from mzgraph.errors import InputError
from mzgraph.rdf import formats
from mzgraph.rdf.oxigraph import written
from mzgraph.rdf.reading import iter_file
from mzgraph.store.base import Release
from mzgraph.store.loading import (
    CANONICAL_ENTITIES,
    content_tag,
    graphs_record,
    into_graph,
    new_release,
    private_graph,
    rebased,
    release_graph,
    release_record,
)
from mzgraph.store.wire import CONNECT_TIMEOUT, url_credentials, without_credentials

CHUNK_TRIPLES = 50_000
"""Triples serialised at a time into a streamed request body."""
WHOLE_CHUNKS = 10
"""Chunks in one request to a graph store that takes bodies whole (Virtuoso): a large file goes in several POSTs
of 500,000 triples (about 70 MB) each, so none is held whole in memory or waits on one long request."""

_VIRTUOSO_GRAPH_STORE = "/sparql-graph-crud-auth"


def graph_store_url(endpoint: str, *, credentials: tuple[str, str] | None = None) -> str:
    """The Graph Store endpoint beside a query endpoint: Virtuoso's ``/sparql-graph-crud-auth`` if the endpoint
    says it is Virtuoso (its ``Server`` header), else Oxigraph's ``.../store`` (``.../query`` -> ``.../store``)."""
    try:
        server = httpx.get(
            endpoint, params={"query": "ASK {}"}, timeout=CONNECT_TIMEOUT, auth=_basic(credentials)
        ).headers.get("server", "")
    except httpx.HTTPError:
        server = ""
    if server.startswith("Virtuoso"):
        url = urlsplit(endpoint)
        return url._replace(path=_VIRTUOSO_GRAPH_STORE, query="", fragment="").geturl()
    base, _, last = endpoint.rstrip("/").rpartition("/")
    return f"{base}/store" if last in ("query", "sparql") else endpoint.rstrip("/") + "/store"


def push_files(
    graph_store: str,
    files: Sequence[Path],
    base_iri: str,
    *,
    replace: bool = False,
    private: Collection[Path] = (),
    data_graph: str | None = None,
    credentials: tuple[str, str] | None = None,
) -> Release:
    """Send ``files`` to a Graph Store Protocol endpoint, graph by graph (``replace`` empties them first).

    Triples of no named graph go into ``data_graph`` (the store's default graph when None; Virtuoso has no
    default graph to write to). The ``private`` files (personal data) all go into the named graph
    :func:`~mzgraph.store.loading.private_graph`. The release, and the named graphs written, are recorded in
    the store last (:func:`~mzgraph.store.loading.release_graph`, replaced), so a :class:`RemoteStore` reads
    the same release tag in every process, and a release index can be checked against it.

    Every file is read through once before anything is sent, so a file that does not parse sends nothing.
    A file of one graph (Turtle, N-Triples, ...) is then streamed as one request body, so a large file is
    never held as a list, and its blank nodes stay one document's. Virtuoso needs a sized body, so there a file
    goes in POSTs of :data:`WHOLE_CHUNKS` chunks each (POST adds to a graph), or whole if it has blank nodes
    (each request is a document of its own, whose blank nodes are its own). A file of several graphs (TriG,
    N-Quads) is grouped by graph in memory first, one request per graph.
    """
    graphs_of: dict[Path, dict[str | None, None]] = {}
    blank: set[Path] = set()
    personal = private_graph(base_iri)
    for path in files:  # the check pass: parse errors surface here, with file:line, before any request
        graphs_of[path] = {}
        for quad in iter_file(path):
            graphs_of[path].setdefault(personal if path in private else _graph_of(quad, data_graph))
            if path not in blank and (type(quad.subject) is ox.BlankNode or type(quad.object) is ox.BlankNode):
                blank.add(path)
    entities = base_iri + "id/"
    counted = [0]
    shown = without_credentials(graph_store)

    def counting(triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
        for triple in triples:
            counted[0] += 1
            yield triple

    url = without_credentials(graph_store)
    with httpx.Client(timeout=httpx.Timeout(300.0, connect=CONNECT_TIMEOUT)) as client:
        try:
            whole = _prepare(client, url, credentials or url_credentials(graph_store))
            written = list(dict.fromkeys(g for graphs in graphs_of.values() for g in graphs))
            if replace:
                for graph in written:
                    _send(client, "DELETE", url, graph, None, allow=(404,))
            for path in files:
                quads = rebased(iter_file(path), CANONICAL_ENTITIES, entities)
                if path in private:
                    quads = (into_graph(quad, ox.NamedNode(personal)) for quad in quads)
                if len(graphs_of[path]) == 1:
                    (graph,) = graphs_of[path]
                    triples = _ntriples(counting(q.triple for q in quads))
                    _send(client, "POST", url, graph, triples, whole=whole, split=path not in blank)
                    continue
                by_graph: dict[str | None, list[ox.Triple]] = {}
                for quad in quads:
                    by_graph.setdefault(_graph_of(quad, data_graph), []).append(quad.triple)
                for graph, graph_triples in by_graph.items():
                    triples = _ntriples(counting(graph_triples))
                    _send(client, "POST", url, graph, triples, whole=whole, split=path not in blank)
            release = new_release(content_tag(files, base_iri), counted[0])
            record = release_graph(base_iri)
            named = [graph for graph in written if graph is not None and graph != data_graph]
            body = [*release_record(release, record), *graphs_record(record, named)]
            _send(client, "PUT", url, record, _ntriples(body), whole=True)
        except httpx.HTTPError as err:
            raise InputError(shown, f"cannot reach the graph store: {err}") from None
    return release


def _basic(credentials: tuple[str, str] | None) -> httpx.Auth | None:
    return httpx.BasicAuth(*credentials) if credentials else None


def _prepare(client: httpx.Client, url: str, credentials: tuple[str, str] | None) -> bool:
    """Set ``client`` up for the graph store at ``url`` from one anonymous request: the authentication it asks
    for (Digest or Basic); and whether request bodies must be sent whole (Virtuoso answers a chunked body 201
    and stores nothing)."""
    probe = {"graph": "urn:mzgraph:probe"}
    answer = client.get(url, params=probe)
    challenge = answer.headers.get("www-authenticate", "")
    if credentials is not None and challenge.lower().startswith("digest"):
        # Answered once here, Digest then authenticates each request up front (a streamed body cannot be sent twice)
        client.auth = httpx.DigestAuth(*credentials)
        client.get(url, params=probe)
    elif credentials is not None:
        client.auth = httpx.BasicAuth(*credentials)
    return answer.headers.get("server", "").startswith("Virtuoso")


def _graph_of(quad: ox.Quad, data_graph: str | None) -> str | None:
    return quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else data_graph


def _ntriples(triples: Iterable[ox.Triple]) -> Iterator[bytes]:
    """N-Triples of ``triples``, a chunk of :data:`CHUNK_TRIPLES` at a time (a streamed request body)."""
    chunk: list[ox.Triple] = []
    for triple in triples:
        chunk.append(triple)
        if len(chunk) >= CHUNK_TRIPLES:
            yield written(ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES))
            chunk = []
    if chunk:
        yield written(ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES))


def _send(
    client: httpx.Client,
    method: str,
    url: str,
    graph: str | None,
    body: Iterator[bytes] | None,
    allow: tuple[int, ...] = (),
    *,
    whole: bool = False,
    split: bool = False,
) -> None:
    """Send ``body`` (None: no body) to the graph store; ``whole``: as sized bodies, a POST in pieces if ``split``."""
    params = {"graph": graph} if graph else {"default": ""}
    headers = {"Content-Type": formats.N_TRIPLES.media_type} if body is not None else {}
    if body is None or not whole:
        contents: Iterable[bytes | Iterator[bytes] | None] = [body]
    else:  # a sized body: POST adds to the graph, so a large one goes in pieces; PUT replaces, so it goes whole
        contents = _pieces(body) if split and method == "POST" else [b"".join(body)]
    for content in contents:
        _request(client, method, url, params, content, headers, allow)


def _pieces(body: Iterator[bytes]) -> Iterator[bytes]:
    """``body``'s chunks joined :data:`WHOLE_CHUNKS` at a time (one empty piece for an empty body)."""
    piece: list[bytes] = []
    sent = False
    for chunk in body:
        piece.append(chunk)
        if len(piece) >= WHOLE_CHUNKS:
            yield b"".join(piece)
            piece, sent = [], True
    if piece or not sent:
        yield b"".join(piece)


def _request(
    client: httpx.Client,
    method: str,
    url: str,
    params: dict[str, str],
    content: bytes | Iterator[bytes] | None,
    headers: dict[str, str],
    allow: tuple[int, ...],
) -> None:
    response = client.request(method, url, params=params, content=content, headers=headers)
    if response.status_code in (401, 403):
        raise InputError(
            url,
            f"the graph store refused {method} (HTTP {response.status_code}): give an account allowed to write "
            "(--user and --password, or MZGRAPH_STORE_USER and MZGRAPH_STORE_PASSWORD)",
        )
    if response.status_code >= 300 and response.status_code not in allow:
        message = " ".join(response.text.split())[:300]
        raise InputError(url, f"the graph store refused {method}: HTTP {response.status_code} {message}")
