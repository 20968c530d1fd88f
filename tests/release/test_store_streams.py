"""The Store interface's streamed reads for internal queries: no row cap, a deadline, the same answers on the
embedded store and on a remote one (a real ``oxigraph serve``)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from mzgraph.rdf.namespaces import PREFIXES
from mzgraph.rdf.reading import read_files
from mzgraph.sparql.errors import QueryTimeout, TooManyRows
from mzgraph.store import EmbeddedStore, QueryPolicy, RemoteStore, Store
from tools.servers import OxigraphServer

from .conftest import embedded

LABELS = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
TYPES = "CONSTRUCT WHERE { ?s a ?type }"


@pytest.fixture(scope="module")
def stores(
    small_files: list[Path], start_oxigraph: Callable[[], OxigraphServer]
) -> Iterator[tuple[EmbeddedStore, RemoteStore]]:
    oxigraph = start_oxigraph()
    body = ox.serialize(read_files(small_files), format=ox.RdfFormat.N_QUADS)
    httpx.post(oxigraph.store_url, content=body, headers={"Content-Type": "application/n-quads"}, timeout=60)
    capped = QueryPolicy(max_rows=10, timeout=30.0)
    with embedded(small_files) as local, RemoteStore(oxigraph.query_url, capped, prefixes=PREFIXES) as remote:
        local.policy = capped
        yield local, remote


@pytest.mark.parametrize("backend", [0, 1])
def test_a_streamed_select_has_no_row_cap(stores: tuple[Store, Store], backend: int) -> None:
    store = stores[backend]
    with pytest.raises(TooManyRows):
        store.select(LABELS)
    rows = list(store.stream_select(LABELS))
    assert len(rows) > 600 and all(len(row) == 2 for row in rows)
    assert {(s.value, o.value) for s, o in rows} == {  # type: ignore[union-attr]
        (s.value, o.value)
        for s, o in stores[0].stream_select(LABELS)  # type: ignore[union-attr]
    }


@pytest.mark.parametrize("backend", [0, 1])
def test_streamed_triples_and_written_lines_are_the_same(stores: tuple[Store, Store], backend: int) -> None:
    store = stores[backend]
    triples = set(store.stream_construct(TYPES))
    written = io.BytesIO()
    store.write_lines(TYPES, written)
    assert {q.triple for q in ox.parse(written.getvalue(), format=ox.RdfFormat.N_TRIPLES)} == triples
    assert triples == set(stores[0].stream_construct(TYPES)) and len(triples) > 3000
    solutions = io.BytesIO()
    store.write_lines(LABELS, solutions)
    parsed = ox.parse_query_results(solutions.getvalue(), ox.QueryResultsFormat.TSV)
    assert {(s["s"], s["label"]) for s in parsed} == set(stores[0].stream_select(LABELS))  # type: ignore[union-attr]


@pytest.mark.parametrize("backend", [0, 1])
def test_a_streamed_query_keeps_to_its_deadline(stores: tuple[Store, Store], backend: int) -> None:
    slow = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
    with pytest.raises(QueryTimeout):
        for _ in stores[backend].stream_select(slow, timeout=0.5):
            pass


def test_only_trusted_forms_stream(stores: tuple[Store, Store]) -> None:
    with pytest.raises(ValueError, match="expected a SELECT query"):
        list(stores[0].stream_select(TYPES))
    with pytest.raises(ValueError, match="expected a CONSTRUCT query"):
        list(stores[0].stream_construct(LABELS))
    with pytest.raises(ValueError, match="expected a SELECT or CONSTRUCT query"):
        stores[0].write_lines("ASK {}", io.BytesIO())
