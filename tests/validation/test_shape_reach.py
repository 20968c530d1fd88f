"""The reach of shapes: how far from a focus node validation reads, or None where it cannot be bounded."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from mzgraph.bundled import rdf_files, shapes_dir
from mzgraph.validation import read_shapes
from mzgraph.validation.reach import Reach, shapes_reach

MZ = "https://w3id.org/mzgraph/def/"
PREFIXES = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <urn:ex:> .
@prefix mz: <{MZ}> .
"""


def _reach(shapes: str) -> Reach | None:
    return shapes_reach(Graph().parse(data=PREFIXES + shapes, format="turtle"))


def test_bundled_shapes_read_one_step_forward_and_four_predicates_back() -> None:
    reach = shapes_reach(read_shapes(rdf_files(shapes_dir())))

    assert reach == Reach(
        depth=1,
        inverse=frozenset(URIRef(MZ + p) for p in ("recognition", "ambassadorRole", "measure", "figure")),
    )


BOUNDED = {
    "own triples only": ("ex:S sh:targetClass ex:C ; sh:datatype ex:D .", 0, set()),
    "a simple path": ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .", 0, set()),
    "sh:class on values reads their types": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:class ex:D ] .",
        1,
        set(),
    ),
    "a sequence path with a nested node shape": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ; sh:node ex:T ] ."
        "ex:T sh:property [ sh:path ex:r ; sh:class ex:D ] .",
        3,
        set(),
    ),
    "sh:or of classes on values": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:or ( [ sh:class ex:D ] [ sh:class ex:E ] ) ] .",
        1,
        set(),
    ),
    "one inverse step with a class check": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:maxCount 1 ; sh:class ex:D ] .",
        0,
        {"urn:ex:p"},
    ),
    "targets by object": ("ex:S sh:targetObjectsOf ex:p ; sh:nodeKind sh:IRI .", 0, {"urn:ex:p"}),
    "the class tree may be walked": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ( ex:p [ sh:zeroOrMorePath rdfs:subClassOf ] ) ] .",
        0,
        set(),
    ),
    "SPARQL patterns chained from $this": (
        'ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE { $this <urn:ex:p> ?x . '
        '?x <urn:ex:q> ?y . FILTER NOT EXISTS { ?y <urn:ex:r> ?z } }" ] .',
        2,
        set(),
    ),
    "a SPARQL target hanging from ?this": (
        'ex:S sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this <urn:ex:p> ?v }" ] ; '
        "sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
        0,
        set(),
    ),
}

UNBOUNDED = {
    "rules": "ex:S sh:targetClass ex:C ; sh:rule [ a sh:TripleRule ] .",
    "custom constraint components": "ex:K a sh:ConstraintComponent . ex:S sh:targetClass ex:C .",
    "repeated paths": "ex:S sh:targetClass ex:C ; sh:property [ sh:path [ sh:oneOrMorePath ex:p ] ; sh:minCount 1 ] .",
    "an inverse step inside a sequence": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ( ex:p [ sh:inversePath ex:q ] ) ; sh:minCount 1 ] ."
    ),
    "a nested shape on inverse values": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:node ex:T ] ."
        "ex:T sh:property [ sh:path ex:q ; sh:minCount 1 ] ."
    ),
    "recursive shapes": "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:S ] .",
    "SPARQL from a constant": (
        'ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE { <urn:ex:x> <urn:ex:p> ?v }" ] .'
    ),
    "SPARQL looking backwards": (
        'ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE { ?x <urn:ex:p> $this }" ] .'
    ),
    "SPARQL with an inverse path": (
        'ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE { $this ^<urn:ex:p> ?x }" ] .'
    ),
    "a SPARQL target over the whole graph": (
        'ex:S sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?x <urn:ex:p> ?this }" ] .'
    ),
}


@pytest.mark.parametrize(("shapes", "depth", "inverse"), BOUNDED.values(), ids=BOUNDED.keys())
def test_bounded_shapes_give_their_depth_and_backward_predicates(shapes: str, depth: int, inverse: set[str]) -> None:
    assert _reach(shapes) == Reach(depth, frozenset(URIRef(p) for p in inverse))


@pytest.mark.parametrize("shapes", UNBOUNDED.values(), ids=UNBOUNDED.keys())
def test_what_cannot_be_bounded_is_unbounded(shapes: str) -> None:
    assert _reach(shapes) is None
