"""The typed views of pyoxigraph's results: the expected kind passes through, another fails with a clear message."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from mzgraph.rdf.oxigraph import solutions, triples, written
from mzgraph.store.loading import rebased


def test_solutions_and_triples_pass_the_expected_result_through() -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o")))

    assert [row["o"] for row in solutions(store.query("SELECT ?o WHERE { ?s ?p ?o }"))] == [ox.Literal("o")]
    assert len(list(triples(store.query("CONSTRUCT WHERE { ?s ?p ?o }")))) == 1


@pytest.mark.parametrize(
    ("expect", "query", "message"),
    [
        (solutions, "ASK { ?s ?p ?o }", "expected the solutions of a SELECT query, got QueryBoolean"),
        (triples, "SELECT * WHERE { ?s ?p ?o }", "expected the triples of a CONSTRUCT or DESCRIBE query"),
    ],
)
def test_another_kind_of_result_is_a_type_error_naming_it(expect, query: str, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        expect(ox.Store().query(query))


def test_written_is_the_bytes_serialize_returns() -> None:
    triple = ox.Triple(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o"))
    data = written(ox.serialize([triple], format=ox.RdfFormat.N_TRIPLES))
    assert data == b'<urn:s> <urn:p> "o" .\n'
    with pytest.raises(TypeError, match="wrote to an output"):
        written(None)


def test_rebasing_reaches_into_quoted_triples_datatypes_and_graph_names() -> None:
    old, new = "https://w3id.org/mzgraph/", "https://data.example.org/mz/"
    quoted = ox.Triple(
        ox.NamedNode(old + "a"), ox.NamedNode(old + "p"), ox.Literal("1", datatype=ox.NamedNode(old + "t"))
    )
    quad = ox.Quad(ox.BlankNode("b"), ox.NamedNode(old + "said"), quoted, ox.NamedNode(old + "g"))

    (moved,) = rebased([quad], old, new)

    assert str(moved) == f'_:b <{new}said> <<( <{new}a> <{new}p> "1"^^<{new}t> )>> <{new}g>'
