"""The entity JSON-LD built directly is the document pyLD's framing and compaction give, byte for byte."""

from __future__ import annotations

import io
import json

import pyoxigraph as ox
import pytest

from benchmarks.generate import write_graph
from mzgraph.bundled import bundled_graph_files
from mzgraph.entities.describe import Description, describe_query
from mzgraph.entities.framed import Unsupported, framed_document
from mzgraph.entities.jsonld import context_text, entity_document, framed_with_pyld
from mzgraph.rdf.reading import read_files

CONTEXT_URL = "https://w3id.org/mzgraph/context/v1.jsonld"
ID = "https://w3id.org/mzgraph/id/"


@pytest.fixture(scope="module")
def bundled() -> ox.Store:
    store = ox.Store()
    store.extend(read_files(bundled_graph_files()))
    return store


@pytest.fixture(scope="module")
def generated() -> ox.Store:
    text = io.StringIO()
    write_graph(text, 60, seed=7)
    store = ox.Store()
    store.load(text.getvalue().encode(), format=ox.RdfFormat.N_TRIPLES)
    return store


def describe(store: ox.Store, iri: str) -> Description:
    node = ox.NamedNode(iri)
    return Description(node, list(store.query(describe_query(node))))  # type: ignore[arg-type]


def subjects(store: ox.Store, under: str = ID) -> list[str]:
    found = {q.subject.value for q in store.quads_for_pattern(None, None, None) if isinstance(q.subject, ox.NamedNode)}
    return sorted(iri for iri in found if iri.startswith(under))


def assert_same_document(d: Description) -> None:
    direct = entity_document(d, CONTEXT_URL)
    assert json.dumps(direct) == json.dumps(framed_with_pyld(d, CONTEXT_URL)), d.focus.value


@pytest.mark.slow
def test_every_resource_of_the_bundled_graph_gets_the_document_pyld_frames(bundled: ox.Store) -> None:
    every = subjects(bundled, "https://w3id.org/mzgraph/")
    kinds = {iri.removeprefix(ID).split("/", 1)[0] for iri in every if iri.startswith(ID)}
    assert {"organisation", "partner", "measure", "measure-type", "event", "figure", "place", "source"} <= kinds
    assert any("/def/" in iri for iri in every)  # the vocabulary's terms too
    for iri in every:
        assert_same_document(describe(bundled, iri))


def test_generated_employers_and_their_parts_get_the_document_pyld_frames(generated: ox.Store) -> None:
    employers = subjects(generated, ID + "organisation/synthetic-")
    assert len(employers) == 60
    for iri in employers[:25]:
        d = describe(generated, iri)
        assert_same_document(d)
        parts = {t.object.value for t in d.triples if t.subject == d.focus and isinstance(t.object, ox.NamedNode)}
        for part in sorted(p for p in parts if p.startswith(ID + "measure/"))[:2]:
            assert_same_document(describe(generated, part))


def test_a_shared_partner_of_many_generated_employers_gets_the_same_document(generated: ox.Store) -> None:
    d = describe(generated, ID + "partner/mezzo")
    assert len(d.subjects(ox.NamedNode("https://w3id.org/mzgraph/def/partner"), d.focus)) > 1
    assert_same_document(d)


def test_blank_nodes_are_left_to_the_generic_processor() -> None:
    focus = ox.NamedNode(ID + "organisation/x")
    blank = ox.BlankNode("b1")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    triples = [
        ox.Triple(focus, ox.NamedNode("https://w3id.org/mzgraph/def/figure"), blank),
        ox.Triple(blank, label, ox.Literal("een", language="nl")),
    ]
    with pytest.raises(Unsupported):
        framed_document(focus, triples, context_text())
    document = entity_document(Description(focus, triples), CONTEXT_URL)  # framed by pyLD instead
    assert document["figures"][0]["label"] == {"nl": "een"}
